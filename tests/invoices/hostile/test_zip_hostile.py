"""Hostile zip batches: bombs, nesting, traversal, links, encryption, overlap."""

from __future__ import annotations

import stat
import struct
import tracemalloc
import zipfile

import pytest

from pdp.einvoice.formats.archive import read_zip
from pdp.einvoice.formats.policy import FilePolicy
from tests.invoices.hostile.support import MIB, build_zip, refused

POLICY = FilePolicy()


def _central_records(data: bytes) -> list[int]:
    offsets, at = [], data.find(b"PK\x01\x02")
    while at >= 0:
        offsets.append(at)
        at = data.find(b"PK\x01\x02", at + 1)
    return offsets


def test_valid_batch_is_read() -> None:
    office = build_zip([("[Content_Types].xml", b"<Types/>")])
    data = build_zip([("a/invoice-1.xml", b"<Invoice/>"), ("invoice-2.pdf", b"%PDF-1.7\n"), ("annex.docx", office)])
    assert read_zip(data, POLICY) == [
        ("a/invoice-1.xml", b"<Invoice/>"),
        ("invoice-2.pdf", b"%PDF-1.7\n"),
        ("annex.docx", office),
    ]


def test_42_zip_style_bomb_is_refused_by_the_total_budget() -> None:
    # Sixteen 9 MiB entries: each under the 10 MiB per-file cap, 144 MiB together against a 120 MiB budget.
    bomb = build_zip([(f"{index:02}.xml", bytes(9 * MIB)) for index in range(16)])
    assert len(bomb) < 1 * MIB
    tracemalloc.start()
    try:
        refused(lambda: read_zip(bomb, POLICY), "PDP-ZIP-TOO-LARGE")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < POLICY.max_zip_total_bytes + 16 * MIB


def test_single_huge_entry_is_refused() -> None:
    refused(lambda: read_zip(build_zip([("big.xml", bytes(64 * MIB))]), POLICY), "PDP-ZIP-TOO-LARGE")


def test_lying_declared_size_does_not_buy_a_bigger_budget() -> None:
    data = bytearray(build_zip([("big.xml", bytes(64 * MIB))]))
    for record in _central_records(bytes(data)):
        struct.pack_into("<L", data, record + 24, 100)  # uncompressed size in the central directory
    struct.pack_into("<L", data, 22, 100)  # and in the local header
    tracemalloc.start()
    try:
        refused(lambda: read_zip(bytes(data), POLICY), "PDP-ZIP-UNREADABLE")  # stops at 100 bytes: bad CRC
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MIB


def test_nested_archive_is_refused() -> None:
    inner = build_zip([(f"{index}.xml", bytes(4 * MIB)) for index in range(16)])
    refused(lambda: read_zip(build_zip([(f"{index}.zip", inner) for index in range(4)]), POLICY), "PDP-ZIP-NESTED")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", build_zip([("x.xml", b"<x/>")])),  # a zip renamed
        ("invoice.xml", b"\x1f\x8b\x08\x00" + bytes(16)),  # gzip
        ("notes.txt", b"7z\xbc\xaf\x27\x1c" + bytes(16)),
        ("data.tar.gz", b"whatever"),
    ],
)
def test_disguised_nested_archive_is_refused(name: str, content: bytes) -> None:
    refused(lambda: read_zip(build_zip([(name, content)]), POLICY), "PDP-ZIP-NESTED")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.xml", "a/../../b.xml", "/etc/cron.d/x.xml", "..\\..\\evil.xml", "C:\\Windows\\x.xml"]
)
def test_traversal_and_absolute_names_are_refused(name: str) -> None:
    error = refused(lambda: read_zip(build_zip([(zipfile.ZipInfo(name), b"<x/>")]), POLICY), "PDP-ZIP-UNSAFE-NAME")
    assert "/" not in error.finding.message.split("entry ")[1].split(" has")[0].strip("'")


def test_symlink_entry_is_refused() -> None:
    link = zipfile.ZipInfo("invoice.xml")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    refused(lambda: read_zip(build_zip([(link, b"/etc/passwd")]), POLICY), "PDP-ZIP-SYMLINK")


def test_encrypted_entry_is_refused() -> None:
    data = bytearray(build_zip([("invoice.xml", b"<Invoice/>")]))
    data[6] |= 0x01  # general purpose flag, local header
    for record in _central_records(bytes(data)):
        data[record + 8] |= 0x01  # and central directory
    refused(lambda: read_zip(bytes(data), POLICY), "PDP-ZIP-ENCRYPTED")


def test_overlapping_entries_are_refused() -> None:
    # Fifield's non-recursive bomb: many central records share one compressed kernel.
    data = build_zip([("a.xml", bytes(1 * MIB))])
    (record,) = _central_records(data)
    eocd = data.rfind(b"PK\x05\x06")
    twin = data[record:eocd].replace(b"a.xml", b"b.xml")
    entries, directory_size, directory_offset = struct.unpack_from("<HLL", data, eocd + 10)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, entries + 1, entries + 1, directory_size * 2, directory_offset, 0
    )
    refused(lambda: read_zip(data[:eocd] + twin + end, POLICY), "PDP-ZIP-OVERLAP")


def test_duplicate_names_are_refused() -> None:
    data = build_zip([("invoice.xml", b"<a/>"), ("INVOICE.xml", b"<b/>")])
    refused(lambda: read_zip(data, POLICY), "PDP-ZIP-DUPLICATE-NAME")


def test_too_many_entries_are_refused() -> None:
    data = build_zip([(f"{index}.xml", b"") for index in range(POLICY.max_zip_entries + 1)], level=1)
    refused(lambda: read_zip(data, POLICY), "PDP-ZIP-TOO-MANY-ENTRIES")


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + bytes(64), build_zip([("a.xml", b"<a/>" * 1000)])[:-30], b"PK\x03\x04" + bytes(64)],
    ids=["not-zip", "truncated", "header-only"],
)
def test_unreadable_archives_are_refused(data: bytes) -> None:
    refused(lambda: read_zip(data, POLICY), "PDP-ZIP-UNREADABLE")


def test_archive_larger_than_the_batch_budget_is_refused_unread() -> None:
    refused(lambda: read_zip(b"PK\x03\x04" + bytes(200), FilePolicy(max_zip_total_bytes=100)), "PDP-ZIP-TOO-LARGE")
