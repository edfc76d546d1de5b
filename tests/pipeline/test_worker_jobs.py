"""The jobs around the pipeline: the directory refresh, and the fair sweep that finds due invoices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import jobs
from pdp.platform.settings import Settings
from pdp.tenants.chorus_gateway import ChorusGateway, open_chorus
from pdp.tenants.deposits.repository import claim_due
from pdp.tenants.directory.chorus_source import ChorusDirectorySource
from pdp.tenants.directory.service import RecipientDirectory, open_directory
from pdp.workers.registry import JobContext
from pdp.workers.tasks import directory as directory_jobs
from tests.conftest import NewTenant, TenantFixture
from tests.journeys import active_mandate, deposit_cii, seller_provider
from tests.sandbox.harness import NO_PARAMS, SLOW, RunningSandbox


def long_ago() -> datetime:
    return datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
async def gateway(chorus_settings: Settings) -> AsyncIterator[ChorusGateway]:
    async with open_chorus(chorus_settings) as opened:
        assert opened is not None
        yield opened


@pytest.fixture
async def ctx(
    chorus_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], gateway: ChorusGateway
) -> AsyncIterator[JobContext]:
    redis = await jobs.create_arq_redis(chorus_settings.redis_url)
    yield JobContext(chorus_settings, sessionmaker, jobs.ArqQueue(redis), "test-job", 1, gateway)
    await redis.aclose()


async def test_stale_recipients_are_queued_then_refreshed_from_chorus(
    ctx: JobContext, sandbox: RunningSandbox, sessionmaker: async_sessionmaker[AsyncSession], gateway: ChorusGateway
) -> None:
    # The directory cache is shared by every tenant (and every test): use a recipient no other test deposits to,
    # and put Chorus's answer back at the end.
    old = RecipientDirectory(sessionmaker, ChorusDirectorySource(gateway), ttl=timedelta(hours=24), clock=long_ago)
    before = await old.get(SLOW)
    assert before.service_code_required is False
    queued = await directory_jobs.refresh_stale(ctx)
    assert queued >= 1
    assert isinstance(ctx.queue, jobs.ArqQueue)
    keys = [key.decode() for key in await ctx.queue.redis.keys(f"arq:job:directory.refresh:{SLOW}:*")]
    assert len(keys) == 1  # queued once per SIRET and hour, whatever the number of sweeps
    assert await directory_jobs.refresh_stale(ctx) >= 1
    assert len(await ctx.queue.redis.keys(f"arq:job:directory.refresh:{SLOW}:*")) == 1

    changed = {"siret": SLOW, "name": "Payeur lent", "service_code_required": True, "scenario": "slow_payment"}
    sandbox.control("POST", "directory", {"recipients": [changed]})
    assert await directory_jobs.refresh(ctx, siret=SLOW) is True
    after = await open_directory(sessionmaker, gateway, 24).get(SLOW)
    assert after.service_code_required is True and after.fetched_at > before.fetched_at
    await ctx.queue.redis.delete(*keys)
    sandbox.control("POST", "reset")
    assert await directory_jobs.refresh(ctx, siret=SLOW) is True


async def test_the_sweep_takes_due_invoices_turn_by_turn_across_tenants(
    chorus_client: Any,
    new_tenant: NewTenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    busy, quiet = await new_tenant("Busy marketplace"), await new_tenant("Quiet marketplace")
    await _deposits(chorus_client, busy, 5)
    await _deposits(chorus_client, quiet, 1)
    async with owner_engine.begin() as conn:  # all due; the busy tenant's invoices are older
        await conn.execute(text("UPDATE invoices SET next_check_at = NULL"))
        await conn.execute(
            text("UPDATE invoices SET next_check_at = now() - interval '1 hour' WHERE tenant_id = :t"), {"t": busy.id}
        )
        await conn.execute(
            text("UPDATE invoices SET next_check_at = now() - interval '1 minute' WHERE tenant_id = :t"),
            {"t": quiet.id},
        )
    async with sessionmaker() as session, session.begin():
        first = await claim_due(session, 2, 120)
    assert sorted(one.tenant_id for one in first) == sorted([busy.id, quiet.id])  # one each, not two of busy's
    async with sessionmaker() as session, session.begin():
        rest = await claim_due(session, 100, 120)
    assert len(rest) == 4 and {one.tenant_id for one in rest} == {busy.id}  # leased rows are not taken twice
    async with sessionmaker() as session, session.begin():
        assert await claim_due(session, 100, 120) == []


async def _deposits(client: Any, tenant: TenantFixture, count: int) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    for n in range(count):
        recipient = {"recipient": {"siret": NO_PARAMS, "name": "R", "service_code": None}}
        response = await deposit_cii(client, tenant, provider["id"], number=f"F-SWEEP-{n}", **recipient)
        assert response.status_code == 201, response.text
