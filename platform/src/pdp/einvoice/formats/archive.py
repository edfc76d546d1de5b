"""Batch uploads as zip: read every entry, under hard budgets, or refuse the whole batch.

The zip is read from a file and each entry inflated into its own spooled temporary file
(:func:`spool_zip`), so a batch of 120 MB is never in memory; :func:`read_zip` is the same over bytes.

Follows Python's zipfile "Decompression pitfalls" (tested in tests/invoices/hostile): declared sizes are hints
only (every entry is inflated through a byte budget), overlapping entries (the non-recursive zip bomb, bpo-36260
era; CPython 3.11.7 does not detect them itself) and nested archives are refused, and entry names are checked
although we never write them to disk (storage keys hold no client text), because they are shown and forwarded.
"""

from __future__ import annotations

import io
import itertools
import re
import stat
import struct
import tempfile
import zipfile
from typing import IO

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats.policy import FilePolicy, extension_of, safe_display_name
from pdp.einvoice.formats.sniff import sniff

_CHUNK = 1 << 16
_ENTRY_IN_MEMORY_BYTES = 256 * 1024
_MAGIC_BYTES = 262  # enough of an entry's head for every archive signature _is_archive knows
_EOCD = b"PK\x05\x06"
_EOCD_STRUCT = struct.Struct("<4s4H2LH")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_MAX_CENTRAL_ENTRY_BYTES = 4096  # 46 fixed bytes + name + extra + comment, generously
_FLAG_ENCRYPTED = 0x0001
_FLAG_STRONG_ENCRYPTION = 0x0040
_ARCHIVE_EXTENSIONS = frozenset(
    {"zip", "7z", "rar", "tar", "gz", "gzip", "tgz", "bz2", "tbz2", "xz", "txz", "lz", "lzma", "zst", "z", "cab", "arj",
     "iso", "jar", "war"}
)  # fmt: skip
_CONTAINER_EXTENSIONS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp"})  # zip inside: documents, not batches
_ARCHIVE_MAGICS = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"MSCF",  # cab
)
_DRIVE = re.compile(r"^[A-Za-z]:")


def read_zip(data: bytes, policy: FilePolicy) -> list[tuple[str, bytes]]:
    """``(entry name, content)`` for every file of the zip ``data``; directories are skipped.

    Names are returned as stored (checked: relative, no ``..``, no NUL); pass them through
    :func:`safe_display_name` before showing them. Raises :class:`UnreadableDocument` with a ``PDP-ZIP-*`` rule.
    """
    entries = spool_zip(io.BytesIO(data), policy)
    try:
        return [(name, content.read()) for name, content in entries]
    finally:
        for _, content in entries:
            content.close()


def spool_zip(source: IO[bytes], policy: FilePolicy) -> list[tuple[str, IO[bytes]]]:
    """As :func:`read_zip`, from a seekable file, each entry's content in a spooled temporary file (rewound)."""
    size = source.seek(0, io.SEEK_END)
    if size > policy.max_zip_total_bytes:
        limit = policy.max_zip_total_bytes
        raise _too_large(f"The archive exceeds {limit} bytes.", f"L'archive dépasse {limit} octets.")
    if sniff(_read_at(source, 0, 4096)) != "zip":
        raise _unreadable("the file is not a zip archive")
    _check_directory_size(source, size, policy)
    # Raised after the except block, without __context__, so no traceback keeps inflated buffers alive.
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            return _read_entries(archive, source, size, policy)
    except UnreadableDocument as refusal:
        refusal.__traceback__ = refusal.__context__ = None
        failure = refusal
    except Exception as exc:  # zipfile, zlib, bz2 and lzma raise many types on hostile input
        failure = _unreadable(type(exc).__name__)
    raise failure


def _read_at(source: IO[bytes], offset: int, length: int) -> bytes:
    source.seek(offset)
    return source.read(length)


