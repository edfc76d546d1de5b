"""A hybrid PDF with a ZUGFeRD 1.0 XML beside its factur-x.xml is validated on the Factur-X one; pypdf's repair
notes on a sloppy PDF stay off ``pdp validate``'s stderr."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats.facturx_pdf import extract_invoice_xml
from pdp.einvoice.formats.policy import FilePolicy
from pdp.einvoice.validation.engine import validate_document
from tests.invoices.pdf.pdfgen import facturx_pdf, writer, written

POLICY = FilePolicy()
ZUGFERD_1 = b'<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>'


def _with_zugferd_1(pdf: bytes) -> bytes:
    copy = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    copy.add_attachment("ZUGFeRD-invoice.xml", ZUGFERD_1)
    out = io.BytesIO()
    copy.write(out)
    return out.getvalue()


def test_the_facturx_xml_is_chosen_and_the_legacy_one_named() -> None:
    found = extract_invoice_xml(_with_zugferd_1(facturx_pdf("en16931")), POLICY)
    assert found is not None
    assert found.filename == "factur-x.xml" and found.xml != ZUGFERD_1
    assert found.set_aside == ("ZUGFeRD-invoice.xml",)


def test_a_hybrid_pdf_is_validated_not_refused() -> None:
    report = validate_document(_with_zugferd_1(facturx_pdf("en16931")), filename="facture.pdf")
    rules = {f.rule: f.severity for f in report.errors}
    assert report.syntax == "facturx" and report.invoice is not None
    assert "PDP-FACTURX-MULTIPLE-XML" not in rules
    assert rules["PDP-FACTURX-LEGACY-XML"] == "info"
    plain = validate_document(facturx_pdf("en16931"), filename="facture.pdf")
    assert {f.rule for f in report.errors} - {f.rule for f in plain.errors} == {"PDP-FACTURX-LEGACY-XML"}


def test_two_different_invoices_without_a_facturx_xml_are_still_ambiguous() -> None:
    pdf = writer()
    pdf.add_attachment("ZUGFeRD-invoice.xml", ZUGFERD_1)
    pdf.add_attachment("xrechnung.xml", b"<ubl:Invoice/>")
    with pytest.raises(UnreadableDocument) as refused:
        extract_invoice_xml(written(pdf), POLICY)
    assert refused.value.finding.rule == "PDP-FACTURX-MULTIPLE-XML"


def test_pypdf_repair_notes_do_not_reach_the_cli_stderr(tmp_path: Path) -> None:
    # A startxref pointing a few bytes off: pypdf repairs it, and says so through its logger. In a process of its
    # own, as a user runs it: under pytest the root logger has pytest's handler, and nothing would reach stderr.
    pdf = re.sub(rb"startxref\s+(\d+)", lambda m: b"startxref\n" + str(int(m[1]) + 7).encode(), facturx_pdf())
    path = tmp_path / "facture.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(
        [sys.executable, "-c", "from pdp.cli.main import cli; cli()", "validate", str(path)],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert b"facture.pdf" in run.stdout  # it was read and reported
    assert run.stderr == b""
