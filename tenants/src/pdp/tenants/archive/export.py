"""A provider's archive as one zip: every document byte-identical, and a manifest that proves each one.

For a provider leaving its platform, an audit, or the tax administration: ``manifest.json`` lists, for every
document, what it is (kind, invoice or mandate it belongs to), its SHA-256 and size as recorded at archiving,
its retention, and where it lives in S3 (key and version). Each file is checked against its recorded SHA-256
while it is written, so an export never carries a silently corrupted document.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.audit import Actor, AuditRepository
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.archive.service import safe_filename
from pdp.tenants.archive.store import Archive
from pdp.tenants.invoices.formats.policy import stored_name
from pdp.tenants.providers.repository import ProviderRepository

# Already compressed: deflating them again costs time for nothing.
_STORED_TYPES = frozenset({"application/pdf", "application/zip", "image/png", "image/jpeg"})


@dataclass(frozen=True, slots=True)
class ExportSummary:
    documents: int
    bytes: int


async def export_provider(
    session: AsyncSession,
    bucket: Archive,
    provider_id: str,
    out: IO[bytes],
    *,
    on_document: Callable[[int], None] = lambda _size: None,
    actor: Actor,
) -> ExportSummary:
    """Write the provider's documents and ``manifest.json`` to ``out`` as a zip; audited."""
    provider = await ProviderRepository(session).get(provider_id)
    documents = await DocumentRepository(session).of_provider(provider_id)
    entries: list[dict[str, Any]] = []
    total = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            data = await bucket.get_verified(document.s3_key, document.version_id, document.sha256)
            path = f"{document.kind}/{document.id}-{safe_filename(document.filename)}"
            compression = zipfile.ZIP_STORED if document.content_type in _STORED_TYPES else zipfile.ZIP_DEFLATED
            archive.writestr(path, data, compress_type=compression)
            total += len(data)
            entries.append(
                {
                    "id": document.id,
                    "kind": document.kind,
                    "subject_id": document.subject_id,
                    "filename": stored_name(document.filename),
                    "path": path,
                    "content_type": document.content_type,
                    "sha256": document.sha256,
                    "size": document.size,
                    "archived_at": document.created_at,
                    "retain_until": document.retain_until,
                    "lock_mode": document.lock_mode,
                    "s3_key": document.s3_key,
                    "s3_version_id": document.version_id,
                }
            )
            on_document(len(data))
        manifest = {
            "tenant_id": provider.tenant_id,
            "provider": {"id": provider.id, "siret": provider.siret, "name": provider.name},
            "exported_at": clock.now(),
            "documents": entries,
        }
        archive.writestr("manifest.json", msgspec.json.format(msgspec.json.encode(manifest), indent=2))
    await AuditRepository(session).append(
        actor, "archive.exported", "provider", provider.id, {"documents": len(entries), "bytes": total}
    )
    return ExportSummary(len(entries), total)
