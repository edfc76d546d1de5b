"""Repository base classes. All SQL lives in repositories; they flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.db.base import Base
from pdp.platform.db.tenancy import provider_scope_of, tenant_of
from pdp.platform.errors import NotFound, TenantContextMissing

if TYPE_CHECKING:  # callers need the audit log's Actor, whose repository is built on this module
    from pdp.platform.callers import Caller

ModelT = TypeVar("ModelT", bound=Base)

# ``provider_key`` of a table every caller of the tenant shares (idempotency keys, the audit log): the edge
# writes them for any caller, so a provider scope does not narrow them.
TENANT_WIDE = "*"

MAX_PAGE_SIZE = 100


class Page(Generic[ModelT]):
    __slots__ = ("has_more", "items")

    def __init__(self, items: Sequence[ModelT], has_more: bool) -> None:
        self.items = list(items)
        self.has_more = has_more


class TenantRepository(Generic[ModelT]):
    """Queries one tenant-owned model, always filtered by what the session's caller may read: its tenant and,
    for a portal user, the providers it belongs to (see :mod:`pdp.platform.callers`).

    Construction fails without a tenant context, so a forgotten tenant is a loud programming error here
    rather than an empty result (or worse) further down; RLS remains the backstop underneath.
    """

    model: ClassVar[type[Any]]
    # The column naming the provider a row belongs to. None: the table is not a provider's, so a caller scoped
    # to providers reads none of it (deny by default); TENANT_WIDE: shared by every caller of the tenant.
    provider_key: ClassVar[str | None] = None

    def __init__(self, session: AsyncSession) -> None:
        tenant_id = tenant_of(session)
        if tenant_id is None:
            raise TenantContextMissing(f"{type(self).__name__} needs a tenant context")
        self.session = session
        self.tenant_id = tenant_id
        self.provider_scope = provider_scope_of(session)

    @classmethod
    def readable(cls, caller: Caller) -> Select[ModelT]:
        """The rows ``caller`` may read, as a statement to narrow further."""
        return cls._scoped(select(cls.model), caller.tenant_id, caller.provider_scope)

    def select(self) -> Select[ModelT]:
        """The rows the session's caller may read."""
        return self._scoped(select(self.model), self.tenant_id, self.provider_scope)

    @classmethod
    def _scoped(cls, query: Select[ModelT], tenant_id: str, providers: frozenset[str] | None) -> Select[ModelT]:
        query = query.where(cls.model.tenant_id == tenant_id)
        if providers is None or cls.provider_key == TENANT_WIDE:
            return query
        return query.where(cls.of_providers(providers))

    @classmethod
    def of_providers(cls, providers: frozenset[str]) -> ColumnElement[bool]:
        """The condition that keeps the rows of ``providers``; a table whose rows reach their provider some other
        way than a column overrides it."""
        if cls.provider_key is None:
            return false()
        column: ColumnElement[str] = getattr(cls.model, cls.provider_key)
        return column.in_(providers)

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
