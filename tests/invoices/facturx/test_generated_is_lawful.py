"""The Factur-X pdp writes from a JSON invoice: clean of pdp's own findings, lawful, and saying what it prints."""

from __future__ import annotations

import io

import msgspec
import pypdf
import pytest

from pdp.einvoice.formats.cii_read import read_cii
from pdp.einvoice.formats.facturx_pdf import invoice_xml_from
from pdp.einvoice.formats.facturx_write import write_facturx
from pdp.einvoice.formats.json_input import to_invoice
from pdp.einvoice.formats.pdf_inspect import inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.validation.engine import ValidationOptions, validate_document
from tests.invoices.validation.test_engine import SELLER, structured

STRICT = ValidationOptions(brfr_severity="error")


@pytest.mark.parametrize("kind", ["invoice", "credit_note"])
def test_pdps_own_factur_x_raises_none_of_pdps_own_findings(kind: str) -> None:
    overrides: dict[str, object] = {"type": kind}
    if kind == "credit_note":
        overrides |= {"preceding_invoice": {"number": "F-2026-0001"}, "payment": None}
    pdf = write_facturx(to_invoice(structured(**overrides), seller=SELLER))
    report = validate_document(pdf, filename="f.pdf", options=STRICT)
    assert report.syntax == "facturx"
    assert [(f.rule, f.message) for f in report.errors] == []  # not even a warning


def test_it_carries_both_addresses_the_legal_notes_it_prints_and_the_frame_chorus_reads() -> None:
    invoice = to_invoice(structured(billing_frame="A2"), seller=SELLER)
    pdf = write_facturx(invoice)
    embedded = invoice_xml_from(inspect_pdf(pdf, FilePolicy()))
    assert embedded is not None
    read = read_cii(parse_xml(embedded.xml))
    assert read.seller.address is not None and read.buyer.address is not None
    assert (read.seller.address.line1, read.seller.address.postal_code, read.seller.address.city) == (
        "12 rue des Artisans",
        "69002",
        "Lyon",
    )
    assert (read.buyer.address.line1, read.buyer.address.city) == ("139 rue de Bercy", "Paris")
    assert read.process_type == "A2"
    notes = {note.subject_code: note.text for note in read.notes if note.subject_code}
    assert set(notes) == {"PMD", "PMT", "AAB"}
    page = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for text in notes.values():
        assert text is not None and " ".join(text.split()) in page  # the XML says what the PDF prints


def test_a_json_invoice_without_a_party_address_is_refused_naming_the_party() -> None:
    seller = msgspec.structs.replace(SELLER, address=None)
    body = msgspec.json.encode(structured(recipient={"siret": "11000201100044", "name": "Ministère"}))
    report = validate_document(body, seller=seller)
    assert not report.valid
    missing = {f.rule: f for f in report.errors if f.rule.endswith("ADDRESS-MISSING")}
    assert set(missing) == {"PDP-SELLER-ADDRESS-MISSING", "PDP-BUYER-ADDRESS-MISSING"}
    assert missing["PDP-BUYER-ADDRESS-MISSING"].bt == "BG-8"
