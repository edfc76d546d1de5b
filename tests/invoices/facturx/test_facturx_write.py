"""write_facturx end to end: the embedded XML, the PDF/A-3 container, and what our readers and others make of it."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from typing import Any

import facturx
import msgspec
import pypdf
import pytest
from pypdf.actions import JavaScript
from pypdf.generic import StreamObject

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.facturx_pdf import check_xmp_level, extract_invoice_xml
from pdp.einvoice.formats.facturx_write import write_facturx
from pdp.einvoice.formats.pdf_inspect import inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy
from pdp.einvoice.formats.readers import read_xml_invoice
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import Invoice
from pdp.einvoice.validation.engine import validate_document
from tests.invoices.facturx.invoices import credit_note, invoice, long_invoice
from tests.invoices.pdf.pdfgen import facturx_pdf, simple_pdf, written

BUILDERS: dict[str, Callable[[], Invoice]] = {"invoice": invoice, "credit_note": credit_note, "long": long_invoice}


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def case(request: pytest.FixtureRequest) -> tuple[Invoice, bytes]:
    built = BUILDERS[request.param]()
    return built, write_facturx(built)


def test_the_embedded_xml_is_write_cii_byte_for_byte_and_reads_back_as_the_invoice(case: tuple[Invoice, bytes]) -> None:
    built, pdf = case
    embedded = extract_invoice_xml(pdf, FilePolicy())
    assert embedded is not None
    assert embedded.filename == "factur-x.xml"
    assert embedded.afrelationship == "Data"
    assert embedded.xml == write_cii(built)
    parsed = read_xml_invoice(parse_xml(embedded.xml))
    assert parsed.findings == []
    assert parsed.invoice == msgspec.structs.replace(built, routing=None)  # routing is not carried in CII


def test_the_container_passes_our_inspection_with_factur_x_xmp(case: tuple[Invoice, bytes]) -> None:
    _, pdf = case
    info = inspect_pdf(pdf, FilePolicy())
    assert info.findings == ()
    assert info.xmp is not None
    assert (info.xmp.pdfa_part, info.xmp.pdfa_conformance) == ("3", "B")
    assert info.xmp.fx_conformance_level == "EN 16931"
    assert info.xmp.fx_document_file_name == "factur-x.xml"
    assert info.xmp.fx_document_type == "INVOICE"
    [attachment] = info.embedded_files
    assert attachment.subtype == "text/xml"
    embedded = extract_invoice_xml(pdf, FilePolicy())
    assert embedded is not None
    assert check_xmp_level(embedded.xmp_level, "urn:cen.eu:en16931:2017") == []


def test_the_reference_factur_x_library_reads_it(case: tuple[Invoice, bytes]) -> None:
    built, pdf = case
    assert facturx.get_xml_from_pdf(pdf, check_xsd=True) == ("factur-x.xml", write_cii(built))


def test_the_validation_engine_accepts_it_as_factur_x(case: tuple[Invoice, bytes]) -> None:
    _, pdf = case
    report = validate_document(pdf, filename="f.pdf")
    assert report.syntax == "facturx"
    assert report.valid, [(f.rule, f.message) for f in report.errors]
    assert [f.rule for f in report.errors if f.severity in ("fatal", "error")] == []


def test_pdfa3_container_structure() -> None:
    built = invoice()
    pdf = write_facturx(built)
    assert pdf.startswith(b"%PDF-1.7\n%") and all(byte > 127 for byte in pdf[10:14])  # binary comment line
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    trailer: Any = reader.trailer  # pypdf types every value as PdfObject
    root = trailer["/Root"]
    first_id, second_id = trailer["/ID"]
    # pypdf reads a 16-byte string as text when it happens to decode (as UTF-16, 8 characters): compare bytes.
    assert len(first_id.original_bytes) == 16 and first_id == second_id
    # The attachment: listed in /AF and /EmbeddedFiles, with the /Params PDF/A-3 and Factur-X ask for.
    [spec_ref] = root["/AF"]
    tree = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert tree == ["factur-x.xml", spec_ref]
    spec = spec_ref.get_object()
    assert (spec["/F"], spec["/UF"], spec["/AFRelationship"]) == ("factur-x.xml", "factur-x.xml", "/Data")
    stream = spec["/EF"]["/F"].get_object()
    xml = write_cii(built)
    params = stream["/Params"]
    assert params["/Size"] == len(xml)
    checksum = params["/CheckSum"]  # pypdf reads a 16-byte string as text when it happens to decode
    assert getattr(checksum, "original_bytes", checksum) == hashlib.md5(xml).digest()
    assert params["/ModDate"] == "D:20261120000000+00'00'"
    # Output intent: an RGB ICC profile, since the page paints in DeviceRGB.
    [intent] = root["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"
    # XMP: not filtered (PDF/A), and saying what the Info dictionary says.
    metadata = root["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject) and "/Filter" not in metadata
    xmp = metadata.get_data().decode()
    info = reader.metadata
    assert info is not None
    assert info.title == "Facture F-2026-0042" and f">{info.title}<" in xmp
    assert info.author == "Atelier Dupont SARL" and f"<rdf:li>{info.author}</rdf:li>" in xmp
    assert info.creation_date_raw == "D:20261120000000+00'00'" and "2026-11-20T00:00:00+00:00" in xmp
    assert f"<pdf:Producer>{info.producer}</pdf:Producer>" in xmp
    assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in xmp


def test_every_font_is_embedded() -> None:
    reader = pypdf.PdfReader(io.BytesIO(write_facturx(long_invoice())))
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts = resources["/Font"]
        assert fonts
        for font in fonts.values():
            font_dict = font.get_object()
            assert "/FontDescriptor" in font_dict, font_dict  # the standard 14 fonts have none: not embedded
            assert "/FontFile2" in font_dict["/FontDescriptor"]


def test_same_invoice_same_bytes() -> None:
    assert write_facturx(invoice()) == write_facturx(invoice())
    assert write_facturx(invoice()) != write_facturx(credit_note())


def test_a_supplier_pdf_is_kept_and_its_old_invoice_xml_replaced() -> None:
    built = invoice()
    own = write_facturx(built, pdf=simple_pdf(pages=2))
    assert len(pypdf.PdfReader(io.BytesIO(own)).pages) == 2
    assert "Invoice page 2" in pypdf.PdfReader(io.BytesIO(own)).pages[1].extract_text()
    embedded = extract_invoice_xml(own, FilePolicy())
    assert embedded is not None and embedded.xml == write_cii(built)
    # An earlier Factur-X (another XML) plus an unrelated attachment: ours replaces the XML, the rest stays.
    earlier = pypdf.PdfWriter(clone_from=io.BytesIO(facturx_pdf()))
    earlier.add_attachment("timesheet.csv", b"day;hours\n2026-11-02;7\n")
    replaced = write_facturx(built, pdf=written(earlier))
    info = inspect_pdf(replaced, FilePolicy())
    names = sorted(item.name for item in info.embedded_files)
    assert names == ["factur-x.xml", "timesheet.csv"]
    assert next(item for item in info.embedded_files if item.name == "timesheet.csv").afrelationship == "Unspecified"
    embedded = extract_invoice_xml(replaced, FilePolicy())
    assert embedded is not None and embedded.xml == write_cii(built)
    assert validate_document(replaced, filename="f.pdf").valid


def test_a_hostile_supplier_pdf_is_refused() -> None:
    hostile = pypdf.PdfWriter(clone_from=io.BytesIO(simple_pdf()))
    hostile.add_open_action(JavaScript("app.alert('x');"))
    with pytest.raises(UnreadableDocument) as refused:
        write_facturx(invoice(), pdf=written(hostile))
    assert refused.value.finding.rule == "PDP-PDF-JAVASCRIPT"


def test_created_must_be_timezone_aware() -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone-aware"):
        write_facturx(invoice(), created=datetime(2026, 11, 20, 12, 0))


def test_a_twenty_line_factur_x_takes_well_under_a_second() -> None:
    built = long_invoice(20)
    write_facturx(built)  # fonts registered, caches warm
    start = time.perf_counter()
    write_facturx(built)
    assert time.perf_counter() - start < 1.0
