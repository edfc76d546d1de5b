"""Batch deposits (docs/api.md ``POST /v1/invoice-batches``): many files, or one zip of them, in one request.

Each file is deposited exactly as ``POST /v1/invoices`` would (validation, mandate, archive, queue), inside its own
savepoint: a refused file is reported and leaves nothing behind, while the others are deposited. The request as
a whole stays idempotent (its answer is replayed for the same Idempotency-Key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats.archive import spool_zip
from pdp.einvoice.formats.policy import FilePolicy, safe_display_name
from pdp.einvoice.formats.sniff import sniff
from pdp.platform.audit import Actor
from pdp.platform.errors import AppError, InvalidRequest, ServiceUnavailable
from pdp.tenants.archive.store import Archive
from pdp.tenants.deposits import intake
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.directory.service import RecipientDirectory

MAX_ITEMS = 100
_POLICY = FilePolicy()
_SNIFF_BYTES = 4096

BatchFile = tuple[str, IO[bytes]]  # a file's client-given name and its content (seekable)


class BatchItemError(msgspec.Struct):
    code: str
    detail: str
    errors: list[dict[str, Any]] = msgspec.field(default_factory=list)


@dataclass(slots=True)
class BatchItem:
    index: int
    filename: str
    status: int
    invoice: InvoiceRecord | None = None
    error: BatchItemError | None = None


def expand(files: list[BatchFile]) -> list[BatchFile]:
    """The files to deposit: a single zip part stands for the files inside it (spooled; the caller closes them)."""
    if len(files) == 1 and sniff(_read(files[0][1], _SNIFF_BYTES)) == "zip":
        try:
            files = spool_zip(files[0][1], _POLICY)
        except UnreadableDocument as exc:
            raise InvalidRequest(exc.finding.message, code="batch_archive_invalid") from exc
    if not files:
        raise InvalidRequest("Send at least one invoice file (parts named 'files', or one zip).", code="batch_empty")
    if len(files) > MAX_ITEMS:
        raise InvalidRequest(f"A batch holds at most {MAX_ITEMS} invoices.", code="batch_too_large")
    return files


def _read(content: IO[bytes], limit: int) -> bytes:
    content.seek(0)
    return content.read(limit)


async def deposit_batch(
    session: AsyncSession,
    bucket: Archive,
    files: list[BatchFile],
    metadata: dict[str, Any] | None,
    actor: Actor,
    *,
    mode: str,
    directory: RecipientDirectory | None,
    retention_days: int,
) -> list[BatchItem]:
    items = []
    for index, (name, content) in enumerate(expand(files)):
        shown = safe_display_name(name)
        # One byte over the limit is enough for validation to refuse a file as too large, as it would whole.
        data = _read(content, _POLICY.max_file_bytes + 1)
        try:
            async with session.begin_nested():
                record = await intake.deposit(
                    session,
                    bucket,
                    intake.Upload(data, name, metadata),
                    actor,
                    mode=mode,
                    directory=directory,
                    retention_days=retention_days,
                )
        except ServiceUnavailable:
            raise  # the archive or the database is down: the whole batch is refused with 503, nothing kept
        except AppError as exc:
            errors = list(exc.errors)
            items.append(BatchItem(index, shown, exc.status, error=BatchItemError(exc.code, exc.detail, errors)))
        else:
            items.append(BatchItem(index, shown, 201, invoice=record))
    return items
