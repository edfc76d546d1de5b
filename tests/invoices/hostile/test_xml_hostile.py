"""Hostile XML (entities, DTDs, external references) against xmlsafe.parse_xml and the upload sniffing gate."""

from __future__ import annotations

import io
import mmap
from pathlib import Path

import pytest

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats.policy import FilePolicy, read_capped
from pdp.einvoice.formats.sniff import sniff_checked
from pdp.einvoice.formats.xmlsafe import MAX_XML_BYTES, parse_xml
from tests.invoices.hostile.support import canary, max_rss_mib, refused

MIB = 1024 * 1024
PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _secret(tmp_path: Path) -> tuple[str, str]:
    token = "PDP-CANARY-7f3a9c"
    path = tmp_path / "secret.txt"
    path.write_text(token)
    return path.as_uri(), token


def _leaks(error: UnreadableDocument, *needles: str) -> bool:
    text = " ".join((str(error), error.finding.message, error.finding.message_fr, error.finding.path))
    return any(needle and needle in text for needle in needles)


def _passwd_line() -> str:
    return Path("/etc/passwd").read_text().splitlines()[0]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "secret"])
def test_xxe_file_entity_is_refused_without_leaking(tmp_path: Path, target: str) -> None:
    uri, token = _secret(tmp_path)
    uri = uri if target == "secret" else target
    xml = PROLOG + f'<!DOCTYPE r [<!ENTITY x SYSTEM "{uri}">]><r>&x;</r>'.encode()
    error = refused(lambda: parse_xml(xml), "PDP-XML-DOCTYPE")
    assert not _leaks(error, token, _passwd_line())


def test_xxe_http_entity_never_reaches_the_network() -> None:
    with canary() as watch:
        xml = PROLOG + f'<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:{watch.port}/x">]><r>&x;</r>'.encode()
        refused(lambda: parse_xml(xml), "PDP-XML-DOCTYPE")
        assert watch.connections() == 0


def test_external_parameter_entity_never_reaches_the_network() -> None:
    with canary() as watch:
        xml = PROLOG + f'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:{watch.port}/p.dtd"> %p;]><r/>'.encode()
        refused(lambda: parse_xml(xml), "PDP-XML-DOCTYPE")
        external = PROLOG + f'<!DOCTYPE r SYSTEM "http://127.0.0.1:{watch.port}/d.dtd"><r/>'.encode()
        refused(lambda: parse_xml(external), "PDP-XML-DOCTYPE")
        assert watch.connections() == 0


def test_error_based_parameter_entity_exfiltration_is_refused(tmp_path: Path) -> None:
    uri, token = _secret(tmp_path)
    xml = (
        PROLOG
        + (
            f'<!DOCTYPE r [<!ENTITY % file SYSTEM "{uri}">'
            "<!ENTITY % eval \"<!ENTITY &#x25; err SYSTEM 'file:///nonexistent/%file;'>\">%eval;%err;]><r/>"
        ).encode()
    )
    error = refused(lambda: parse_xml(xml), "PDP-XML-DOCTYPE")
    assert not _leaks(error, token)


def test_billion_laughs_is_refused_with_flat_memory() -> None:
    entities = b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1)) * 10) for level in range(1, 10)
    ).replace(b"&lol0;", b"lol")
    bomb = PROLOG + b"<!DOCTYPE lolz [" + entities + b"]><lolz>&lol9;</lolz>"
    assert len(bomb) < 1024
    before = max_rss_mib()
    refused(lambda: parse_xml(bomb), "PDP-XML-DOCTYPE")
    assert max_rss_mib() - before < 10


def test_quadratic_blowup_is_refused() -> None:
    xml = PROLOG + b'<!DOCTYPE r [<!ENTITY a "' + b"x" * 50_000 + b'">]><r>' + b"&a;" * 5_000 + b"</r>"
    refused(lambda: parse_xml(xml), "PDP-XML-DOCTYPE")


