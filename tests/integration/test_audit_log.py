"""The audit log is append-only and hash-chained per tenant; verify finds any tampering."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.audit import Actor, AuditRepository, verify
from pdp.platform.db.admin import plain_url
from pdp.platform.db.session import unit_of_work
from tests.conftest import DatabaseUrls, TenantFixture

ACTOR = Actor("system", "test")


async def _append(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, n: int) -> None:
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        await AuditRepository(session).append(ACTOR, "thing.done", "thing", f"thing_{n}", {"n": n, "note": "é"})


async def test_concurrent_appends_form_one_valid_chain(
    tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await asyncio.gather(*(_append(sessionmaker, tenant.id, n) for n in range(8)))
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        result = await verify(session)
    assert result.ok, result
    assert result.events == 10  # api_key.created and tenant.created from the fixture, then 8 appends


async def test_updates_and_deletes_are_refused(
    tenant: TenantFixture, app_engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    for engine in (app_engine, owner_engine):
        async with engine.connect() as conn:
            await conn.execute(text("SELECT set_config('app.tenant_id', :t, false)"), {"t": tenant.id})
            for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
                try:
                    await conn.execute(text(statement))
                except DBAPIError as exc:
                    assert "permission denied" in str(exc) or "append-only" in str(exc)
                    await conn.rollback()
                    await conn.execute(text("SELECT set_config('app.tenant_id', :t, false)"), {"t": tenant.id})
                else:
                    raise AssertionError(f"{statement} was allowed")


async def test_verify_reports_the_first_tampered_event(
    tenant: TenantFixture, database: DatabaseUrls, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for n in range(3):
        await _append(sessionmaker, tenant.id, n)
    # Only a superuser switching the trigger off can do this: the attack verify exists to detect.
    conn = await asyncpg.connect(plain_url(database.admin_url).rsplit("/", 1)[0] + "/" + database.name)
    try:
        async with conn.transaction():
            await conn.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            await conn.execute(
                "UPDATE audit_events SET data = '{\"n\": 99}' WHERE tenant_id = $1 AND seq = 4", tenant.id
            )
            await conn.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    finally:
        await conn.close()
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        result = await verify(session)
    assert not result.ok
    assert result.broken_at_seq == 4
    assert result.events == 3
