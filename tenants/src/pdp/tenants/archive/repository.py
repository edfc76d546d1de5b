"""SQL for archived documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from pdp.platform.db.repository import TenantRepository
from pdp.tenants.archive.models import ArchivedDocument, ArchiveUsage


class DocumentRepository(TenantRepository[ArchivedDocument]):
    model = ArchivedDocument
    provider_key = "provider_id"

    async def of_subject(self, subject_id: str) -> list[ArchivedDocument]:
        query = self.select().where(ArchivedDocument.subject_id == subject_id).order_by(ArchivedDocument.id)
        return list((await self.session.execute(query)).scalars())

    async def of_provider(self, provider_id: str) -> list[ArchivedDocument]:
        query = self.select().where(ArchivedDocument.provider_id == provider_id).order_by(ArchivedDocument.id)
        return list((await self.session.execute(query)).scalars())

    async def sample(self, size: int) -> list[ArchivedDocument]:
        """A random sample: over time every document gets re-hashed without reading the whole archive each run."""
        query = self.select().order_by(func.random()).limit(size)
        return list((await self.session.execute(query)).scalars())

    async def mark_verified(self, document: ArchivedDocument, at: datetime) -> None:
        document.verified_at = at
        await self.session.flush()

    async def used_bytes(self) -> int:
        """Bytes this tenant has locked in the archive (summed over its usage rows: at most 16)."""
        query = select(func.coalesce(func.sum(ArchiveUsage.bytes), 0)).where(ArchiveUsage.tenant_id == self.tenant_id)
        with self.session.no_autoflush:  # a read only: the caller's pending rows go in its own flush, together
            return int((await self.session.execute(query)).scalar_one())
