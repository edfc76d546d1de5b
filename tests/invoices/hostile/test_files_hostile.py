"""Hostile uploads at the file level: names, magic bytes, sizes, encodings."""

from __future__ import annotations

import io

import pytest

from pdp.einvoice.findings import Finding
from pdp.einvoice.formats.policy import FilePolicy, check_file, read_capped, safe_display_name
from pdp.einvoice.formats.sniff import require_utf8, sniff, sniff_checked
from tests.invoices.hostile.support import refused

POLICY = FilePolicy()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
XML = b'<?xml version="1.0" encoding="UTF-8"?><Invoice/>'
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def _rules(findings: list[Finding]) -> list[str]:
    assert all(item.severity == "error" and item.message and item.message_fr for item in findings)
    return [item.rule for item in findings]


def test_png_named_invoice_xml_is_a_type_mismatch() -> None:
    assert _rules(check_file("invoice.xml", PNG, POLICY)) == ["PDP-FILE-TYPE-MISMATCH"]


@pytest.mark.parametrize(
    ("name", "data"),
    [("invoice.pdf", XML), ("invoice.xml", PDF), ("scan.png", PDF), ("annex.docx", PDF), ("notes.txt", b"MZ\x90\x00")],
)
def test_content_must_match_the_extension(name: str, data: bytes) -> None:
    assert _rules(check_file(name, data, POLICY)) == ["PDP-FILE-TYPE-MISMATCH"]


@pytest.mark.parametrize(
    ("name", "data"),
    [("invoice.pdf", PDF), ("invoice.XML", XML), ("scan.png", PNG), ("photo.jpeg", b"\xff\xd8\xff\xe0" + bytes(8))],
)
def test_matching_files_pass(name: str, data: bytes) -> None:
    assert check_file(name, data, POLICY) == []


def test_empty_file_is_refused() -> None:
    assert _rules(check_file("invoice.pdf", b"", POLICY)) == ["PDP-FILE-EMPTY"]


def test_too_large_file_is_refused() -> None:
    assert _rules(check_file("invoice.pdf", PDF + bytes(64), FilePolicy(max_file_bytes=32))) == ["PDP-FILE-TOO-LARGE"]


def test_name_longer_than_fifty_characters_is_refused() -> None:
    assert _rules(check_file("x" * 46 + ".pdf", PDF, POLICY)) == []
    assert _rules(check_file("x" * 47 + ".pdf", PDF, POLICY)) == ["PDP-FILE-NAME-TOO-LONG"]


@pytest.mark.parametrize("name", ["invoice", "invoice.exe", "invoice.pdf.exe", "page.html", "logo.svg", "x.7z"])
def test_extension_outside_the_allow_list_is_refused(name: str) -> None:
    assert _rules(check_file(name, PDF, POLICY)) == ["PDP-FILE-EXTENSION"]


def test_traversal_name_is_checked_on_its_base_name() -> None:
    assert check_file("../../etc/passwd.xml", XML, POLICY) == []
    assert safe_display_name("../../etc/passwd.xml") == "passwd.xml"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.xml", "passwd.xml"),
        ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
        ("%2e%2e%2f%2e%2e%2fetc%2fpasswd.xml", "passwd.xml"),
        ("%252e%252e%252fsecret.pdf", "secret.pdf"),
        ("C:\\Users\\me\\facture.pdf", "facture.pdf"),
        ("invoice\x00.pdf.exe", "invoice.pdf.exe"),
        ("fact\nure\t.pdf", "facture.pdf"),
        ("", "document"),
        ("..", "document"),
        ("/", "document"),
        (".pdf", "document.pdf"),
        ("   ", "document"),
        ("a<b>:c|d?.pdf", "a_b__c_d_.pdf"),
    ],
)
def test_safe_display_name(name: str, shown: str) -> None:
    assert safe_display_name(name) == shown


def test_right_to_left_override_cannot_disguise_the_extension() -> None:
    # "invoice\u202Efdp.exe" renders as "invoiceexe.pdf" in a bidi-aware UI.
    for name in ("invoice\u202efdp.exe", "invoice\u2066\u202bfdp.exe\u2069", "in\u200fvoice\u202d.exe"):
        shown = safe_display_name(name)
        assert shown.endswith(".exe")
        assert not any(0x202A <= ord(char) <= 0x202E or 0x2066 <= ord(char) <= 0x2069 for char in shown)
        assert _rules(check_file(name, PDF, POLICY)) == ["PDP-FILE-EXTENSION"]


@pytest.mark.parametrize("length", [10, 49, 50, 51, 300])
def test_display_name_is_truncated_keeping_the_extension(length: int) -> None:
    shown = safe_display_name("é" * length + ".pdf")
    assert len(shown) <= 50 and shown.endswith(".pdf") and shown.startswith("é")


def test_display_name_never_empty_and_never_longer_than_asked() -> None:
    for name in ["\u202e", "\x00\x01\x02", "././.", "%00", "a" * 500, "." + "x" * 9, "x." + "y" * 60]:
        shown = safe_display_name(name)
        assert 0 < len(shown) <= 50
        assert "/" not in shown and "\\" not in shown and "\x00" not in shown


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (b"\r\njunk from a mail gateway\r\n" + PDF, "pdf"),
        (b"x" * 1024 + PDF, "pdf"),
        (b"x" * 1025 + PDF, "unknown"),
        (XML, "xml"),
        (b"\xef\xbb\xbf  \n<Invoice/>", "xml"),
        (b"PK\x03\x04rest", "zip"),
        (b' \n{"a": 1}', "json"),
        (b"[1]", "json"),
        (PNG, "unknown"),
        (b"", "unknown"),
    ],
)
def test_sniff(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_invalid_utf8_is_refused_and_valid_utf8_passes() -> None:
    refused(lambda: require_utf8(b"<a>\xc3\x28</a>"), "PDP-FILE-ENCODING")
    refused(lambda: sniff_checked(b'{"a": "\xff"}'), "PDP-FILE-ENCODING")
    assert sniff_checked("<a>café €</a>".encode()) == "xml"
    assert sniff_checked(PNG + b"\xff") == "unknown"  # binary kinds are not text-checked


def test_xml_upload_in_another_encoding_is_an_encoding_error() -> None:
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><Invoice/>'.encode("utf-16")
    assert _rules(check_file("invoice.xml", utf16, POLICY)) == ["PDP-FILE-ENCODING"]
    assert _rules(check_file("invoice.xml", XML + b"<!-- \xff -->", POLICY)) == ["PDP-FILE-ENCODING"]


def test_streamed_upload_stops_at_limit_plus_one() -> None:
    assert read_capped(io.BytesIO(b"x" * 100), 100) == b"x" * 100
    refused(lambda: read_capped(io.BytesIO(b"x" * 101), 100), "PDP-FILE-TOO-LARGE")
