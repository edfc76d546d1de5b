"""Every French text the portal shows has its English: the templates' ``_("…")`` calls (parsed), the navigation,
the statuses, the error pages and the forms' messages. A page added without its translations fails here."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pdp.web.portal import account, second_factor, sign_in
from pdp.web.portal.i18n import EN, from_accept_language, translate
from pdp.web.portal.i18n.formats import format_amount, format_date, format_datetime
from pdp.web.portal.i18n.statuses import LABELS, ROLES
from pdp.web.portal.pages import BY_CODE, BY_STATUS, UNEXPECTED
from pdp.web.portal.shell import NAVIGATION

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "src" / "pdp" / "web" / "templates" / "portal"
# _("…") or _('…'), first argument a literal (Jinja string escapes included).
CALL = re.compile(r"""\b_\(\s*(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""", re.DOTALL)


def template_texts() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for template in sorted(TEMPLATES.rglob("*.jinja2")):  # every area's folder too
        for match in CALL.finditer(template.read_text()):
            text = re.sub(r"\\(.)", r"\1", match.group("text"))
            found.setdefault(text, set()).add(str(template.relative_to(TEMPLATES)))
    return found


def test_the_parser_finds_the_layouts_texts() -> None:
    texts = template_texts()
    assert "Aller au contenu" in texts and "Se déconnecter" in texts  # else the check below checks nothing
    assert len(texts) > 50


def test_every_text_of_every_template_has_an_english_translation() -> None:
    missing = {text: sorted(where) for text, where in template_texts().items() if text not in EN}
    assert missing == {}, "add these to web/src/pdp/web/portal/i18n/<area>.py (EN dict):\n" + "\n".join(
        f"  {where}: {text!r}" for text, where in missing.items()
    )


def test_texts_chosen_in_python_have_their_english_too() -> None:
    python_texts = {
        *(item.label for item in NAVIGATION),
        *LABELS.values(),
        *ROLES.values(),
        *(text for pair in [*BY_CODE.values(), *BY_STATUS.values(), UNEXPECTED] for text in pair),
        sign_in.WRONG, sign_in.THROTTLED, sign_in.INVALID_EMAIL,
        second_factor.REFUSED, second_factor.THROTTLED, account.WRONG_PASSWORD,
    }  # fmt: skip
    assert sorted(text for text in python_texts if text not in EN) == []


def test_placeholders_survive_translation() -> None:
    for french, english in EN.items():
        assert set(re.findall(r"{(\w+)}", french)) == set(re.findall(r"{(\w+)}", english)), french
    assert translate("Tous mes fournisseurs ({count})", "en", count=3) == "All my suppliers (3)"
    assert translate("Tous mes fournisseurs ({count})", "fr", count=3) == "Tous mes fournisseurs (3)"
    assert translate("Un texte sans traduction", "en") == "Un texte sans traduction"  # French rather than a key


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("de-DE,de;q=0.9", None),
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("de;q=1.0, en;q=0.5, fr;q=0.7", "fr"),
        ("en;q=0, fr;q=0.1", "fr"),
        ("en;q=bad, fr;q=0.5", "fr"),
    ],
)
def test_the_browser_language_is_read_by_its_quality_values(header: str | None, expected: str | None) -> None:
    assert from_accept_language(header) == expected


def test_amounts_and_dates_are_written_as_each_language_writes_them() -> None:
    assert format_amount(Decimal("1234.56"), "EUR", "fr") == "1\u202f234,56\u00a0€"
    assert format_amount(Decimal("1234.56"), "EUR", "en") == "€1,234.56"
    assert format_amount(Decimal("-1234567.5"), "EUR", "fr") == "-1\u202f234\u202f567,50\u00a0€"
    assert format_amount("40", "USD", "en") == "40.00 USD"
    assert format_amount(Decimal("0.005"), "EUR", "fr") == "0,01\u00a0€"  # rounded half up, as the law's cents
    assert format_date(date(2026, 3, 1), "fr") == "1er mars 2026"
    assert format_date(date(2026, 3, 12), "en") == "12 March 2026"
    winter = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # already the 16th in Paris
    assert format_datetime(winter, "fr") == "16 janvier 2026 à 00 h 30"
    assert format_datetime(winter, "en") == "16 January 2026, 00:30"
