"""Archived documents as one zip: every document byte-identical, and a manifest that proves each one.

For a provider leaving its platform, an audit, or the tax administration: ``manifest.json`` lists, for every
document, what it is (kind, provider, invoice or mandate it belongs to), its SHA-256 and size as recorded at
archiving, its retention, and where it lives in S3 (key and version). Each file is checked against its recorded
SHA-256 while it is written, so an export never carries a silently corrupted document.

The zip is produced as a stream of chunks (:func:`zip_chunks`): one document is in memory at a time, whatever the
export's size, so the portal can send a period's archive to a browser as it is read from S3 and the command line
can write a provider's whole archive to a file. The list of documents is taken first (:func:`plan`), in the
caller's transaction; the stream itself reads only S3.
"""

from __future__ import annotations

import zipfile
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.einvoice.formats.policy import stored_name
from pdp.platform import clock
from pdp.platform.audit import Actor, AuditRepository
from pdp.tenants.archive.models import ArchivedDocument
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.archive.service import safe_filename
from pdp.tenants.archive.store import Archive
from pdp.tenants.providers.repository import ProviderRepository

# Already compressed: deflating them again costs time for nothing.
_STORED_TYPES = frozenset({"application/pdf", "application/zip", "image/png", "image/jpeg"})


@dataclass(frozen=True, slots=True)
class ExportSummary:
    documents: int
    bytes: int


@dataclass(frozen=True, slots=True)
class PlannedDocument:
    """What the export needs of a document row, read before the stream starts (no session needed after)."""

    id: str
    provider_id: str | None
    subject_id: str
    kind: str
    filename: str
    content_type: str
    sha256: str
    size: int
    archived_at: datetime
    retain_until: datetime
    lock_mode: str
    s3_key: str
    s3_version_id: str

    @property
    def path(self) -> str:
        return f"{self.kind}/{self.id}-{safe_filename(self.filename)}"

    def manifest_entry(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "provider_id": self.provider_id,
            "kind": self.kind,
            "subject_id": self.subject_id,
            "filename": stored_name(self.filename),
            "path": self.path,
            "content_type": self.content_type,
            "sha256": self.sha256,
            "size": self.size,
            "archived_at": self.archived_at,
            "retain_until": self.retain_until,
            "lock_mode": self.lock_mode,
            "s3_key": self.s3_key,
            "s3_version_id": self.s3_version_id,
        }


@dataclass(frozen=True, slots=True)
class ExportPlan:
    head: dict[str, Any]  # the manifest's fields before "documents": tenant, provider(s), period…
    documents: list[PlannedDocument]

    @property
    def bytes(self) -> int:
        return sum(document.size for document in self.documents)


def plan(head: dict[str, Any], documents: Iterable[ArchivedDocument]) -> ExportPlan:
    planned = [
        PlannedDocument(
            d.id,
            d.provider_id,
            d.subject_id,
            d.kind,
            d.filename,
            d.content_type,
            d.sha256,
            d.size,
            d.created_at,
            d.retain_until,
            d.lock_mode,
            d.s3_key,
            d.version_id,
        )
        for d in documents
    ]
    return ExportPlan({**head, "exported_at": clock.now()}, planned)


class _Chunks:
    """A write-only file for ``zipfile``: keeps what was written until it is taken. It has no ``seek``, so zipfile
    writes each member's sizes after its data (a data descriptor) instead of going back to patch its header."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._written = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        taken, self._parts = b"".join(self._parts), []
        return taken


async def zip_chunks(
    bucket: Archive, export: ExportPlan, *, on_document: Callable[[int], None] = lambda _size: None
) -> AsyncIterator[bytes]:
    """The zip of ``export``, chunk by chunk: each document (read from S3 and checked against its SHA-256), then
    ``manifest.json`` and the zip's directory."""
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for document in export.documents:
            data = await bucket.get_verified(document.s3_key, document.s3_version_id, document.sha256)
            compression = zipfile.ZIP_STORED if document.content_type in _STORED_TYPES else zipfile.ZIP_DEFLATED
            archive.writestr(document.path, data, compress_type=compression)
            on_document(len(data))
            yield sink.take()
        manifest = {**export.head, "documents": [document.manifest_entry() for document in export.documents]}
        archive.writestr("manifest.json", msgspec.json.format(msgspec.json.encode(manifest), indent=2))
    yield sink.take()


async def export_provider(
    session: AsyncSession,
    bucket: Archive,
    provider_id: str,
    out: IO[bytes],
    *,
    on_document: Callable[[int], None] = lambda _size: None,
    actor: Actor,
) -> ExportSummary:
    """Write the provider's documents and ``manifest.json`` to ``out`` as a zip; audited (an operator's export)."""
    provider = await ProviderRepository(session).get(provider_id)
    shown = {"id": provider.id, "siret": provider.siret, "name": provider.name}
    head = {"tenant_id": provider.tenant_id, "provider": shown}
    export = plan(head, await DocumentRepository(session).of_provider(provider_id))
    async for chunk in zip_chunks(bucket, export, on_document=on_document):
        out.write(chunk)
    await AuditRepository(session).append(
        actor, "archive.exported", "provider", provider.id, {"documents": len(export.documents), "bytes": export.bytes}
    )
    return ExportSummary(len(export.documents), export.bytes)
