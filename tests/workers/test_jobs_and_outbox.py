"""Jobs are sent only after commit; the outbox relays at least once; the worker retries transient errors only."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq.jobs import Job, JobStatus, SerializationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import jobs, outbox
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import ServiceUnavailable
from pdp.platform.jobs import JobRequest
from pdp.platform.settings import Settings
from pdp.workers.app import HEARTBEAT_KEY, close, create_worker, drain
from pdp.workers.registry import JobContext, JobSpec, backoff_seconds
from tests.conftest import TenantFixture


class RecordingQueue:
    def __init__(self) -> None:
        self.sent: list[JobRequest] = []

    async def send(self, job: JobRequest) -> bool:
        self.sent.append(job)
        return True


@pytest.fixture
async def arq_redis(settings: Settings) -> AsyncIterator[Any]:
    redis = await jobs.create_arq_redis(settings.redis_url)
    await redis.flushdb()
    yield redis
    await redis.flushdb()
    await redis.aclose()


async def test_jobs_are_sent_after_commit_and_dropped_on_rollback(
    tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    queue = RecordingQueue()
    async with unit_of_work(sessionmaker, tenant_id=tenant.id, queue=queue) as session:
        jobs.enqueue(session, "demo.ping", job_id="ping-1", n=1)
        assert queue.sent == []  # buffered until the commit
    assert [(j.name, j.kwargs, j.job_id) for j in queue.sent] == [("demo.ping", {"n": 1}, "ping-1")]

    queue.sent.clear()
    with pytest.raises(RuntimeError):
        async with unit_of_work(sessionmaker, tenant_id=tenant.id, queue=queue) as session:
            jobs.enqueue(session, "demo.ping", n=2)
            raise RuntimeError("business failure")
    assert queue.sent == []

    with pytest.raises(TypeError):
        async with unit_of_work(sessionmaker, tenant_id=tenant.id, queue=queue) as session:
            jobs.enqueue(session, "demo.ping", when=object())  # not JSON: refused at once


async def test_outbox_relays_each_message_and_releases_after_a_crash(
    tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        message = outbox.add(session, "demo.deliver", thing_id="t1")
    queue = RecordingQueue()
    while await outbox.relay_once(sessionmaker, queue):
        pass
    mine = [j for j in queue.sent if j.job_id == f"outbox:{message.id}"]
    assert len(mine) == 1
    assert mine[0].kwargs == {"thing_id": "t1", "tenant_id": tenant.id}
    assert all(j.job_id != f"outbox:{message.id}" for j in await _relay_all(sessionmaker))  # relayed once

    # A relay that claims then dies: the lease runs out and the message is relayed again.
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        crashed = outbox.add(session, "demo.deliver", thing_id="t2")
    async with sessionmaker() as session, session.begin():
        await session.execute(text("SELECT * FROM pdp_outbox_claim(1000, 60)"))  # claimed, never completed
    assert all(j.job_id != f"outbox:{crashed.id}" for j in await _relay_all(sessionmaker))
    async with owner_engine.begin() as conn:  # time passes: end the lease
        await conn.execute(
            text("UPDATE outbox SET available_at = now() - interval '1 second' WHERE id = :id"), {"id": crashed.id}
        )
    assert [j.job_id for j in await _relay_all(sessionmaker) if j.job_id == f"outbox:{crashed.id}"] == [
        f"outbox:{crashed.id}"
    ]


async def _relay_all(sessionmaker: async_sessionmaker[AsyncSession]) -> list[JobRequest]:
    queue = RecordingQueue()
    while await outbox.relay_once(sessionmaker, queue):
        pass
    return queue.sent


async def test_arq_queue_deduplicates_by_job_id_and_stores_json(arq_redis: Any) -> None:
    queue = jobs.ArqQueue(arq_redis)
    assert await queue.send(JobRequest("demo.ping", {"n": 1}, job_id="same"))
    assert not await queue.send(JobRequest("demo.ping", {"n": 1}, job_id="same"))
    raw = await arq_redis.get("arq:job:same")
    assert raw.startswith(b"{")  # JSON, not pickle
    assert jobs.deserialize(raw)["k"] == {"n": 1}


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    samples = {t: [backoff_seconds(t) for _ in range(200)] for t in (1, 3, 6, 30)}
    assert all(2.0 <= s <= 2.0 for s in samples[1])
    assert all(2.0 <= s <= 8.0 for s in samples[3]) and len(set(samples[3])) > 100
    assert max(samples[6]) <= 64.0 and max(samples[6]) > 32.0
    assert max(samples[30]) <= 600.0


async def test_worker_retries_transient_errors_only(
    settings: Settings, arq_redis: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pdp.workers.registry.backoff_seconds", lambda job_try: 0.01)
    calls: dict[str, int] = {"flaky": 0, "broken": 0}

    async def flaky(ctx: JobContext, *, fail_times: int) -> str:
        calls["flaky"] += 1
        if ctx.job_try <= fail_times:
            raise ServiceUnavailable("chorus is down")
        return f"ok after {ctx.job_try}"

    async def broken(ctx: JobContext) -> None:
        calls["broken"] += 1
        raise ValueError("a bug, retrying will not help")

    extra = [
        JobSpec("test.flaky", flaky, max_tries=5, timeout_seconds=5),
        JobSpec("test.broken", broken, max_tries=5, timeout_seconds=5),
    ]
    flaky_job = await arq_redis.enqueue_job("test.flaky", fail_times=2)
    broken_job = await arq_redis.enqueue_job("test.broken")
    worker = create_worker(settings, extra=extra, burst=True, handle_signals=False, poll_delay=0.01)
    try:
        await worker.main()
    finally:
        await close(worker)
    assert calls == {"flaky": 3, "broken": 1}
    assert await flaky_job.result(timeout=1) == "ok after 3"
    with pytest.raises(SerializationError, match="ValueError: a bug"):  # results are JSON: the error as text
        await broken_job.result(timeout=1)


async def test_worker_never_unpickles(settings: Settings, arq_redis: Any, tmp_path: Any) -> None:
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[Any, ...]:
            return (open, (str(marker), "w"))

    payload = pickle.dumps({"t": 1, "f": "outbox.relay", "a": (), "k": {"x": Exploit()}, "et": 1})
    await arq_redis.set("arq:job:evil", payload)
    await arq_redis.zadd("arq:queue", {"evil": 1})
    worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.01)
    try:
        await worker.main()
    finally:
        await close(worker)
    assert not marker.exists()
    assert await Job("evil", arq_redis).status() != JobStatus.in_progress


async def test_worker_heartbeat_is_visible_while_running(settings: Settings, arq_redis: Any) -> None:
    worker = create_worker(settings, handle_signals=False, poll_delay=0.05)
    runner = asyncio.create_task(worker.main())
    try:
        for _ in range(100):
            keys = await arq_redis.keys(HEARTBEAT_KEY.format(worker="*"))
            if keys:
                break
            await asyncio.sleep(0.05)
        assert keys, "no heartbeat key while the worker runs"
    finally:
        runner.cancel()
        with pytest.raises(asyncio.CancelledError):
            await runner
        await close(worker)


async def test_drain_lets_a_running_job_finish_before_stopping(settings: Settings, arq_redis: Any) -> None:
    started = asyncio.Event()

    async def slow(ctx: JobContext) -> str:
        started.set()
        await asyncio.sleep(0.5)
        return "finished"

    job = await arq_redis.enqueue_job("test.slow")
    worker = create_worker(
        settings,
        extra=[JobSpec("test.slow", slow, max_tries=3, timeout_seconds=10)],
        handle_signals=False,
        poll_delay=0.01,
    )
    runner = asyncio.create_task(worker.main())
    try:
        await asyncio.wait_for(started.wait(), 10)
        await drain(worker, grace_seconds=10)  # what SIGTERM triggers in `pdp worker`
        assert not worker.allow_pick_jobs
        assert await job.result(timeout=2) == "finished"
    finally:
        runner.cancel()
        with pytest.raises(asyncio.CancelledError):
            await runner
        await close(worker)


async def test_closing_with_a_job_still_running_cancels_it_and_still_shuts_down(
    settings: Settings, arq_redis: Any
) -> None:
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def stuck(ctx: JobContext) -> str:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    await arq_redis.enqueue_job("test.stuck")
    worker = create_worker(
        settings, extra=[JobSpec("test.stuck", stuck, max_tries=3, timeout_seconds=120)], handle_signals=False
    )
    runner = asyncio.create_task(worker.main())
    await asyncio.wait_for(started.wait(), 10)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    await close(worker)  # arq's own close raised CancelledError here and skipped on_shutdown
    assert cancelled.is_set()
    assert await arq_redis.keys(HEARTBEAT_KEY.format(worker="*")) == []  # on_shutdown ran: heartbeat removed


async def test_purge_removes_expired_keys_and_old_relayed_rows_only(
    tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        old, recent = outbox.add(session, "demo.x"), outbox.add(session, "demo.y")
        await session.execute(
            text(
                "INSERT INTO idempotency_keys (tenant_id, key, request_sha256, expires_at) VALUES "
                "(:t, 'expired', 'h', now() - interval '1 hour'), (:t, 'live', 'h', now() + interval '1 hour')"
            ),
            {"t": tenant.id},
        )
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE outbox SET relayed_at = now() - interval '8 days' WHERE id = :id"), {"id": old.id}
        )
        await conn.execute(
            text("UPDATE outbox SET relayed_at = now() - interval '1 day' WHERE id = :id"), {"id": recent.id}
        )
    while await outbox.purge_expired(sessionmaker, batch=100):
        pass
    async with owner_engine.connect() as conn:
        keys = (
            (await conn.execute(text("SELECT key FROM idempotency_keys WHERE tenant_id = :t"), {"t": tenant.id}))
            .scalars()
            .all()
        )
        rows = (
            (await conn.execute(text("SELECT id FROM outbox WHERE tenant_id = :t"), {"t": tenant.id})).scalars().all()
        )
    assert keys == ["live"]
    assert rows == [recent.id]
