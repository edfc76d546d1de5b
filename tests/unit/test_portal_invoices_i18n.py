"""Every French text of the invoice pages has its English: the document kinds their templates name in a mapping
(outside ``_()``, which test_portal_i18n checks for every template) and the texts their Python chooses (notices,
refusals, form problems, units, VAT rates)."""

from __future__ import annotations

import re
from pathlib import Path

from pdp.web.portal import deposit, invoice_actions, invoice_builder, invoice_form, invoices
from pdp.web.portal.i18n import EN

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "src" / "pdp" / "web" / "templates" / "portal" / "invoices"
CALL = re.compile(r"""\b_\(\s*(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""", re.DOTALL)
KINDS = re.compile(
    r'"(?:invoice_original|invoice_facturx|attachment|chorus_receipt|validation_report|chorus_copy)": "([^"]+)"'
)


def template_texts() -> set[str]:
    texts = set()
    for template in TEMPLATES.glob("*.jinja2"):
        source = template.read_text()
        texts |= {re.sub(r"\\(.)", r"\1", m.group("text")) for m in CALL.finditer(source)}
        texts |= set(KINDS.findall(source))
    return texts


def test_the_parser_finds_the_invoice_pages_texts() -> None:
    texts = template_texts()
    assert {"Exporter en CSV", "Déposer la facture", "Facture déposée (original)"} <= texts
    assert len(texts) > 150


def test_every_text_of_the_invoice_pages_has_its_english() -> None:
    python_texts = {
        *invoices.NOTICES.values(),
        *invoice_actions.REFUSED.values(),
        invoice_actions.CHORUS_REFUSED,
        invoice_actions.REFUSED_DEFAULT,
        *invoice_form.UNITS.values(),
        *invoice_form.VAT_CHOICES.values(),
        *invoice_form.REQUIRED.values(),
        *invoice_form.DATES.values(),
    }
    builder_source = Path(invoice_builder.__file__).read_text() + Path(invoice_form.__file__).read_text()
    python_texts |= set(
        re.findall(r'"((?:Ce SIRET|Chorus Pro ne connaît|L\'annuaire|Ligne \{number\}|Ajoutez)[^"]+)"', builder_source)
    )
    query_source = Path(deposit.__file__).with_name("invoice_query.py").read_text()
    python_texts |= set(re.findall(r'"([^"]+ : ce filtre est ignoré\.|Ce statut[^"]+)"', query_source))
    missing = sorted(text for text in template_texts() | python_texts if text not in EN)
    assert missing == [], "add these to web/src/pdp/web/portal/i18n/invoices.py:\n" + "\n".join(missing)


def test_placeholders_survive_translation() -> None:
    for french in template_texts():
        english = EN.get(french, french)
        assert set(re.findall(r"\{(\w+)\}", french)) == set(re.findall(r"\{(\w+)\}", english)), french
