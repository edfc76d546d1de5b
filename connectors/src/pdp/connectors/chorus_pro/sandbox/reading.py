"""What the emulator needs to know about a deposited file, and the port through which it learns it.

The emulator reads a deposited file through :class:`DepositReader`; :mod:`.einvoice_reader` implements it on
pdp's e-invoicing engine (``pdp.einvoice``), and ``pdp sandbox`` passes it in (a test may pass another).
Archives (zip, tar.gz) are opened here, one reader call per entry, with size budgets so a hostile archive cannot
exhaust the emulator.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from decimal import Decimal
from typing import Literal, Protocol

import msgspec

DetectedSyntax = Literal["ubl", "cii", "facturx", "pdf", "cpp"]  # cpp: Chorus's own CPPFactureMixte

MAX_ENTRIES = 500
MAX_UNPACKED_BYTES = 120 * 1024 * 1024


class DepositedAttachment(msgspec.Struct, frozen=True, kw_only=True):
    filename: str | None
    size: int


class DepositedInvoice(msgspec.Struct, kw_only=True):
    """One invoice as Chorus reads it from a flux; ``None`` wherever the document says nothing.

    ``unreadable`` is set when the file could not be read at all (not an invoice, corrupt, unsafe): the flux is
    then ``IN_REJETE``. ``schema_error`` carries the first XSD violation (Chorus rejects those too).
    """

    syntax: DetectedSyntax | None = None
    number: str | None = None
    type_code: str | None = None
    is_credit_note: bool = False
    supplier_siret: str | None = None
    recipient_siret: str | None = None
    service_code: str | None = None
    engagement_number: str | None = None
    billing_frame: str | None = None  # "A1".."A25" as read (BT-23), or None
    payment_means_code: str | None = None  # UNTDID 4461
    iban: str | None = None
    total_without_vat: Decimal | None = None
    total_vat: Decimal | None = None
    total_with_vat: Decimal | None = None
    amount_due: Decimal | None = None
    currency: str | None = None
    issue_date: str | None = None  # YYYY-MM-DD
    due_date: str | None = None
    attachments: list[DepositedAttachment] = msgspec.field(default_factory=list)
    unreadable: str | None = None
    schema_error: str | None = None


class DepositReader(Protocol):
    """Read one deposited file (never an archive) into the invoices it holds: usually one."""

    def __call__(self, data: bytes, filename: str) -> list[DepositedInvoice]: ...


class UnreadableArchive(Exception):
    """The archive cannot be opened, or is larger than the emulator unpacks."""


def is_archive(data: bytes) -> bool:
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b"))


def unpack(data: bytes) -> list[tuple[str, bytes]]:
    """``(name, content)`` for every file of a zip or tar.gz flux, in archive order."""
    try:
        if data.startswith(b"\x1f\x8b"):
            return _untar(data)
        return _unzip(data)
    except UnreadableArchive:
        raise
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise UnreadableArchive(f"archive illisible ({type(exc).__name__})") from None


def _unzip(data: bytes) -> list[tuple[str, bytes]]:
    entries: list[tuple[str, bytes]] = []
    budget = MAX_UNPACKED_BYTES
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_ENTRIES:
            raise UnreadableArchive(f"l'archive contient plus de {MAX_ENTRIES} fichiers")
        for info in infos:
            with archive.open(info) as stream:
                # Declared sizes lie in hostile archives: read one byte past the budget to notice.
                content = stream.read(budget + 1)
            budget -= len(content)
            if budget < 0:
                raise UnreadableArchive("l'archive décompressée dépasse 120 Mo")
            entries.append((info.filename, content))
    return entries


def _untar(data: bytes) -> list[tuple[str, bytes]]:
    entries: list[tuple[str, bytes]] = []
    budget = MAX_UNPACKED_BYTES
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive:
            if not member.isfile():
                continue
            if len(entries) >= MAX_ENTRIES:
                raise UnreadableArchive(f"l'archive contient plus de {MAX_ENTRIES} fichiers")
            stream = archive.extractfile(member)
            content = stream.read(budget + 1) if stream else b""
            budget -= len(content)
            if budget < 0:
                raise UnreadableArchive("l'archive décompressée dépasse 120 Mo")
            entries.append((member.name, content))
    return entries
