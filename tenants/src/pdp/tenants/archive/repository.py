"""SQL for archived documents."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.db.repository import Page, TenantRepository
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

    def _in_period(
        self,
        providers: Collection[str],
        kinds: Collection[str],
        archived_from: datetime | None,
        archived_before: datetime | None,
    ) -> Select[ArchivedDocument]:
        query = self.select().where(ArchivedDocument.provider_id.in_(providers))
        if kinds:
            query = query.where(ArchivedDocument.kind.in_(kinds))
        if archived_from is not None:
            query = query.where(ArchivedDocument.created_at >= archived_from)
        if archived_before is not None:
            query = query.where(ArchivedDocument.created_at < archived_before)
        return query

    async def search(
        self,
        providers: Collection[str],
        *,
        kinds: Collection[str] = (),
        archived_from: datetime | None = None,
        archived_before: datetime | None = None,
        limit: int,
        starting_after: str | None,
    ) -> Page[ArchivedDocument]:
        """The providers' documents archived in ``[archived_from, archived_before)``, newest first."""
        query = self._in_period(providers, kinds, archived_from, archived_before)
        return await self.page(query, limit=limit, starting_after=starting_after)

    async def in_period(
        self,
        providers: Collection[str],
        *,
        kinds: Collection[str] = (),
        archived_from: datetime,
        archived_before: datetime,
    ) -> list[ArchivedDocument]:
        """Every one of them, oldest first (an export's list)."""
        query = self._in_period(providers, kinds, archived_from, archived_before).order_by(ArchivedDocument.id)
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


async def open_tenant_case(session: AsyncSession, kind: str, subject_id: str, detail: dict[str, Any]) -> None:
    """An alarm about the session's tenant in the staff queue (``archive_mismatch``, ``audit_chain_broken``), through
    ``pdp_open_tenant_case`` (migration 0024: the app role cannot write the queue); an open case of the same kind
    and subject takes the new detail."""
    await session.execute(
        text("SELECT pdp_open_tenant_case(:kind, :subject, :case_id, CAST(:detail AS jsonb))"),
        {"kind": kind, "subject": subject_id, "case_id": ids.new_id("staff_case"), "detail": json.dumps(detail)},
    )
