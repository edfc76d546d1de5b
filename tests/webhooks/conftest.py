"""Webhook fixtures: local receivers, the worker's sender, and a job context whose queue records what is sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import outbox
from pdp.platform.jobs import JobRequest
from pdp.platform.settings import Settings
from pdp.tenants.webhooks.delivery import WebhookSender, open_sender
from pdp.workers.registry import JobContext
from pdp.workers.tasks import webhooks as webhook_jobs
from tests.conftest import TenantFixture
from tests.webhooks.receiver import Receiver
from tests.workers.test_jobs_and_outbox import RecordingQueue, arq_redis  # noqa: F401 - arq_redis: a fixture


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    running = Receiver()
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def down_receiver() -> AsyncIterator[Receiver]:
    """Refuses connections until the test starts it."""
    later = Receiver()
    yield later
    await later.stop()


@pytest.fixture
async def sender(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WebhookSender]:
    async with open_sender(settings, sessionmaker) as opened:
        yield opened


class Worker:
    """Runs the webhook jobs of one tenant the way a worker would, step by step, without arq or sleeping."""

    def __init__(self, ctx: JobContext, tenant: TenantFixture, owner_engine: AsyncEngine) -> None:
        self.ctx, self.tenant, self.owner_engine = ctx, tenant, owner_engine

    async def relay(self) -> list[str]:
        """Relay the outbox (all tenants, as the relay does) and run this tenant's webhook jobs."""
        queue = RecordingQueue()
        while await outbox.relay_once(self.ctx.sessionmaker, queue):
            pass
        return await self._run(queue.sent)

    async def sweep(self) -> list[str]:
        queue = RecordingQueue()
        self.ctx.queue = queue
        await webhook_jobs.sweep(self.ctx)
        return await self._run(queue.sent)

    async def time_passes(self) -> None:
        """Make this tenant's pending deliveries due now (instead of waiting for their next attempt)."""
        async with self.owner_engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' "
                    "WHERE tenant_id = :tenant AND status = 'pending'"
                ),
                {"tenant": self.tenant.id},
            )

    async def _run(self, sent: list[JobRequest]) -> list[str]:
        mine = [job for job in sent if job.name == "webhooks.deliver" and job.kwargs["tenant_id"] == self.tenant.id]
        return [await webhook_jobs.deliver_one(self.ctx, **job.kwargs) for job in mine]


@pytest.fixture
def worker(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    sender: WebhookSender,
    tenant: TenantFixture,
    owner_engine: AsyncEngine,
) -> Worker:
    ctx = JobContext(settings, sessionmaker, RecordingQueue(), "test-job", 1, webhooks=sender)
    return Worker(ctx, tenant, owner_engine)


async def register(client: Any, tenant: TenantFixture, url: str, events: list[str]) -> dict[str, Any]:
    response = await client.post("/v1/webhook-endpoints", json={"url": url, "events": events}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def deliveries(client: Any, tenant: TenantFixture, endpoint_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])
