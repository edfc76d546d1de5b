"""The jobs facade: ``enqueue`` buffers on the session; the unit of work sends after commit.

arq stays behind this module and ``pdp.workers.registry`` (arq is maintenance-only, so a later move touches two
files). Jobs are named ``"<slice>.<verb>"`` and take JSON scalars only, ``tenant_id`` explicit. Payloads are JSON,
never pickle: a pickle in Redis would run code in the worker.

Enqueue-after-commit is a doorbell, not a guarantee — a crash between commit and send loses the ring. Work that
must happen goes through the outbox (:mod:`pdp.platform.outbox`), whose relay rings again until it is done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

_BUFFER_KEY = "pdp.jobs"


@dataclass(frozen=True, slots=True)
class JobRequest:
    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    job_id: str | None = None
    defer_seconds: float | None = None


class JobQueue(Protocol):
    async def send(self, job: JobRequest) -> bool:
        """Send one job; False when an identical ``job_id`` is already queued (deduplicated)."""
        ...


def _fallback(value: object) -> str:
    # Only job *results* reach this (arguments are checked at enqueue): a failed job's exception is kept as
    # "ValueError: message", readable by operators, never executable.
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    return str(value)


def serialize(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), default=_fallback).encode()


def deserialize(data: bytes) -> dict[str, Any]:
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("job payload is not a JSON object")
    return value


def enqueue(
    session: AsyncSession, name: str, *, job_id: str | None = None, defer_seconds: float | None = None, **kwargs: Any
) -> None:
    """Buffer a job on ``session``; it is sent only if the session's transaction commits."""
    json.dumps(kwargs)  # fail now, in the caller, if an argument is not JSON
    session.info.setdefault(_BUFFER_KEY, []).append(JobRequest(name, kwargs, job_id, defer_seconds))


def pending(session: AsyncSession) -> list[JobRequest]:
    return list(session.info.get(_BUFFER_KEY, []))


def discard(session: AsyncSession) -> None:
    session.info.pop(_BUFFER_KEY, None)


async def flush(session: AsyncSession, queue: JobQueue | None) -> None:
    jobs = session.info.pop(_BUFFER_KEY, [])
    if jobs and queue is None:
        raise RuntimeError("jobs were enqueued but no queue is configured")
    for job in jobs:
        assert queue is not None
        await queue.send(job)


class ArqQueue:
    """Sends jobs to arq's Redis queue with JSON serialisation."""

    def __init__(self, redis: Any) -> None:
        self.redis = redis  # an arq.connections.ArqRedis built with serialize/deserialize above

    async def send(self, job: JobRequest) -> bool:
        enqueued = await self.redis.enqueue_job(job.name, _job_id=job.job_id, _defer_by=job.defer_seconds, **job.kwargs)
        return enqueued is not None


async def create_arq_redis(redis_url: str) -> Any:
    """An arq client that connects lazily: an API process starts (and answers 503 on /readyz) without Redis."""
    from arq.connections import ArqRedis

    redis = ArqRedis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5, encoding="utf8")
    redis.job_serializer = serialize
    redis.job_deserializer = deserialize
    return redis
