"""SQL for archived documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func

from pdp.platform.db.repository import TenantRepository
from pdp.tenants.archive.models import ArchivedDocument


class DocumentRepository(TenantRepository[ArchivedDocument]):
    model = ArchivedDocument

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
