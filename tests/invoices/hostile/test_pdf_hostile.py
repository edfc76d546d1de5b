"""Hostile PDFs: each refused with its own rule, quickly, with bounded memory."""

from __future__ import annotations

import tracemalloc

import pytest
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from pdp.einvoice.formats import pdf_inspect
from pdp.einvoice.formats.facturx_pdf import extract_invoice_xml
from pdp.einvoice.formats.pdf_inspect import inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy
from tests.invoices.hostile.support import refused
from tests.invoices.pdf.pdfgen import (
    MIB,
    deflated_zeros,
    many_pages,
    nested_flate_bomb,
    raw_pdf,
    simple_pdf,
    stream,
    with_attachment,
    writer,
    written,
)

POLICY = FilePolicy()


def _action(kind: str, **entries: object) -> DictionaryObject:
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(str(value))
    return action


def test_document_javascript_is_refused() -> None:
    pdf = writer()
    pdf.add_open_action(JavaScript("app.alert('pwned');"))  # the /Names /JavaScript tree plus an OpenAction
    refused(lambda: inspect_pdf(written(pdf), POLICY), "PDP-PDF-JAVASCRIPT")


def test_open_action_javascript_is_refused() -> None:
    pdf = writer()
    pdf._root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS="this.exportDataObject({cName: 'x'})")
    refused(lambda: inspect_pdf(written(pdf), POLICY), "PDP-PDF-JAVASCRIPT")


def test_page_additional_action_javascript_is_refused() -> None:
    pdf = writer()
    page = pdf.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action("/JavaScript", JS="app.launchURL('x')")})
    refused(lambda: inspect_pdf(written(pdf), POLICY), "PDP-PDF-JAVASCRIPT")


def test_javascript_hidden_behind_name_escapes_is_refused() -> None:
    pdf = writer()
    pdf._root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS="app.alert(1)")
    data = written(pdf).replace(b"/JavaScript", b"/Java#53cript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in data
    refused(lambda: inspect_pdf(data, POLICY), "PDP-PDF-JAVASCRIPT")


def test_launch_action_is_refused() -> None:
    pdf = writer()
    pdf._root_object[NameObject("/OpenAction")] = _action("/Launch", F="cmd.exe")
    refused(lambda: inspect_pdf(written(pdf), POLICY), "PDP-PDF-LAUNCH")


def test_rich_media_annotation_is_refused() -> None:
    pdf = writer()
    annotation = DictionaryObject(
        {NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/RichMedia")}
    )
    pdf.pages[0][NameObject("/Annots")] = ArrayObject([pdf._add_object(annotation)])
    refused(lambda: inspect_pdf(written(pdf), POLICY), "PDP-PDF-RICHMEDIA")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_encrypted_pdf_is_refused(algorithm: str) -> None:
    pdf = writer()
    pdf.encrypt("", "owner-only", algorithm=algorithm)  # even an empty user password: no encrypted deposits
    refused(lambda: inspect_pdf(written(pdf), POLICY), "PDP-PDF-ENCRYPTED")


def test_encrypted_pdf_with_unknown_handler_is_refused_as_encrypted() -> None:
    data = raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>", b"<< /Filter /Unknown >>"],
        trailer_extra=b"/Encrypt 3 0 R /ID [<00> <00>]",
    )
    refused(lambda: inspect_pdf(data, POLICY), "PDP-PDF-ENCRYPTED")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.exe", b"MZ\x90\x00\x03" + bytes(200)),
        ("readme.txt", b"\x7fELF\x02\x01\x01" + bytes(200)),
        ("update.sh", b"echo hi\n"),
        ("invoice.pdf", b"#!/bin/sh\nrm -rf ~\n"),
    ],
)
def test_embedded_executable_is_refused(name: str, content: bytes) -> None:
    pdf = writer()
    pdf.add_attachment(name, content)
    refused(lambda: inspect_pdf(written(pdf), POLICY), "PDP-PDF-EXECUTABLE")


def test_nested_flate_bomb_is_refused_with_bounded_memory() -> None:
    bomb = nested_flate_bomb(size=128 * MIB, layers=3)
    assert len(bomb) < 4096
    tracemalloc.start()
    try:
        refused(lambda: inspect_pdf(bomb, POLICY), "PDP-PDF-UNREADABLE")
        refused(lambda: extract_invoice_xml(bomb, POLICY), "PDP-PDF-UNREADABLE")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * POLICY.max_pdf_stream_bytes + 8 * MIB


def test_bomb_in_the_xmp_packet_is_refused() -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        stream(deflated_zeros(64 * MIB, 2), b"/Type /Metadata /Subtype /XML /Filter [/FlateDecode /FlateDecode]"),
    ]
    refused(lambda: inspect_pdf(raw_pdf(objects), POLICY), "PDP-PDF-UNREADABLE")


def test_bomb_in_page_content_stays_compressed() -> None:
    # We never render, so a bomb in a content stream is inert here: inspection must not inflate it.
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream(deflated_zeros(128 * MIB, 2), b"/Filter [/FlateDecode /FlateDecode]"),
    ]
    tracemalloc.start()
    try:
        assert inspect_pdf(raw_pdf(objects), POLICY).pages == 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MIB


