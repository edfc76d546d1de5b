"""Redis restarted with its data lost, PostgreSQL restarted: the database re-drives everything, nothing is lost."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import jobs, outbox
from pdp.tenants.archive.store import Archive
from tests.faults.checker import check, settle
from tests.faults.flows import Party, deposit, eventually
from tests.faults.stack import Engines, Workers, wait_up
from tests.invoices.report import SUMMARY
from tests.sandbox.harness import RunningSandbox

pytestmark = pytest.mark.slow

QUEUE = "arq:queue"


async def test_redis_restarted_empty_loses_queued_jobs_and_the_sweep_brings_them_back(
    fault_api: Any,
    party: Party,
    emulator: RunningSandbox,
    workers: Workers,
    fault_engines: Engines,
    fault_sessionmaker: async_sessionmaker[AsyncSession],
    fault_owner_engine: AsyncEngine,
    fault_archive: Archive,
    redis: Any,
) -> None:
    for _ in range(12):
        assert (await deposit(fault_api, party)).acknowledged
    # The outbox relay rings (no worker yet): the submit jobs sit in Redis and the outbox rows are done.
    # (Earlier tests may have left rows of their own: the relay and the sweep serve every tenant.)
    assert await outbox.relay_once(fault_sessionmaker, jobs.ArqQueue(redis)) >= 12
    assert await redis.zcard(QUEUE) >= 12
    await asyncio.to_thread(fault_engines.restart_redis)
    fresh = await jobs.create_arq_redis(fault_engines.redis_url)
    try:
        assert await fresh.zcard(QUEUE) == 0  # every queued job is gone
        for name in ("a", "b"):
            await wait_up(fresh, workers.start(name), within=30)
        for _ in range(12):
            assert (await deposit(fault_api, party)).acknowledged
        # Again with the workers connected and invoices on their way: their connections break under them.
        await asyncio.to_thread(fault_engines.restart_redis)
        for _ in range(6):
            assert (await deposit(fault_api, party)).acknowledged
        await settle(fault_owner_engine, emulator, [party], within=60)
        assert workers.exited() == {}, workers.log_tail()
    finally:
        await fresh.aclose()
    verdict = await check(fault_owner_engine, fault_archive, emulator, [party])
    assert verdict.problems == [], verdict.problems
    assert verdict.invoices == 30
    SUMMARY.append(f"faults/redis restarted empty x2: {verdict.summary()}")


async def _fewer_than(party: Party, count: int) -> str:
    acknowledged = len(party.acknowledged)
    return f"{acknowledged} acknowledged" if acknowledged < count else ""


async def test_postgres_restarted_under_load_loses_nothing(
    fault_api: Any,
    party: Party,
    emulator: RunningSandbox,
    workers: Workers,
    fault_engines: Engines,
    fault_engine: AsyncEngine,
    fault_owner_engine: AsyncEngine,
    fault_archive: Archive,
    redis: Any,
) -> None:
    for name in ("a", "b"):
        await wait_up(redis, workers.start(name), within=30)

    async def clients() -> None:
        # A 503 (or a cut connection) is retried with the same Idempotency-Key, as docs/api.md tells clients to.
        for _ in range(8):
            await asyncio.gather(*(deposit(fault_api, party, retry_unavailable=60) for _ in range(3)))

    load = asyncio.create_task(clients())
    await eventually(lambda: _fewer_than(party, 6), within=60, interval=0.05)
    await asyncio.to_thread(fault_engines.restart_postgres)
    await load
    statuses = sorted({s.status for s in party.sent})
    assert statuses == [201], statuses
    for engine in (fault_engine, fault_owner_engine):
        await engine.dispose()  # this process' own pools: drop the connections the restart cut
    await settle(fault_owner_engine, emulator, [party], within=60)
    assert workers.exited() == {}, workers.log_tail()
    verdict = await check(fault_owner_engine, fault_archive, emulator, [party])
    assert verdict.problems == [], verdict.problems
    assert verdict.invoices == 24
    SUMMARY.append(f"faults/postgres restarted under load: {verdict.summary()}")
