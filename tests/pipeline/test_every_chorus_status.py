"""Every invoice status Chorus Pro can report, forced by the emulator on a deposited invoice and read by a real
tracking round: pdp shows Chorus's status, moves to the status it maps to when that is a step forward, and says
the reform's CDAR code in its event (issue 13 §2: "the emulator's control API can force … every invoice status
above, so each path has a test"). The mapping itself is tests/unit/test_chorus_states.py's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from pdp.connectors.chorus_pro.states import INVOICE_STATUSES
from pdp.tenants.deposits.lifecycle import CHORUS_INVOICE_STATES, may_move
from pdp.tenants.deposits.pipeline import Pipeline, advance
from tests.conftest import TenantFixture
from tests.pipeline.test_chorus_states import Later, _deposited, later  # noqa: F401 (later: a fixture)
from tests.pipeline.test_submission import _invoice
from tests.sandbox.harness import RunningSandbox

KNOWN = [code for code in INVOICE_STATUSES if code in CHORUS_INVOICE_STATES]


@pytest.mark.parametrize("code", KNOWN)
async def test_each_chorus_status_forced_on_a_deposited_invoice_is_shown_and_mapped(
    code: str,
    chorus_client: Any,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    later: Later,  # noqa: F811
) -> None:
    invoice_id, _ = await _deposited(chorus_client, tenant, pipeline)
    sandbox.control("POST", "clock/advance", {"seconds": 5})
    await advance(pipeline, tenant.id, invoice_id)
    deposited = await _invoice(chorus_client, tenant, invoice_id)
    assert deposited["status"] == "deposited"
    sandbox.control("POST", f"invoices/{deposited['chorus']['invoice_id']}/force", {"statut": code})
    for _ in range(2):
        later.offset += timedelta(seconds=5)
        await advance(pipeline, tenant.id, invoice_id)

    shown = await _invoice(chorus_client, tenant, invoice_id)
    meaning = CHORUS_INVOICE_STATES[code]
    expected = meaning.status if may_move("deposited", meaning.status) else "deposited"
    assert (shown["status"], shown["chorus"]["status"]) == (expected, code)
    if expected != "deposited":
        events = (await chorus_client.get(f"/v1/invoices/{invoice_id}/events", headers=tenant.headers)).json()
        [moved] = [e["data"] for e in events["data"] if e["data"].get("status") == expected]
        assert (moved["chorus_status"], moved["cdar_code"]) == (code, meaning.cdar)
