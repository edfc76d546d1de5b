"""Factur-X extraction and container checks against the FNFE sample and PDFs built with akretion's library."""

from __future__ import annotations

import facturx
import pytest

from pdp.einvoice.formats.facturx_pdf import (
    CTC_FR_PROFILE,
    XMP_LEVEL_BY_PROFILE,
    check_afrelationship,
    check_xmp_level,
    extract_invoice_xml,
)
from pdp.einvoice.formats.pdf_inspect import inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy
from tests.invoices.pdf.pdfgen import (
    SAMPLE_PDF,
    drop_xmp,
    facturx_pdf,
    replace_xmp,
    sample_xml,
    simple_pdf,
    with_attachment,
    writer,
    written,
)

POLICY = FilePolicy()
LEVELS = {
    "minimum": ("MINIMUM", "urn:factur-x.eu:1p0:minimum"),
    "basicwl": ("BASIC WL", "urn:factur-x.eu:1p0:basicwl"),
    "basic": ("BASIC", "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic"),
    "en16931": ("EN 16931", "urn:cen.eu:en16931:2017"),
    "extended": ("EXTENDED", "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended"),
}


def test_sample_xml_is_byte_identical_to_the_factur_x_library() -> None:
    data = SAMPLE_PDF.read_bytes()
    found = extract_invoice_xml(data, POLICY)
    expected_name, expected_xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    assert found is not None
    assert (found.filename, found.xml) == (expected_name, expected_xml)
    assert found.xmp_level == "EN 16931" and found.afrelationship == "Source"
    assert check_xmp_level(found.xmp_level, "urn:cen.eu:en16931:2017") == []
    assert check_afrelationship(found.afrelationship) == []


@pytest.mark.parametrize("level", list(LEVELS))
def test_generated_facturx_round_trips(level: str) -> None:
    xmp_level, urn = LEVELS[level]
    data = facturx_pdf(level)
    found = extract_invoice_xml(data, POLICY)
    assert found is not None
    assert found.xml == sample_xml(level) == facturx.get_xml_from_pdf(data, check_xsd=False)[1]
    assert (found.filename, found.xmp_level, found.afrelationship) == ("factur-x.xml", xmp_level, "Data")
    assert urn.encode() in found.xml  # the sample really declares that profile
    assert check_xmp_level(found.xmp_level, urn) == []


def test_tampered_xmp_level_is_a_mismatch() -> None:
    data = replace_xmp(facturx_pdf("en16931"), b">EN 16931<", b">EXTENDED<")
    found = extract_invoice_xml(data, POLICY)
    assert found is not None and found.xmp_level == "EXTENDED"
    (mismatch,) = check_xmp_level(found.xmp_level, "urn:cen.eu:en16931:2017")
    assert (mismatch.rule, mismatch.severity, mismatch.bt) == ("PDP-FACTURX-XMP-MISMATCH", "error", "BT-24")
    assert "EXTENDED" in mismatch.message and "EN 16931" in mismatch.message_fr


def test_missing_xmp_is_a_warning() -> None:
    found = extract_invoice_xml(drop_xmp(facturx_pdf("basic")), POLICY)
    assert found is not None and found.xmp_level is None
    (missing,) = check_xmp_level(found.xmp_level, LEVELS["basic"][1])
    assert (missing.rule, missing.severity) == ("PDP-FACTURX-XMP-MISSING", "warning")


def test_unsafe_xmp_is_ignored_with_a_warning_not_parsed() -> None:
    data = replace_xmp(
        facturx_pdf("minimum"), b"<x:xmpmeta", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x:xmpmeta'
    )
    info = inspect_pdf(data, POLICY)
    assert info.xmp is None
    assert [(item.rule, item.severity) for item in info.findings] == [("PDP-PDF-XMP-UNREADABLE", "warning")]


def test_ctc_fr_profile_gets_a_warning_whatever_the_level() -> None:
    (warning,) = check_xmp_level("EXTENDED", CTC_FR_PROFILE)
    assert (warning.rule, warning.severity) == ("PDP-FACTURX-XMP-MISMATCH", "warning")


def test_xmp_table_matches_the_factur_x_library() -> None:
    assert {XMP_LEVEL_BY_PROFILE[urn] for _, urn in LEVELS.values()} == set(facturx.facturx.FACTURX_LEVEL2xmp.values())
    assert check_xmp_level("EN 16931", "urn:unknown:profile") == []
    assert check_xmp_level(" BASIC WL ", " urn:factur-x.eu:1p0:basicwl ") == []
    assert [item.rule for item in check_xmp_level("BASICWL", "urn:factur-x.eu:1p0:basicwl")] == [
        "PDP-FACTURX-XMP-MISMATCH"
    ]


def test_plain_pdf_has_no_invoice_xml() -> None:
    assert extract_invoice_xml(simple_pdf(), POLICY) is None
    pdf = writer()
    pdf.add_attachment("delivery-note.xml", b"<note/>")
    assert extract_invoice_xml(written(pdf), POLICY) is None


@pytest.mark.parametrize("name", ["ZUGFeRD-invoice.xml", "zugferd-invoice.xml", "xrechnung.xml", "FACTUR-X.XML"])
def test_legacy_and_case_variant_names_are_found(name: str) -> None:
    pdf = writer()
    pdf.add_attachment(name, b"<rsm:CrossIndustryInvoice/>")
    found = extract_invoice_xml(written(pdf), POLICY)
    assert found is not None and (found.filename, found.xml) == (name, b"<rsm:CrossIndustryInvoice/>")


def test_extra_supplement_attachment_is_allowed() -> None:
    pdf = writer()
    pdf.add_attachment("factur-x.xml", b"<rsm:CrossIndustryInvoice/>")
    pdf.add_attachment("bon-de-livraison.pdf", simple_pdf())
    found = extract_invoice_xml(written(pdf), POLICY)
    assert found is not None and found.filename == "factur-x.xml"


def test_same_invoice_reachable_twice_is_not_ambiguous() -> None:
    # /AF and the EmbeddedFiles tree point at one file spec: one invoice, not two.
    data = SAMPLE_PDF.read_bytes()
    assert sum(item.name == "factur-x.xml" for item in inspect_pdf(data, POLICY).embedded_files) == 1


@pytest.mark.parametrize(("relationship", "rules"), [("Data", []), ("Alternative", []), ("Source", [])])
def test_allowed_afrelationships(relationship: str, rules: list[str]) -> None:
    assert [item.rule for item in check_afrelationship(relationship)] == rules


@pytest.mark.parametrize("relationship", [b"/Unspecified", b"/Supplement"])
def test_unexpected_afrelationship_is_a_warning(relationship: bytes) -> None:
    found = extract_invoice_xml(with_attachment(b"factur-x.xml", b"<x/>", relationship=relationship), POLICY)
    assert found is not None and found.afrelationship == relationship.decode()[1:]
    (warning,) = check_afrelationship(found.afrelationship)
    assert (warning.rule, warning.severity) == ("PDP-FACTURX-AFRELATIONSHIP", "warning")
    assert [item.rule for item in check_afrelationship(None)] == ["PDP-FACTURX-AFRELATIONSHIP"]
