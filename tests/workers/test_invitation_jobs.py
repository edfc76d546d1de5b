"""The jobs a mandate's creation and a letter's request stage are ones a worker runs (a name the registry does not
know is a job arq drops, and an invitation nobody sends)."""

from __future__ import annotations

from pdp.tenants.identity.postal_code import SEND_LETTER_JOB
from pdp.tenants.mandates.service import INVITE_JOB
from pdp.workers.registry import REGISTRY
from pdp.workers.tasks import load_all


def test_the_invitation_and_the_letter_jobs_are_registered() -> None:
    load_all()
    assert {INVITE_JOB, SEND_LETTER_JOB} <= set(REGISTRY)
