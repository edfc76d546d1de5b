"""Repository base classes. All SQL lives in repositories; they flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.db.base import Base
from pdp.platform.db.session import tenant_of
from pdp.platform.errors import NotFound, TenantContextMissing

ModelT = TypeVar("ModelT", bound=Base)

MAX_PAGE_SIZE = 100


class Page(Generic[ModelT]):
    __slots__ = ("has_more", "items")

    def __init__(self, items: Sequence[ModelT], has_more: bool) -> None:
        self.items = list(items)
        self.has_more = has_more


class TenantRepository(Generic[ModelT]):
    """Queries one tenant-owned model, always filtered by the session's tenant.

    Construction fails without a tenant context, so a forgotten tenant is a loud programming error here
    rather than an empty result (or worse) further down; RLS remains the backstop underneath.
    """

    model: ClassVar[type[Any]]

    def __init__(self, session: AsyncSession) -> None:
        tenant_id = tenant_of(session)
        if tenant_id is None:
            raise TenantContextMissing(f"{type(self).__name__} needs a tenant context")
        self.session = session
        self.tenant_id = tenant_id

    def select(self) -> Select[ModelT]:
        return select(self.model).where(self.model.tenant_id == self.tenant_id)

    async def get(self, object_id: str) -> ModelT:
        found = await self.find(object_id)
        if found is None:
            raise NotFound(f"No such {self.model.__tablename__.rstrip('s')}: {object_id}")
        return found

    async def find(self, object_id: str) -> ModelT | None:
        if not ids.is_well_formed(object_id):
            return None
        result = await self.session.execute(self.select().where(self.model.id == object_id))
        return result.scalar_one_or_none()

    async def add(self, obj: ModelT, *, flush: bool = True) -> ModelT:
        """Add ``obj`` to the tenant's rows; flushed now unless ``flush`` is False (a caller adding several rows in
        a row flushes once: each flush has a cost of its own, apart from the INSERTs)."""
        if getattr(obj, "tenant_id", None) in (None, ""):
            obj.tenant_id = self.tenant_id  # type: ignore[attr-defined]
        elif obj.tenant_id != self.tenant_id:  # type: ignore[attr-defined]
            raise TenantContextMissing("object belongs to another tenant")
        self.session.add(obj)
        if flush:
            await self.session.flush()
        return obj

    async def page(
        self, query: Select[ModelT] | None = None, *, limit: int = 10, starting_after: str | None = None
    ) -> Page[ModelT]:
        """Newest first, keyset-paginated on the time-ordered id (``starting_after`` = last id seen)."""
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        query = self.select() if query is None else query
        if starting_after:
            query = query.where(self.model.id < starting_after)
        rows = (await self.session.execute(query.order_by(self.model.id.desc()).limit(limit + 1))).scalars().all()
        return Page(rows[:limit], has_more=len(rows) > limit)
