"""The audit log is append-only and hash-chained per tenant; verify finds any tampering."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.audit import Actor, AuditRepository, lane_of, verify
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
    for _ in range(3):
        await _append(sessionmaker, tenant.id, 7)  # one target: one lane, seq 1 to 3 (or after the fixture's)
    lane = lane_of("thing", "thing_7")
    # Only a superuser switching the trigger off can do this: the attack verify exists to detect.
    conn = await asyncpg.connect(plain_url(database.admin_url).rsplit("/", 1)[0] + "/" + database.name)
    try:
        seqs = [row["seq"] for row in await conn.fetch(
            "SELECT seq FROM audit_events WHERE tenant_id = $1 AND target_id = 'thing_7' ORDER BY seq", tenant.id
        )]  # fmt: skip
        async with conn.transaction():
            await conn.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            await conn.execute(
                "UPDATE audit_events SET data = '{\"n\": 99}' WHERE tenant_id = $1 AND lane = $2 AND seq = $3",
                tenant.id,
                lane,
                seqs[1],
            )
            await conn.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    finally:
        await conn.close()
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        result = await verify(session)
    assert not result.ok
    assert (result.lane, result.broken_at_seq, result.reason) == (
        lane,
        seqs[1],
        "event content does not match its hash",
    )


async def test_one_targets_events_chain_in_one_lane_and_other_targets_do_not_wait_for_its_commit(
    tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = "thing_1"
    other = next(f"thing_{n}" for n in range(2, 100) if lane_of("thing", f"thing_{n}") != lane_of("thing", first))
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as holding:
        held = await AuditRepository(holding).append(ACTOR, "thing.done", "thing", first)  # its lane locked
        # Another target's lane is free: this commits while the first transaction is still open.
        await asyncio.wait_for(_append(sessionmaker, tenant.id, int(other.split("_")[1])), timeout=30)
        again = await AuditRepository(holding).append(ACTOR, "thing.redone", "thing", first)
    assert (again.lane, again.seq, again.prev_hash) == (held.lane, held.seq + 1, held.hash)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        result = await verify(session)
        used = await AuditRepository(session).lanes()
    assert result.ok and result.events == 5, result  # the fixture's two, then three
    assert {lane_of("thing", first), lane_of("thing", other)} <= set(used)
