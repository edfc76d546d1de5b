"""Archiving documents: S3 under Object Lock first, then the row that finds and proves them.

Order matters: the PUT happens before the row is inserted, so a committed row always points at bytes that
exist. A crash between the two leaves an unreferenced locked object — harmless, and the price of never
acknowledging a document that is not stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.s3.client import ArchiveIntegrityError
from pdp.einvoice.formats.policy import stored_name
from pdp.platform import clock, ids
from pdp.platform.db.tenancy import tenant_of
from pdp.platform.errors import Forbidden
from pdp.platform.logging import get_logger
from pdp.tenants.archive.models import ArchivedDocument
from pdp.tenants.archive.repository import DocumentRepository, open_tenant_case
from pdp.tenants.archive.store import Archive

log = get_logger("pdp.archive")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """A key-safe file name: no path, no separators, no leading dots, at most 100 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).lstrip(".")[-100:]
    return cleaned or "document"


class ArchiveQuotaExceeded(Forbidden):
    default_code = "archive_quota_exceeded"
    title = "This tenant's archive quota is used up"


async def _check_quota(session: AsyncSession, archive: Archive, tenant_id: str, size: int) -> None:
    """Refuse before the PUT: a locked object cannot be taken back. Concurrent deposits may each pass the same
    check, so a tenant can overshoot by what is in flight at once — bounded by its concurrency, not unlimited."""
    quota = archive.quota.of(tenant_id)
    used = await DocumentRepository(session).used_bytes()
    if used + size > quota:
        raise ArchiveQuotaExceeded(
            f"Archiving {size} more bytes would take this tenant past its archive quota of {quota} bytes "
            f"({used} used). Archived documents are locked for years and cannot be deleted: ask the operator "
            "for a larger quota.",
            quota_bytes=quota,
            used_bytes=used,
        )


@dataclass(frozen=True, slots=True)
class NewDocument:
    subject_id: str
    kind: str
    filename: str
    content_type: str
    data: bytes
    provider_id: str | None = None


async def store(
    session: AsyncSession, archive: Archive, document: NewDocument, *, retention_days: int, flush: bool = True
) -> ArchivedDocument:
    """Lock ``document`` in S3 for ``retention_days``, then record it in the caller's transaction (flushed unless
    ``flush`` is False)."""
    tenant_id = tenant_of(session)
    assert tenant_id is not None, "archiving needs a tenant context"
    await _check_quota(session, archive, tenant_id, len(document.data))
    doc_id = ids.new_id("document")
    key = "/".join(
        (tenant_id, document.provider_id or "tenant", document.kind, doc_id, safe_filename(document.filename))
    )
    retain_until = clock.now() + timedelta(days=retention_days)
    stored = await archive.put_locked(key, document.data, content_type=document.content_type, retain_until=retain_until)
    return await DocumentRepository(session).add(
        ArchivedDocument(
            id=doc_id,
            provider_id=document.provider_id,
            subject_id=document.subject_id,
            kind=document.kind,
            filename=stored_name(document.filename),
            content_type=document.content_type,
            s3_key=stored.key,
            version_id=stored.version_id,
            sha256=stored.sha256,
            size=stored.size,
            lock_mode=stored.lock_mode,
            retain_until=stored.retain_until,
        ),
        flush=flush,
    )


async def content(session: AsyncSession, archive: Archive, document_id: str) -> tuple[ArchivedDocument, bytes]:
    """The document and its bytes, byte-identical to what was archived (checked against the SHA-256)."""
    document = await DocumentRepository(session).get(document_id)
    data = await archive.get_verified(document.s3_key, document.version_id, document.sha256)
    return document, data


@dataclass(slots=True)
class IntegrityReport:
    checked: int = 0
    mismatched: list[str] = field(default_factory=list)


async def verify_sample(session: AsyncSession, archive: Archive, size: int) -> IntegrityReport:
    """Re-hash a random sample of this tenant's documents; a mismatch is logged as an alarm, reported, and raised to
    the staff queue."""
    repository = DocumentRepository(session)
    report = IntegrityReport()
    for document in await repository.sample(size):
        report.checked += 1
        try:
            await archive.get_verified(document.s3_key, document.version_id, document.sha256)
        except ArchiveIntegrityError:
            report.mismatched.append(document.id)
            log.error("archive.integrity_mismatch", document_id=document.id, key=document.s3_key)
            detail = {"document_id": document.id, "kind": document.kind, "invoice_or_mandate": document.subject_id}
            await open_tenant_case(session, "archive_mismatch", document.id, detail)
            continue
        await repository.mark_verified(document, clock.now())
    return report
