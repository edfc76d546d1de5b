"""The mandates, archive, users and notifications pages speak English too: every French text their Python chooses
has its English (their templates' texts are checked with every template's, by test_portal_i18n)."""

from __future__ import annotations

from pdp.tenants.identity.models import CHANNELS as PROOF_CHANNELS
from pdp.tenants.mandates.models import STATUSES as MANDATE_STATUSES
from pdp.tenants.notifications.preferences import GROUPS
from pdp.web.portal import users
from pdp.web.portal.i18n import EN
from pdp.web.portal.i18n.archive import KINDS
from pdp.web.portal.i18n.mandates import CHANNELS, INVOICE_TYPES, STATES
from pdp.web.portal.i18n.notifications import GROUP_WORDS
from pdp.web.portal.i18n.users import REFUSALS, ROLE_DUTIES, UNEXPLAINED
from pdp.web.portal.notifications import NOTICES
from pdp.web.portal.provider_mandates import NOTICES as MANDATE_NOTICES


def test_texts_chosen_in_python_have_their_english() -> None:
    chosen = [
        *KINDS.values(),
        *(text for pair in GROUP_WORDS.values() for text in pair),
        *NOTICES.values(),
        *users.NOTICES.values(),
        *REFUSALS.values(),
        *ROLE_DUTIES.values(),
        UNEXPLAINED,
        *(label for label, _badge in STATES.values()),
        *CHANNELS.values(),
        *INVOICE_TYPES.values(),
        *(text for text, _kind in MANDATE_NOTICES.values()),
        "Adresse e-mail invalide.",  # pdp.tenants.common.normalize_email's message_fr
        "Saisissez vos nom et prénom.",  # pdp.tenants.accounts.user_invitations._full_name's
    ]
    assert sorted(text for text in chosen if text not in EN) == []
    assert set(GROUP_WORDS) == set(GROUPS)  # every e-mail group has its words
    assert set(STATES) == {*MANDATE_STATUSES, "refused"} and set(CHANNELS) == set(PROOF_CHANNELS)
