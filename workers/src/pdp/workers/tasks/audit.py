"""Audit checkpoints: a cron fans out one job per tenant that anchors its chain heads in the Object Lock archive."""

from __future__ import annotations

from typing import Any

from pdp.platform.audit_anchor import AuditKeys
from pdp.platform.clock import now
from pdp.platform.jobs import ArqQueue, JobRequest
from pdp.platform.logging import get_logger
from pdp.platform.ops_tallies import record_checkpoint
from pdp.tenants.accounts.repository import active_tenant_ids
from pdp.tenants.archive.audit_checkpoints import AuditTrailTampered, write_checkpoint
from pdp.tenants.archive.store import open_archive
from pdp.workers.registry import JobContext, task

CHECKPOINT_ALL = "audit.checkpoint_all"
CHECKPOINT = "audit.checkpoint"
CHECKPOINT_MINUTES = 10  # the window in which a rewrite of the newest events is caught by the chain alone
log = get_logger("pdp.workers.audit")


@task(CHECKPOINT_ALL, max_tries=1)
async def checkpoint_all(ctx: JobContext) -> int:
    """Queue one checkpoint per active tenant; the job id names the period, so a second run in it adds nothing."""
    if not ctx.settings.master_keys.strip():
        log.warning("audit.checkpoints_off", reason="PDP_MASTER_KEYS is not set: no key to sign checkpoints")
        return 0
    async with ctx.sessionmaker() as session, session.begin():
        tenants = await active_tenant_ids(session)
    period = now().strftime("%Y%m%d%H%M")
    for tenant_id in tenants:
        await ctx.queue.send(
            JobRequest(CHECKPOINT, {"tenant_id": tenant_id}, job_id=f"{CHECKPOINT}:{tenant_id}:{period}")
        )
    return len(tenants)


@task(CHECKPOINT, max_tries=3)
async def checkpoint(ctx: JobContext, tenant_id: str) -> str | None:
    """Anchor one tenant's heads; the checkpoint's time, or None when nothing changed since the last one."""
    keys = AuditKeys(ctx.settings.master_keys)
    bucket = open_archive(ctx.settings)
    # The outcome goes to the operations view's tally, in the queue's Redis (a test's recording queue has none).
    redis = ctx.queue.redis if isinstance(ctx.queue, ArqQueue) else None
    try:
        written = await write_checkpoint(
            ctx.sessionmaker, tenant_id, bucket, keys, retention_days=ctx.settings.archive_retention_days
        )
    except AuditTrailTampered as exc:
        await _tally(redis, tenant_id, "refused", exc.detail)
        raise
    except Exception as exc:
        await _tally(redis, tenant_id, "failed", type(exc).__name__)  # retried: the next try overwrites it
        raise
    finally:
        bucket.close()
    await _tally(redis, tenant_id, "written" if written else "unchanged")
    return written.taken_at.isoformat() if written else None


async def _tally(redis: Any, tenant_id: str, outcome: str, detail: str = "") -> None:
    if redis is not None:
        await record_checkpoint(redis, tenant_id, outcome, detail)
