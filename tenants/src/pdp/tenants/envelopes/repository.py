"""All SQL of the envelope-encrypted columns: list a tenant's sealed values, replace one if it is unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import column, select, table, union, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import TableClause

from pdp.platform.db.tenancy import tenant_of


@dataclass(frozen=True, slots=True)
class SealedColumn:
    """A column holding envelope tokens, in a tenant table keyed (tenant_id, id)."""

    table: str
    column: str


def _table(sealed: SealedColumn) -> TableClause:
    # A lightweight table of the three columns needed: no ORM onupdate (a re-wrap is not an edit of the row).
    return table(sealed.table, column("tenant_id"), column("id"), column(sealed.column))


async def tenants_with_sealed(owner_session: AsyncSession, columns: tuple[SealedColumn, ...]) -> list[str]:
    """Every tenant holding at least one sealed value (the owner connection: this crosses tenants)."""
    queries = []
    for sealed in columns:
        t = _table(sealed)
        queries.append(select(t.c.tenant_id).where(t.c[sealed.column].is_not(None)))
    rows = await owner_session.execute(union(*queries).order_by("tenant_id"))
    return [str(tenant_id) for (tenant_id,) in rows]


def _tenant(session: AsyncSession) -> str:
    tenant_id = tenant_of(session)
    assert tenant_id is not None, "sealed values are read within a tenant"
    return tenant_id


async def sealed_values(session: AsyncSession, sealed: SealedColumn) -> list[tuple[str, str]]:
    """(row id, token) of every sealed value of the session's tenant in ``sealed``, by id."""
    t = _table(sealed)
    query = (
        select(t.c.id, t.c[sealed.column])
        .where(t.c.tenant_id == _tenant(session), t.c[sealed.column].is_not(None))
        .order_by(t.c.id)
    )
    return [(str(row_id), str(token)) for row_id, token in await session.execute(query)]


async def replace_sealed(session: AsyncSession, sealed: SealedColumn, row_id: str, old: str, new: str) -> bool:
    """Swap ``old`` for ``new`` unless the row changed meanwhile (then a newer value, already under the newest
    key, stays); True when swapped."""
    t = _table(sealed)
    statement = (
        update(t)
        .where(t.c.tenant_id == _tenant(session), t.c.id == row_id, t.c[sealed.column] == old)
        .values({sealed.column: new})
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]
