"""Audit checkpoints: a cron fans out one job per tenant and period; the job anchors the heads in the archive."""

from __future__ import annotations

import dataclasses

from pdp.platform import jobs
from pdp.platform.audit_anchor import AuditKeys
from pdp.platform.db.session import unit_of_work
from pdp.platform.ops_tallies import checkpoint_runs
from pdp.platform.settings import Settings
from pdp.tenants.archive.audit_checkpoints import PREFIX, verify_tenant
from pdp.tenants.archive.store import open_archive
from pdp.workers.app import create_worker
from pdp.workers.registry import JobContext
from pdp.workers.tasks import audit
from tests.conftest import TenantFixture


async def test_the_fan_out_queues_one_checkpoint_per_tenant_and_period(ctx: JobContext, tenant: TenantFixture) -> None:
    assert isinstance(ctx.queue, jobs.ArqQueue)
    first = await audit.checkpoint_all(ctx)
    assert first >= 1
    assert await audit.checkpoint_all(ctx) == first
    assert len(await ctx.queue.redis.keys(f"arq:job:{audit.CHECKPOINT}:{tenant.id}:*")) == 1  # deduplicated


async def test_without_master_keys_nothing_is_queued(ctx: JobContext) -> None:
    assert (
        await audit.checkpoint_all(dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, master_keys="")))
        == 0
    )


async def test_the_job_anchors_the_heads_once(ctx: JobContext, tenant: TenantFixture) -> None:
    assert isinstance(ctx.queue, jobs.ArqQueue)
    taken = await audit.checkpoint(ctx, tenant_id=tenant.id)
    assert taken is not None
    assert await _last_run(ctx, tenant.id) == "written"  # what the console's operations view shows
    assert await audit.checkpoint(ctx, tenant_id=tenant.id) is None  # nothing new since
    assert await _last_run(ctx, tenant.id) == "unchanged"
    bucket = open_archive(ctx.settings)
    try:
        [key] = await bucket.first_keys(f"{PREFIX}{tenant.id}/", 10)
        # Locked as the archive's documents are: the database owner's rewrite cannot reach it.
        head = bucket._client.head_object(Bucket=bucket.bucket, Key=key)
        assert head.get("ObjectLockMode") == ctx.settings.archive_lock_mode and head.get("ObjectLockRetainUntilDate")
        async with unit_of_work(ctx.sessionmaker, tenant_id=tenant.id) as session:
            report = await verify_tenant(session, bucket, AuditKeys(ctx.settings.master_keys))
    finally:
        bucket.close()
    assert report.ok and report.checkpoint is not None and report.checkpoint.taken_at.isoformat() == taken


async def _last_run(ctx: JobContext, tenant_id: str) -> str:
    assert isinstance(ctx.queue, jobs.ArqQueue)
    return next(run.outcome for run in await checkpoint_runs(ctx.queue.redis) if run.tenant_id == tenant_id)


def test_the_worker_runs_the_checkpoint_cron(settings: Settings) -> None:
    worker = create_worker(settings, burst=True, handle_signals=False)
    assert f"cron:{audit.CHECKPOINT_ALL}" in {job.name for job in worker.cron_jobs}
