"""pdp's own job registry: arq stays behind this module and :mod:`pdp.platform.jobs`.

A job is ``async def fn(ctx: JobContext, **kwargs)`` registered under a ``"<slice>.<verb>"`` name. The wrapper
gives every job the same contract: a transient error (``AppError.transient`` or :class:`TransientError`) is
retried with exponential backoff and full jitter until ``max_tries``; any other error fails the job at once,
because retrying a permanent error only repeats it.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from arq import Retry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import jobs
from pdp.platform.errors import AppError
from pdp.platform.logging import get_logger
from pdp.platform.settings import Settings
from pdp.tenants.chorus_gateway import ChorusGateway
from pdp.tenants.deposits.pipeline import Pipeline
from pdp.tenants.webhooks.delivery import WebhookSender

if TYPE_CHECKING:
    from arq.typing import WorkerCoroutine

log = get_logger("pdp.workers")


class TransientError(Exception):
    """Raise from a job when trying again later can succeed (a timeout, a 503, a lock)."""


@dataclass(slots=True)
class JobContext:
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    queue: jobs.JobQueue
    job_id: str
    job_try: int
    chorus: ChorusGateway | None = None
    pipeline: Pipeline | None = None
    webhooks: WebhookSender | None = None


JobFunction = Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class JobSpec:
    name: str
    fn: JobFunction
    max_tries: int
    timeout_seconds: float | None


REGISTRY: dict[str, JobSpec] = {}


def task(
    name: str, *, max_tries: int = 8, timeout_seconds: float | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Register ``fn`` as job ``name`` in the global registry (read when a worker is built)."""

    def register(fn: JobFunction) -> JobFunction:
        if name in REGISTRY and REGISTRY[name].fn is not fn:
            raise ValueError(f"job {name!r} is registered twice")
        REGISTRY[name] = JobSpec(name, fn, max_tries, timeout_seconds)
        return fn

    return register


def backoff_seconds(job_try: int, *, base: float = 2.0, cap: float = 600.0) -> float:
    """Full-jitter exponential backoff: uniform in [base, min(cap, base·2^(try-1))]."""
    ceiling = min(cap, base * 2 ** max(0, job_try - 1))
    return random.uniform(min(base, ceiling), ceiling)


# PostgreSQL gave up on the transaction, not on the work: a deadlock, a serialization failure. Done again, it passes.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransientError) or (isinstance(exc, AppError) and exc.transient):
        return True
    cause = getattr(exc, "orig", None)
    causes = (cause, getattr(cause, "__cause__", None))
    return any(getattr(one, "sqlstate", None) in RETRYABLE_SQLSTATES for one in causes)


def wrap(spec: JobSpec) -> WorkerCoroutine:
    async def run(ctx: dict[str, Any], **kwargs: Any) -> Any:
        job_ctx = JobContext(
            ctx["settings"],
            ctx["sessionmaker"],
            ctx["queue"],
            ctx["job_id"],
            ctx["job_try"],
            ctx.get("chorus"),
            ctx.get("pipeline"),
            ctx.get("webhooks"),
        )
        try:
            return await spec.fn(job_ctx, **kwargs)
        except Exception as exc:
            if is_transient(exc) and job_ctx.job_try < spec.max_tries:
                delay = backoff_seconds(job_ctx.job_try)
                log.warning(
                    "job.retry",
                    job=spec.name,
                    job_id=job_ctx.job_id,
                    job_try=job_ctx.job_try,
                    delay=round(delay, 2),
                    error=str(exc),
                )
                raise Retry(defer=delay) from exc
            log.error(
                "job.failed",
                job=spec.name,
                job_id=job_ctx.job_id,
                job_try=job_ctx.job_try,
                error=str(exc),
                transient=is_transient(exc),
            )
            raise

    run.__qualname__ = run.__name__ = spec.name
    return cast("WorkerCoroutine", run)
