"""Housekeeping jobs: the outbox relay, and purging what has expired."""

from __future__ import annotations

from pdp.platform import outbox
from pdp.workers.registry import JobContext, task

RELAY_BATCHES_PER_RUN = 50


@task("outbox.relay", max_tries=1)
async def relay_outbox(ctx: JobContext) -> int:
    """Relay due outbox rows until none is left (bounded, so one run never holds the worker for long)."""
    total = 0
    for _ in range(RELAY_BATCHES_PER_RUN):
        sent = await outbox.relay_once(ctx.sessionmaker, ctx.queue)
        total += sent
        if sent == 0:
            break
    return total


@task("maintenance.purge_expired", max_tries=3)
async def purge_expired(ctx: JobContext) -> int:
    """Expired idempotency keys and long-relayed outbox rows, batch by batch (bounded per run)."""
    total = 0
    for _ in range(RELAY_BATCHES_PER_RUN):
        deleted = await outbox.purge_expired(ctx.sessionmaker)
        total += deleted
        if deleted == 0:
            break
    return total
