"""The invitation's and the proofs' texts chosen in Python (forms' messages, refusal pages) have their English;
its templates' texts are checked with every other template's (test_portal_i18n)."""

from __future__ import annotations

import re

from pdp.tenants.mandates.invitations import CONSENT_TEXT
from pdp.web.portal import invitation, proconnect
from pdp.web.portal.i18n import EN


def test_every_text_the_invitation_s_handlers_choose_has_its_english() -> None:
    texts = {
        *invitation.LETTER_REFUSALS.values(),
        *invitation.CODE_ERRORS.values(),
        *invitation.CHANNEL_NAMES.values(),
        invitation.CHORUS_REFUSED,
        invitation.CHORUS_NOT_ATTACHED,
        invitation.THROTTLED,
        invitation.PROVE_FIRST,
        *proconnect.MISMATCH,
        *proconnect.NO_ACCOUNT,
        *proconnect.CANCELLED,
        CONSENT_TEXT,
        "Saisissez vos nom et prénom.",  # the acceptance form's findings (message_fr)
        "Cochez la case d'accord.",
    }
    assert sorted(text for text in texts if text not in EN) == []
    for text in texts:  # and the English keeps the placeholders the page fills in
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", EN[text])), text