def _check_directory_size(source: IO[bytes], size: int, policy: FilePolicy) -> None:
    """Refuse a huge central directory before zipfile builds one object per entry from it."""
    start = max(0, size - 65_557)
    tail = _read_at(source, start, size - start)
    at = tail.rfind(_EOCD)
    if at < 0 or at + _EOCD_STRUCT.size > len(tail):
        return  # zipfile reports it as BadZipFile
    _, _, _, _, entries, directory_size, _, _ = _EOCD_STRUCT.unpack_from(tail, at)
    too_many = entries != 0xFFFF and entries > policy.max_zip_entries  # 0xFFFF: Zip64, counted after parsing
    if too_many or directory_size > policy.max_zip_entries * _MAX_CENTRAL_ENTRY_BYTES:
        raise _too_many(policy.max_zip_entries)


def _read_entries(
    archive: zipfile.ZipFile, source: IO[bytes], size: int, policy: FilePolicy
) -> list[tuple[str, IO[bytes]]]:
    infos = archive.infolist()
    if len(infos) > policy.max_zip_entries:
        raise _too_many(policy.max_zip_entries)
    for info in infos:
        _check_entry(info)
        if not info.is_dir() and extension_of(info.filename) in _ARCHIVE_EXTENSIONS:
            raise _nested(info.filename)
    _check_names_unique(infos)
    _check_no_overlap(infos, source, size)
    entries: list[tuple[str, IO[bytes]]] = []
    remaining = policy.max_zip_total_bytes
    try:
        for info in infos:
            if info.is_dir():
                continue
            content, inflated = _inflate(archive, info, policy.max_file_bytes, remaining, policy.max_zip_total_bytes)
            entries.append((info.filename, content))
            if _is_archive(content.read(_MAGIC_BYTES)) and extension_of(info.filename) not in _CONTAINER_EXTENSIONS:
                raise _nested(info.filename)
            content.seek(0)
            remaining -= inflated
    except BaseException:
        for _, content in entries:
            content.close()
        raise
    return entries


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename.replace("\\", "/")
    if "\x00" in name or name.startswith("/") or _DRIVE.match(name) or ".." in name.split("/"):
        raise UnreadableDocument(
            "PDP-ZIP-UNSAFE-NAME",
            f"The archive entry {_shown(info.filename)} has an absolute or parent-directory path.",
            f"L'entrée {_shown(info.filename)} de l'archive a un chemin absolu ou remontant (..).",
        )
    # Unix modes live in the high 16 bits; many writers (Python's zipfile included) leave the type bits at 0.
    kind = stat.S_IFMT(info.external_attr >> 16)
    if info.create_system == 3 and kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise UnreadableDocument(
            "PDP-ZIP-SYMLINK",
            f"The archive entry {_shown(info.filename)} is a symbolic link or another special file.",
            f"L'entrée {_shown(info.filename)} de l'archive est un lien symbolique ou un fichier spécial.",
        )
    if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION):
        raise UnreadableDocument(
            "PDP-ZIP-ENCRYPTED",
            f"The archive entry {_shown(info.filename)} is encrypted.",
            f"L'entrée {_shown(info.filename)} de l'archive est chiffrée.",
        )


def _check_names_unique(infos: list[zipfile.ZipInfo]) -> None:
    # Tools disagree on which of two same-named entries wins; a case-only difference collides on many file systems.
    seen: set[str] = set()
    for info in infos:
        key = info.filename.replace("\\", "/").casefold()
        if key in seen:
            raise UnreadableDocument(
                "PDP-ZIP-DUPLICATE-NAME",
                f"The archive holds the entry {_shown(info.filename)} more than once.",
                f"L'archive contient plusieurs fois l'entrée {_shown(info.filename)}.",
            )
        seen.add(key)


