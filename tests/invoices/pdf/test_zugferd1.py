"""ZUGFeRD 1.0 is refused with a finding that says which versions are read; the emulator reads it the same way."""

from __future__ import annotations

from pdp.connectors.chorus_pro.sandbox.einvoice_reader import read_deposit
from pdp.einvoice.validation.engine import validate_document
from tests.invoices.pdf.zugferd1 import ZUGFERD1_XML, zugferd1_pdf

RULE = "PDP-ZUGFERD1-UNSUPPORTED"


def test_a_zugferd_1_pdf_is_refused_with_the_versions_that_are_read() -> None:
    report = validate_document(zugferd1_pdf(), filename="rechnung.pdf")
    assert not report.valid
    refusal = next(f for f in report.errors if f.rule == RULE)
    assert refusal.severity == "fatal"
    assert refusal.message == (
        "ZUGFeRD 1.0 (CrossIndustryDocument) is not read: Chorus Pro accepts Factur-X 1.0 / ZUGFeRD 2.1 and later "
        "(CII D16B). Export the invoice as Factur-X."
    )
    assert refusal.message_fr.startswith("Le ZUGFeRD 1.0 (CrossIndustryDocument) n'est pas lu")
    assert "PDP-XML-NOT-INVOICE" not in {f.rule for f in report.errors}


def test_a_bare_zugferd_1_xml_is_refused_the_same_way() -> None:
    report = validate_document(ZUGFERD1_XML, filename="ZUGFeRD-invoice.xml")
    assert RULE in {f.rule for f in report.errors} and not report.valid


def test_the_chorus_emulator_refuses_it_with_the_french_message() -> None:
    [deposited] = read_deposit(zugferd1_pdf(), "rechnung.pdf")
    assert deposited.unreadable is not None and "ZUGFeRD 1.0" in deposited.unreadable
