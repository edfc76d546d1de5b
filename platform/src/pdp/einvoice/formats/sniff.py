"""Tell what an upload is from its bytes, never from its name or the client's Content-Type.

``sniff`` only looks at the first few KiB, so it is cheap on any size. ``require_utf8`` is the second gate for
text formats: UBL and CII are UTF-8 (EN 16931 syntax bindings), and refusing other encodings up front also closes
the byte-level blind spots of any later "no DOCTYPE" scan (a UTF-16 or UTF-7 document hides ``<!DOCTYPE`` from it).
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

from pdp.einvoice.findings import UnreadableDocument

Kind = Literal["pdf", "xml", "zip", "json", "unknown"]

# Acrobat accepts the header anywhere in the first 1024 bytes (PDF 1.7 implementation note 13); other readers follow.
PDF_HEADER_WINDOW = 1024
_WHITESPACE = b" \t\r\n"
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty archive
_ENCODING_DECL = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_UTF8_LABELS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_CHUNK = 1 << 20
# PE (MZ), ELF, a shebang script, Mach-O (fat, 32/64-bit, both byte orders).
EXECUTABLE_MAGICS = (
    b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"
)  # fmt: skip


def sniff(data: bytes) -> Kind:
    """The container type of ``data`` from its magic bytes."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_ZIP_MAGICS):
        return "zip"
    head = data[:4096]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    # Stripping NULs too lets UTF-16/32 XML without a BOM be recognised as XML, so that require_utf8 refuses it.
    head = head.lstrip(_WHITESPACE + b"\x00")
    if head.startswith(b"<"):
        return "xml"
    if head[:1] in (b"{", b"["):
        return "json"
    if b"%PDF-" in data[: PDF_HEADER_WINDOW + 5]:
        return "pdf"
    return "unknown"


def looks_executable(data: bytes) -> bool:
    """Whether ``data`` starts like a native executable or a script."""
    return data.startswith(EXECUTABLE_MAGICS)


def require_utf8(data: bytes) -> None:
    """Raise ``PDP-FILE-ENCODING`` unless ``data`` is valid UTF-8 (optionally with a BOM) declaring no other encoding.

    Decodes in 1 MiB steps so a 10 MiB upload never becomes a 40 MiB ``str``.
    """
    # ASCII is UTF-8, and bytes.isascii() tests it without decoding (0.1 ms for 3 MB, the steps take 1.3 ms).
    if not data.isascii() and (len(data) > _CHUNK or not _decodes(data)):
        _decode_in_steps(data)
    # UTF-8 allows NUL, XML and JSON do not: NULs mean UTF-16/32 without a BOM, which a byte scan cannot read.
    if b"\x00" in data:
        raise UnreadableDocument(
            "PDP-FILE-ENCODING",
            "The document contains NUL bytes (UTF-16 or UTF-32?); only UTF-8 is accepted.",
            "Le document contient des octets NUL (UTF-16 ou UTF-32 ?) ; seul l'UTF-8 est accepté.",
        )
    declared = _declared_encoding(data)
    if declared is not None and declared.lower() not in _UTF8_LABELS:
        raise UnreadableDocument(
            "PDP-FILE-ENCODING",
            f"The XML declaration names the encoding {declared!r}; only UTF-8 is accepted.",
            f"La déclaration XML indique l'encodage {declared!r} ; seul l'UTF-8 est accepté.",
        )


def _decodes(data: bytes) -> bool:
    """Whether a document of at most one step is UTF-8, in one C call (the incremental decoder costs twice that).

    A failure is left to :func:`_decode_in_steps`, which reports it with the offset it has always reported.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_in_steps(data: bytes) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(
            "PDP-FILE-ENCODING",
            f"The document is not valid UTF-8 (invalid byte at offset {exc.start}).",
            f"Le document n'est pas encodé en UTF-8 valide (octet invalide à la position {exc.start}).",
        ) from None


def sniff_checked(data: bytes) -> Kind:
    """``sniff`` plus ``require_utf8`` for the text kinds: the one call an upload handler needs."""
    kind = sniff(data)
    if kind in ("xml", "json"):
        require_utf8(data)
    return kind


def _declared_encoding(data: bytes) -> str | None:
    head = data[:256].removeprefix(codecs.BOM_UTF8).lstrip(_WHITESPACE)
    match = _ENCODING_DECL.match(head)
    return match.group(1).decode("ascii") if match else None