def _check_no_overlap(infos: list[zipfile.ZipInfo], source: IO[bytes], size: int) -> None:
    """Each entry's local header and data must own its bytes: shared data is how a small zip expands to petabytes."""
    spans: list[tuple[int, int, str]] = []
    for info in infos:
        start = info.header_offset
        if start < 0 or start + _LOCAL_HEADER.size > size:
            raise _unreadable("an entry points outside the archive")
        fields = _LOCAL_HEADER.unpack(_read_at(source, start, _LOCAL_HEADER.size))
        if fields[0] != b"PK\x03\x04":
            raise _unreadable("an entry has no local header")
        end = start + _LOCAL_HEADER.size + fields[9] + fields[10] + info.compress_size
        if end > size:
            raise _unreadable("an entry extends past the end of the archive")
        spans.append((start, end, info.filename))
    spans.sort()
    for (_, end, _), (start, _, name) in itertools.pairwise(spans):
        if start < end:
            raise UnreadableDocument(
                "PDP-ZIP-OVERLAP",
                f"The archive entry {_shown(name)} overlaps another entry (a zip-bomb construction).",
                f"L'entrée {_shown(name)} de l'archive chevauche une autre entrée (construction de bombe zip).",
            )


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, per_entry: int, remaining: int, total: int
) -> tuple[IO[bytes], int]:
    """The entry's content in a spooled file (rewound to its start) and its size, within the byte budget."""
    limit = min(per_entry, remaining)
    if info.file_size > limit:  # the declared size is enough to refuse, never enough to accept
        raise _entry_too_large(info.filename, per_entry, total, limit == per_entry)
    content = tempfile.SpooledTemporaryFile(max_size=_ENTRY_IN_MEMORY_BYTES)  # noqa: SIM115 -- returned
    size = 0
    try:
        with archive.open(info) as stream:
            while block := stream.read(min(_CHUNK, limit + 1 - size)):
                size += len(block)
                if size > limit:
                    raise _entry_too_large(info.filename, per_entry, total, limit == per_entry)
                content.write(block)
    except BaseException:
        content.close()
        raise
    content.seek(0)
    return content, size


def _is_archive(content: bytes) -> bool:
    bzip2 = content.startswith(b"BZh") and content[4:10] == b"\x31\x41\x59\x26\x53\x59"
    return content.startswith(_ARCHIVE_MAGICS) or bzip2 or content[257:262] == b"ustar"


def _shown(name: str) -> str:
    return repr(safe_display_name(name))


def _unreadable(reason: str) -> UnreadableDocument:
    return UnreadableDocument(
        "PDP-ZIP-UNREADABLE",
        f"The archive cannot be read ({reason}).",
        f"L'archive est illisible ({reason}).",
    )


def _too_large(message: str, message_fr: str) -> UnreadableDocument:
    return UnreadableDocument("PDP-ZIP-TOO-LARGE", message, message_fr)


def _entry_too_large(name: str, per_entry: int, total: int, entry_limit: bool) -> UnreadableDocument:
    if entry_limit:
        return UnreadableDocument(
            "PDP-ZIP-TOO-LARGE",
            f"The archive entry {_shown(name)} exceeds {per_entry} bytes once decompressed.",
            f"L'entrée {_shown(name)} de l'archive dépasse {per_entry} octets une fois décompressée.",
        )
    return _too_large(
        f"The archive exceeds {total} bytes once decompressed.",
        f"L'archive dépasse {total} octets une fois décompressée.",
    )


def _too_many(limit: int) -> UnreadableDocument:
    return UnreadableDocument(
        "PDP-ZIP-TOO-MANY-ENTRIES",
        f"The archive has more than {limit} entries.",
        f"L'archive contient plus de {limit} entrées.",
    )


def _nested(name: str) -> UnreadableDocument:
    return UnreadableDocument(
        "PDP-ZIP-NESTED",
        f"The archive entry {_shown(name)} is itself an archive; nested archives are not accepted.",
        f"L'entrée {_shown(name)} est elle-même une archive ; les archives imbriquées ne sont pas acceptées.",
    )
