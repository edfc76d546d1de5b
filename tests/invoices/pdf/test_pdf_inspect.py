"""inspect_pdf on legitimate PDFs: what it reports, and that reporting has no side effects."""

from __future__ import annotations

import pypdf

from pdp.einvoice.formats.pdf_inspect import EmbeddedFile, XmpInfo, inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy
from tests.invoices.pdf.pdfgen import SAMPLE_PDF, facturx_pdf, simple_pdf, writer, written

POLICY = FilePolicy()


def test_sample_report() -> None:
    info = inspect_pdf(SAMPLE_PDF.read_bytes(), POLICY)
    assert info.pages == 1
    assert info.findings == ()
    assert info.xmp == XmpInfo(
        pdfa_part="3",
        pdfa_conformance="B",
        fx_conformance_level="EN 16931",
        fx_document_file_name="factur-x.xml",
        fx_document_type="INVOICE",
    )
    files = {item.name: item for item in info.embedded_files}
    assert set(files) == {"factur-x.xml", "Bon_de_livraison.pdf"}
    xml, note = files["factur-x.xml"], files["Bon_de_livraison.pdf"]
    assert (xml.afrelationship, xml.subtype, xml.size) == ("Source", "text/xml", len(xml.data))
    assert (note.afrelationship, note.subtype) == ("Unspecified", "application/pdf")
    assert note.data.startswith(b"%PDF-")


def test_plain_pdf_report() -> None:
    info = inspect_pdf(simple_pdf(pages=3), POLICY)
    assert (info.pages, info.embedded_files, info.xmp, info.findings) == (3, (), None, ())


def test_attachment_data_is_not_in_the_repr() -> None:
    pdf = writer()
    pdf.add_attachment("notes.txt", b"confidential body")
    (item,) = inspect_pdf(written(pdf), POLICY).embedded_files
    assert isinstance(item, EmbeddedFile) and item.data == b"confidential body"
    assert "confidential" not in repr(item)


def test_generated_facturx_xmp_is_read() -> None:
    info = inspect_pdf(facturx_pdf("basicwl"), POLICY)
    assert info.xmp is not None
    assert (info.xmp.pdfa_part, info.xmp.fx_conformance_level, info.xmp.fx_document_file_name) == (
        "3",
        "BASIC WL",
        "factur-x.xml",
    )


def test_pypdf_configuration_is_restored_after_inspection() -> None:
    before = pypdf.get_configuration()
    inspect_pdf(SAMPLE_PDF.read_bytes(), POLICY)
    assert pypdf.get_configuration() is before