def test_200_mb_upload_is_cut_off_at_the_size_cap_without_buffering_it() -> None:
    class Lazy200MB(io.RawIOBase):
        """200 MB of invoice lines, produced on demand: the file never exists in memory."""

        def __init__(self) -> None:
            self.remaining = 200 * MIB
            self.line = b"<ram:IncludedSupplyChainTradeLineItem/>\n"

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            size = min(len(buffer), self.remaining)
            chunk = (self.line * (size // len(self.line) + 1))[:size]
            buffer[:size] = chunk
            self.remaining -= size
            return size

    policy = FilePolicy()
    before = max_rss_mib()
    refused(lambda: read_capped(io.BufferedReader(Lazy200MB()), policy.max_file_bytes), "PDP-FILE-TOO-LARGE")
    assert max_rss_mib() - before < 3 * policy.max_file_bytes / MIB


def test_200_mb_xml_is_refused_by_size_before_parsing() -> None:
    # An untouched anonymous mapping costs no memory, so this is a real 200 MB buffer at no RSS cost:
    # parse_xml must refuse on len() alone, before reading (and faulting in) the body.
    with mmap.mmap(-1, 200 * MIB) as huge:
        huge[: len(PROLOG) + 9] = PROLOG + b"<Invoice>"
        before = max_rss_mib()
        refused(lambda: parse_xml(huge), "PDP-XML-TOO-LARGE")  # type: ignore[arg-type]
        assert max_rss_mib() - before < 16


def test_xml_one_byte_over_the_cap_is_refused() -> None:
    xml = b"<a>" + b" " * (MAX_XML_BYTES - 6) + b"</a>"
    assert len(xml) == MAX_XML_BYTES + 1
    refused(lambda: parse_xml(xml), "PDP-XML-TOO-LARGE")


def test_100k_deep_nesting_is_refused() -> None:
    deep = b"<a>" * 100_000 + b"</a>" * 100_000
    # libxml2 stops at depth 256 by itself (without huge_tree); xmlsafe reports it as TOO-DEEP.
    refused(lambda: parse_xml(deep), "PDP-XML-TOO-DEEP")
    refused(lambda: parse_xml(b"<a>" * 300 + b"</a>" * 300), "PDP-XML-TOO-DEEP")
    assert parse_xml(b"<a>" * 200 + b"</a>" * 200).tag == "a"


def test_invalid_utf8_xml_is_refused_at_the_gate() -> None:
    xml = PROLOG + b"<Invoice><Note>caf\xe9 \xff\xfe</Note></Invoice>"
    error = refused(lambda: sniff_checked(xml), "PDP-FILE-ENCODING")
    assert "offset" in error.finding.message


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>'.encode("utf-16"),
        '<?xml version="1.0" encoding="UTF-16LE"?><r/>'.encode("utf-16-le"),
        b'<?xml version="1.0" encoding="UTF-7"?><r/>',
        b'<?xml version="1.0" encoding="ISO-8859-1"?><r>caf\xe9</r>',
    ],
    ids=["utf16-bom-doctype", "utf16-no-bom", "utf7-declared", "latin1"],
)
def test_non_utf8_xml_is_refused_at_the_gate(xml: bytes) -> None:
    # Other encodings hide "<!DOCTYPE" from byte scans, so the upload gate refuses them (parse_xml does too).
    assert xml[:2] in (b"\xff\xfe", b"<\x00") or xml.startswith(b"<?xml")
    refused(lambda: sniff_checked(xml), "PDP-FILE-ENCODING")


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "hidden">]><r>&x;</r>'.encode("utf-16"),
        PROLOG + b" " * 70_000 + b'<!DOCTYPE r [<!ENTITY x "hidden">]><r>&x;</r>',
    ],
    ids=["utf16", "after-64k"],
)
def test_parse_xml_refuses_every_doctype(xml: bytes) -> None:
    refused(lambda: parse_xml(xml), "PDP-XML-DOCTYPE")


def test_doctype_past_the_byte_scan_is_refused_and_resolves_nothing(tmp_path: Path) -> None:
    # Past the 64 KiB byte scan, the parser flags keep files and network out and the docinfo check refuses it.
    uri, token = _secret(tmp_path)
    with canary() as watch:
        hidden = (
            PROLOG
            + b" " * 70_000
            + f'<!DOCTYPE r [<!ENTITY x SYSTEM "{uri}"><!ENTITY y SYSTEM "http://127.0.0.1:{watch.port}/">]>'.encode()
            + b"<r><a>&x;</a><b>&y;</b></r>"
        )
        error = refused(lambda: parse_xml(hidden), "PDP-XML-DOCTYPE")
        assert token not in error.finding.message
        assert watch.connections() == 0
