"""The mandates, archive, users and notifications pages speak English too: every ``_("…")`` of their templates
(templates/portal/<area>/) and every French text their Python chooses has its English, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

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

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "src" / "pdp" / "web" / "templates" / "portal"
AREAS = ("archive", "mandates", "users", "notifications")
CALL = re.compile(r"""\b_\(\s*(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""", re.DOTALL)


def area_texts() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for area in AREAS:
        for template in sorted((TEMPLATES / area).glob("*.jinja2")):
            for match in CALL.finditer(template.read_text()):
                text = re.sub(r"\\(.)", r"\1", match.group("text"))
                found.setdefault(text, set()).add(f"{area}/{template.name}")
    return found


def test_the_areas_templates_are_found() -> None:
    texts = area_texts()
    assert "Exporter une période" in texts and len(texts) > 20


def test_every_text_of_the_areas_has_its_english() -> None:
    missing = {text: sorted(where) for text, where in area_texts().items() if text not in EN}
    assert missing == {}, "add these to web/src/pdp/web/portal/i18n/<area>.py:\n" + "\n".join(
        f"  {where}: {text!r}" for text, where in missing.items()
    )


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
