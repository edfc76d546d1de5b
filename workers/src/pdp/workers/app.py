"""The worker process: arq configured by pdp (JSON payloads, retries, heartbeat, graceful shutdown)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from typing import TYPE_CHECKING, Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Function, Worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError

from pdp.platform import jobs
from pdp.platform.db.session import create_engine, create_sessionmaker
from pdp.platform.logging import configure_logging, get_logger
from pdp.platform.settings import Settings
from pdp.tenants.archive.store import open_archive
from pdp.tenants.chorus_gateway import open_chorus
from pdp.tenants.deposits.pipeline import build_pipeline
from pdp.tenants.webhooks.delivery import open_sender
from pdp.workers.registry import REGISTRY, JobSpec, wrap
from pdp.workers.tasks import load_all
from pdp.workers.tasks.audit import CHECKPOINT_ALL, CHECKPOINT_MINUTES
from pdp.workers.tasks.chorus_copies import ARCHIVE_COPIES
from pdp.workers.tasks.chorus_copies import EVERY_MINUTES as COPIES_EVERY_MINUTES
from pdp.workers.tasks.chorus_copies import TIMEOUT_SECONDS as COPIES_TIMEOUT_SECONDS

if TYPE_CHECKING:
    pass

HEARTBEAT_SECONDS = 5
SHUTDOWN_GRACE_SECONDS = 20
REDIS_RETRY_SECONDS = 1.0
REDIS_LOST = (RedisConnectionError, RedisTimeoutError, WatchError)
SWEEP_SECONDS = 5
HEARTBEAT_KEY = "pdp:workers:{worker}"
log = get_logger("pdp.workers.app")


async def _heartbeat(redis: Any, worker: str) -> None:
    # A key that expires unless refreshed: operators (and `pdp dev`) see live workers with SCAN pdp:workers:*.
    while True:
        await redis.set(HEARTBEAT_KEY.format(worker=worker), "alive", ex=HEARTBEAT_SECONDS * 3)
        await asyncio.sleep(HEARTBEAT_SECONDS)


def _functions(specs: list[JobSpec], settings: Settings) -> list[Function]:
    from arq.worker import func

    return [
        func(
            wrap(spec),
            name=spec.name,
            max_tries=spec.max_tries,
            timeout=spec.timeout_seconds or settings.job_timeout_seconds,
        )
        for spec in specs
    ]


def create_worker(
    settings: Settings,
    *,
    extra: list[JobSpec] | None = None,
    burst: bool = False,
    handle_signals: bool = True,
    poll_delay: float = 0.5,
) -> Worker:
    """Build a worker with every registered job (plus ``extra``, for tests)."""
    load_all()
    specs = [*REGISTRY.values(), *(extra or [])]
    worker_name = f"{socket.gethostname()}:{os.getpid()}"
    state: dict[str, Any] = {}

    async def on_startup(ctx: dict[str, Any]) -> None:
        configure_logging(settings.log_level, json=settings.log_json)
        if settings.log_level != "debug":
            logging.getLogger("arq").setLevel(logging.WARNING)  # one line per cron tick is noise
        engine = create_engine(settings.database_url, pool_size=max(2, settings.worker_concurrency // 2))
        resources = contextlib.AsyncExitStack()
        state["resources"] = resources
        chorus = await resources.enter_async_context(open_chorus(settings, redis=ctx["redis"]))
        archive = open_archive(settings)
        resources.callback(archive.close)
        sessionmaker = create_sessionmaker(engine)
        webhooks = await resources.enter_async_context(open_sender(settings, sessionmaker))
        ctx.update(
            chorus=chorus,
            pipeline=build_pipeline(settings, sessionmaker, gateway=chorus, archive=archive),
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            queue=jobs.ArqQueue(ctx["redis"]),
            webhooks=webhooks,
        )
        state["heartbeat"] = asyncio.create_task(_heartbeat(ctx["redis"], worker_name))
        log.info("worker.started", worker=worker_name, jobs=sorted(s.name for s in specs))

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        if "resources" not in state:
            return  # never started, or already stopped
        heartbeat = state.pop("heartbeat", None)
        if heartbeat is not None:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        with contextlib.suppress(*REDIS_LOST):  # the key expires on its own
            await ctx["redis"].delete(HEARTBEAT_KEY.format(worker=worker_name))
        await state.pop("resources").aclose()
        await ctx["engine"].dispose()
        log.info("worker.stopped", worker=worker_name)

    relay_seconds = max(1, round(settings.outbox_relay_seconds))
    return Worker(
        functions=_functions(specs, settings),
        cron_jobs=[
            cron(
                wrap(REGISTRY["outbox.relay"]),
                name="cron:outbox.relay",
                second=set(range(0, 60, relay_seconds)),
                run_at_startup=True,
                timeout=60,
            ),
            cron(wrap(REGISTRY["maintenance.purge_expired"]), name="cron:maintenance.purge_expired", minute=17),
            cron(wrap(REGISTRY["directory.refresh_stale"]), name="cron:directory.refresh_stale", minute=41),
            # Just after midnight UTC: a mandate whose last day was yesterday expires today.
            cron(wrap(REGISTRY["maintenance.daily"]), name="cron:maintenance.daily", hour=0, minute=7),
            cron(
                wrap(REGISTRY[CHECKPOINT_ALL]),
                name=f"cron:{CHECKPOINT_ALL}",
                minute=set(range(3, 60, CHECKPOINT_MINUTES)),
                timeout=60,
            ),
            cron(
                wrap(REGISTRY["invoices.sweep"]),
                name="cron:invoices.sweep",
                second=set(range(0, 60, SWEEP_SECONDS)),
                run_at_startup=True,
                timeout=60,
            ),
            cron(
                wrap(REGISTRY[ARCHIVE_COPIES]),
                name=f"cron:{ARCHIVE_COPIES}",
                minute=set(range(9, 60, COPIES_EVERY_MINUTES)),
                timeout=COPIES_TIMEOUT_SECONDS,
            ),
            cron(
                wrap(REGISTRY["webhooks.sweep"]),
                name="cron:webhooks.sweep",
                second=set(range(0, 60, SWEEP_SECONDS)),
                run_at_startup=True,
                timeout=60,
            ),
        ],
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        job_serializer=jobs.serialize,
        job_deserializer=jobs.deserialize,
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        max_jobs=settings.worker_concurrency,
        job_timeout=settings.job_timeout_seconds,
        handle_signals=handle_signals,
        log_results=False,
        burst=burst,
        poll_delay=poll_delay,
        health_check_interval=HEARTBEAT_SECONDS,
        keep_result=3600,
    )


def run_worker(settings: Settings) -> None:
    """Run a worker until SIGTERM/SIGINT (``pdp worker``)."""
    asyncio.run(_run(settings))


async def _run(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    while not stop.is_set():
        try:
            await _serve(settings, stop)
            return
        except REDIS_LOST as exc:
            # arq lets a broken Redis connection escape its poll loop (python-arq/arq#386), so a Redis restart
            # would end the process. Start a fresh worker instead: nothing is lost, the jobs that vanished
            # with Redis come back through the outbox relay and the sweep.
            log.warning("worker.redis_lost", error=str(exc))
            await asyncio.sleep(REDIS_RETRY_SECONDS)


async def _serve(settings: Settings, stop: asyncio.Event) -> None:
    # pdp handles the signals itself: arq's own "wait for completion" handler never returns once jobs are done.
    worker = create_worker(settings, handle_signals=False)
    main = asyncio.create_task(worker.main())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({main, stopping}, return_when=asyncio.FIRST_COMPLETED)
    try:
        if stop.is_set():
            await drain(worker)
        main.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await main
    finally:
        stopping.cancel()
        try:
            await close(worker)
        except REDIS_LOST:
            if worker.on_shutdown is not None:
                await worker.on_shutdown(worker.ctx)  # arq stopped before it: release the engine and clients


async def close(worker: Worker) -> None:
    """Cancel the jobs still running, then close the worker (its pool, heartbeat, ``on_shutdown``).

    arq's own ``close`` cancels running jobs and then gathers them without ``return_exceptions``, so the
    first cancelled job raises ``CancelledError`` out of it and ``on_shutdown`` never runs (found by a flaky
    test: a cron job still running when the worker stopped). The cancelled jobs run again later, from the
    queue or the outbox."""
    running = list(worker.tasks.values())
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)
    worker.tasks.clear()  # all finished: nothing left for arq's gather to re-raise
    await worker.close()


async def drain(worker: Worker, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
    """Stop taking jobs and let running ones finish for a while; the rest are cancelled and run again later
    (arq is pessimistic: a job leaves the queue only when it finishes, which is why every job is idempotent)."""
    worker.allow_pick_jobs = False
    running = [task for task in worker.tasks.values() if not task.done()]
    log.info("worker.draining", running=len(running))
    if running:
        await asyncio.wait(running, timeout=grace_seconds)
