"""Daily jobs fan out per tenant: ended mandates expire, the archive sample is re-hashed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.platform import jobs
from pdp.workers.registry import JobContext
from pdp.workers.tasks import daily
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, seller_provider


async def test_daily_fans_out_once_per_tenant_and_day(ctx: JobContext, tenant: TenantFixture) -> None:
    assert isinstance(ctx.queue, jobs.ArqQueue)
    redis = ctx.queue.redis
    first = await daily.fan_out_daily(ctx)
    assert first >= 1
    assert await daily.fan_out_daily(ctx) == first
    mine = await redis.keys(f"arq:job:mandates.expire:{tenant.id}:*")
    assert len(mine) == 1  # deduplicated by its job id
    assert len(await redis.keys(f"arq:job:archive.verify_sample:{tenant.id}:*")) == 1


async def test_expiry_and_archive_check_jobs(
    ctx: JobContext, client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    provider = await seller_provider(client, tenant)
    mandate = await active_mandate(client, tenant, provider["id"], valid_from="2025-01-01", valid_until="2025-12-31")
    assert await daily.expire_mandates(ctx, tenant_id=tenant.id) == [mandate["id"]]
    assert (await client.get(f"/v1/mandates/{mandate['id']}", headers=tenant.headers)).json()["status"] == "expired"
    assert await daily.verify_archive(ctx, tenant_id=tenant.id) == []
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE documents SET sha256 = repeat('0', 64) WHERE subject_id = :m AND kind = 'mandate'"),
            {"m": mandate["id"]},
        )
    assert len(await daily.verify_archive(ctx, tenant_id=tenant.id)) == 1