def test_ten_thousand_pages_are_refused() -> None:
    refused(lambda: inspect_pdf(many_pages(10_000), POLICY), "PDP-PDF-TOO-MANY-PAGES")


def test_ten_thousand_pages_behind_a_lying_count_are_refused() -> None:
    refused(lambda: inspect_pdf(many_pages(10_000, declared=1), POLICY), "PDP-PDF-TOO-MANY-PAGES")


def test_page_cap_is_configurable() -> None:
    assert inspect_pdf(many_pages(20), POLICY).pages == 20
    refused(lambda: inspect_pdf(many_pages(20), FilePolicy(max_pdf_pages=10)), "PDP-PDF-TOO-MANY-PAGES")


def test_object_walk_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_inspect, "MAX_OBJECTS", 50)
    refused(lambda: inspect_pdf(many_pages(60), POLICY), "PDP-PDF-TOO-COMPLEX")


def test_deep_direct_nesting_is_refused() -> None:
    deep = b"[" * 5_000 + b"]" * 5_000
    objects = [b"<< /Type /Catalog /Pages 2 0 R /Deep 3 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>", deep]
    error = refused(lambda: inspect_pdf(raw_pdf(objects), POLICY), "PDP-PDF-UNREADABLE")
    assert "5000" not in error.finding.message


def test_reference_cycles_terminate() -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Loop 3 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Next 4 0 R >>",
        b"<< /Next 3 0 R /Self 4 0 R >>",
    ]
    assert inspect_pdf(raw_pdf(objects), POLICY).pages == 0


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n",
        b"%PDF-1.7\n" + bytes(range(256)) * 64,
        simple_pdf()[:-400],
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
    ],
    ids=["header-only", "garbage", "truncated", "no-xref-no-pages"],
)
def test_corrupt_pdfs_are_unreadable_never_a_crash(data: bytes) -> None:
    try:
        info = inspect_pdf(data, POLICY)
    except Exception as error:  # only our own refusal may come out
        assert type(error).__name__ == "UnreadableDocument"
        assert error.finding.rule in ("PDP-PDF-UNREADABLE", "PDP-PDF-TOO-COMPLEX")  # type: ignore[attr-defined]
    else:
        assert info.pages >= 0  # pypdf recovered something harmless


def test_not_a_pdf_is_unreadable() -> None:
    refused(lambda: inspect_pdf(b"\x89PNG\r\n\x1a\n" + bytes(100), POLICY), "PDP-PDF-UNREADABLE")


def test_oversized_pdf_is_refused_before_parsing() -> None:
    refused(lambda: inspect_pdf(simple_pdf(), FilePolicy(max_file_bytes=100)), "PDP-FILE-TOO-LARGE")


def test_second_invoice_xml_is_refused() -> None:
    # Beside a factur-x.xml, a legacy ZUGFeRD-invoice.xml is set aside (test_two_invoice_xmls); two different
    # invoices under names of which none is factur-x.xml leave no way to tell which one counts.
    pdf = writer()
    pdf.add_attachment("xrechnung.xml", b"<rsm:CrossIndustryInvoice/>")
    pdf.add_attachment("ZUGFeRD-invoice.xml", b"<rsm:CrossIndustryInvoice><other/></rsm:CrossIndustryInvoice>")
    refused(lambda: extract_invoice_xml(written(pdf), POLICY), "PDP-FACTURX-MULTIPLE-XML")
    pdf = writer()
    pdf.add_attachment("factur-x.xml", b"<rsm:CrossIndustryInvoice/>")
    pdf.add_attachment("FACTUR-X.XML", b"<rsm:CrossIndustryInvoice><other/></rsm:CrossIndustryInvoice>")
    refused(lambda: extract_invoice_xml(written(pdf), POLICY), "PDP-FACTURX-MULTIPLE-XML")


def test_attachment_named_by_name_tree_only_is_still_seen() -> None:
    # A file spec without /F or /UF: the name-tree key alone must still mark it as the invoice XML.
    data = with_attachment(b"factur-x.xml", b"<x/>").replace(b"/F (factur-x.xml) /UF (factur-x.xml) ", b"")
    found = extract_invoice_xml(data, POLICY)
    assert found is not None and found.xml == b"<x/>"


def test_direct_file_spec_known_only_by_its_name_tree_key_is_seen() -> None:
    data = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(factur-x.xml) "
            b"<< /Type /Filespec /EF << /F 4 0 R >> >>] >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            stream(b"<x/>", b"/Type /EmbeddedFile"),
        ]
    )
    found = extract_invoice_xml(data, POLICY)
    assert found is not None and (found.filename, found.xml) == ("factur-x.xml", b"<x/>")


def test_javascript_uri_link_is_refused() -> None:
    pdf = writer()
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): _action("/URI", URI=" JavaScript:app.alert(1)"),
        }
    )
    pdf.pages[0][NameObject("/Annots")] = ArrayObject([pdf._add_object(link)])
    refused(lambda: inspect_pdf(written(pdf), POLICY), "PDP-PDF-JAVASCRIPT")
