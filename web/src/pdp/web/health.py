"""``/healthz`` (the process is alive) and ``/readyz`` (database, Redis and S3 answer)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency
from sqlalchemy import text

from pdp.web.resources import Resources

CHECK_TIMEOUT = 2.0


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _timed(check: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except Exception as exc:  # any failure means "not ready"; the reason is for operators
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


@get("/readyz", include_in_schema=False)
async def readyz(resources: NamedDependency[Resources]) -> Response[dict[str, Any]]:
    async def database() -> None:
        async with resources.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def redis() -> None:
        await resources.redis.ping()

    checks = dict(
        zip(
            ("database", "redis", "s3"),
            await asyncio.gather(_timed(database), _timed(redis), _timed(resources.archive.ping)),
            strict=True,
        )
    )
    ready = all(c["ok"] for c in checks.values())
    return Response(
        {"status": "ready" if ready else "unavailable", "checks": checks}, status_code=200 if ready else 503
    )
