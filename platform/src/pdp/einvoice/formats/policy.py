"""Upload limits and file-level checks, done before any parser sees the bytes.

Defaults follow Chorus Pro as OCA's ``l10n_fr_chorus_account`` encodes it (10 MB a file, 120 MB an invoice,
50-character names, an extension allow-list); see docs/chorus-pro-api.md §6, and the tests in tests/invoices/hostile.
Client file names are only ever *displayed* (storage keys never contain client text), so ``safe_display_name``
makes them harmless to show and to send to Chorus Pro, not safe to use as paths.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import unquote

from pdp.einvoice.findings import Finding, UnreadableDocument, finding
from pdp.einvoice.formats.sniff import looks_executable, require_utf8, sniff

MIB = 1024 * 1024

# Chorus Pro's list (OCA CHORUS_ALLOWED_FORMATS) minus the formats that carry active content or nothing useful:
# svg/htm/html/xhtml (script), xlm (Excel 4.0 macros), pps (opens as a slideshow), fax/xlc (obsolete).
# 7z/rar/tar/xz are not on Chorus Pro's list, so accepting them would only defer the rejection.
DEFAULT_EXTENSIONS = frozenset(
    {
        "pdf", "xml", "p7s",
        "jpg", "jpeg", "png", "gif", "tif", "tiff", "bmp",
        "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "csv",
        "zip", "gz", "gzip", "tgz", "bz2",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FilePolicy:
    max_file_bytes: int = 10 * MIB
    max_invoice_bytes: int = 120 * MIB  # an invoice and all its attachments together
    max_name_chars: int = 50  # including the extension
    allowed_extensions: frozenset[str] = DEFAULT_EXTENSIONS
    max_lines: int = 1000
    max_pdf_pages: int = 500
    # Any single PDF stream we decode (an attachment, the XMP packet) may not inflate beyond this; zlib's output
    # buffer briefly needs about twice as much. Chorus Pro takes 10 MB attachments, so 16 MiB leaves room.
    max_pdf_stream_bytes: int = 16 * MIB
    max_zip_entries: int = 500
    max_zip_total_bytes: int = 120 * MIB  # uncompressed, summed over the entries of one batch


def _magic(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(prefixes)


_OLE = _magic(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # doc, xls, ppt


def _zip(data: bytes) -> bool:
    return sniff(data) == "zip"  # OOXML and ODF documents are zip containers too


def _text(data: bytes) -> bool:
    return not looks_executable(data) and b"\x00" not in data[:4096] and sniff(data) not in ("pdf", "zip")


_EXPECTED: dict[str, Callable[[bytes], bool]] = {
    "pdf": lambda data: sniff(data) == "pdf",
    "xml": lambda data: sniff(data) == "xml",
    "p7s": lambda data: data.startswith((b"\x30", b"-----BEGIN")),
    "jpg": _magic(b"\xff\xd8\xff"),
    "jpeg": _magic(b"\xff\xd8\xff"),
    "png": _magic(b"\x89PNG\r\n\x1a\n"),
    "gif": _magic(b"GIF87a", b"GIF89a"),
    "tif": _magic(b"II*\x00", b"MM\x00*"),
    "tiff": _magic(b"II*\x00", b"MM\x00*"),
    "bmp": _magic(b"BM"),
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "docx": _zip,
    "xlsx": _zip,
    "pptx": _zip,
    "odt": _zip,
    "ods": _zip,
    "odp": _zip,
    "zip": _zip,
    "rtf": _magic(b"{\\rtf"),
    "txt": _text,
    "csv": _text,
    "gz": _magic(b"\x1f\x8b"),
    "gzip": _magic(b"\x1f\x8b"),
    "tgz": _magic(b"\x1f\x8b"),
    "bz2": _magic(b"BZh"),
}

# Bidi embeddings/overrides/isolates (U+202A-202E, U+2066-2069) are format characters (Cf); so are LRM/RLM,
# zero-width spaces and the BOM. Line/paragraph separators and lone surrogates (from surrogateescape) go too.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_RESERVED = re.compile(r'[<>:"|?*]')  # Windows-reserved; some clients choke on them when they download the file
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,10}$")


def clean_name(name: str) -> str:
    """``name`` without directories, percent-encoding, control or bidi characters; not truncated, maybe empty."""
    # Decode repeatedly so that %252e%252e%252f ends as ../ and is then cut off with the directories.
    for _ in range(3):
        decoded = unquote(name)
        if decoded == name:
            break
        name = decoded
    name = unicodedata.normalize("NFC", name)
    name = "".join(char for char in name if unicodedata.category(char) not in _DROPPED_CATEGORIES)
    name = re.split(r"[/\\]", name)[-1]
    name = _RESERVED.sub("_", name)
    return " ".join(name.split()).rstrip(" .")


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if dot and _EXTENSION.match(extension):
        return stem, extension
    return name, ""


def extension_of(name: str) -> str:
    """The lower-case extension of the cleaned ``name``, or ``""``."""
    return _split_extension(clean_name(name))[1].lower()


def safe_display_name(name: str, max_chars: int = 50) -> str:
    """A display name for a client-supplied file name: never empty, at most ``max_chars``, extension kept."""
    stem, extension = _split_extension(clean_name(name))
    suffix = f".{extension}" if extension else ""
    stem = stem.strip(" .") or "document"
    stem = stem[: max(1, max_chars - len(suffix))].rstrip(" .") or "d"
    return f"{stem}{suffix}"[:max_chars]


STORED_NAME_CHARS = 200  # archived_documents.filename


def stored_name(name: str) -> str:
    """A client's file name as pdp keeps and returns it (JSON, events, manifests): :func:`safe_display_name`, up to
    the column's length. Raw, a name could carry bidi overrides that disguise its extension, control characters
    or paths into the screens and files of whoever reads it."""
    return safe_display_name(name, STORED_NAME_CHARS)


def check_file(name: str, data: bytes, policy: FilePolicy) -> list[Finding]:
    """Every reason ``data`` uploaded as ``name`` cannot go to Chorus Pro as a file, as error findings.

    Rules: PDP-FILE-EMPTY, PDP-FILE-TOO-LARGE, PDP-FILE-NAME-TOO-LONG, PDP-FILE-EXTENSION, PDP-FILE-TYPE-MISMATCH,
    and PDP-FILE-ENCODING for an .xml that is not UTF-8. The name is judged after :func:`clean_name`.
    """
    findings: list[Finding] = []
    if not data:
        return [_error("PDP-FILE-EMPTY", "The file is empty.", "Le fichier est vide.")]
    if len(data) > policy.max_file_bytes:
        findings.append(_too_large(policy.max_file_bytes))
    cleaned = clean_name(name)
    if len(cleaned) > policy.max_name_chars:
        findings.append(
            _error(
                "PDP-FILE-NAME-TOO-LONG",
                f"The file name has {len(cleaned)} characters; at most {policy.max_name_chars} are allowed.",
                f"Le nom du fichier compte {len(cleaned)} caractères ; {policy.max_name_chars} au maximum.",
            )
        )
    extension = _split_extension(cleaned)[1].lower()
    if extension not in policy.allowed_extensions:
        shown = f".{extension}" if extension else "(none)"
        findings.append(
            _error(
                "PDP-FILE-EXTENSION",
                f"The file extension {shown} is not accepted.",
                f"L'extension de fichier {shown if extension else '(aucune)'} n'est pas acceptée.",
            )
        )
    elif not _EXPECTED.get(extension, _text)(data[:8192]):
        findings.append(
            _error(
                "PDP-FILE-TYPE-MISMATCH",
                f"The file content is not a .{extension} file (detected: {sniff(data)}).",
                f"Le contenu du fichier ne correspond pas à l'extension .{extension} (détecté : {sniff(data)}).",
            )
        )
    elif extension == "xml":
        try:
            require_utf8(data)
        except UnreadableDocument as refusal:
            findings.append(_error(refusal.finding.rule, refusal.finding.message, refusal.finding.message_fr))
    return findings


def read_capped(stream: BinaryIO, limit: int, chunk: int = 1 << 16) -> bytes:
    """Read ``stream`` to the end, refusing with ``PDP-FILE-TOO-LARGE`` as soon as it exceeds ``limit`` bytes.

    For bodies without a (trustworthy) Content-Length: memory never exceeds ``limit`` + one chunk.
    """
    parts: list[bytes] = []
    total = 0
    while block := stream.read(min(chunk, limit + 1 - total)):
        total += len(block)
        if total > limit:
            parts.clear()  # the traceback keeps this frame alive as long as the error lives
            raise UnreadableDocument(
                "PDP-FILE-TOO-LARGE",
                f"The file exceeds {limit} bytes.",
                f"Le fichier dépasse {limit} octets.",
            )
        parts.append(block)
    return b"".join(parts)


def _too_large(limit: int) -> Finding:
    return _error("PDP-FILE-TOO-LARGE", f"The file exceeds {limit} bytes.", f"Le fichier dépasse {limit} octets.")


def _error(rule: str, message: str, message_fr: str) -> Finding:
    return finding(rule, "error", message, message_fr)
