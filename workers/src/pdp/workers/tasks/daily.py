"""Daily housekeeping, one job per tenant: expire ended mandates, re-hash a sample of the archive, read when the
providers' Chorus Pro passwords expire; and once for the platform, its own Chorus Pro accounts' passwords."""

from __future__ import annotations

from pdp.platform.clock import now
from pdp.platform.db.session import unit_of_work
from pdp.platform.jobs import JobRequest
from pdp.tenants.accounts.repository import active_tenant_ids
from pdp.tenants.archive import service as archive
from pdp.tenants.archive.store import open_archive
from pdp.tenants.mandates import service as mandates
from pdp.workers.registry import JobContext, task
from pdp.workers.tasks.chorus_passwords import PLATFORM_JOB, PROVIDERS_JOB

ARCHIVE_SAMPLE = 50


@task("maintenance.daily", max_tries=3)
async def fan_out_daily(ctx: JobContext) -> int:
    """Queue each tenant's daily jobs; the job ids carry the date, so a second run the same day adds nothing."""
    async with ctx.sessionmaker() as session, session.begin():
        tenants = await active_tenant_ids(session)
    day = now().strftime("%Y%m%d")
    for tenant_id in tenants:
        for name in ("mandates.expire", "archive.verify_sample", PROVIDERS_JOB):
            await ctx.queue.send(JobRequest(name, {"tenant_id": tenant_id}, job_id=f"{name}:{tenant_id}:{day}"))
    await ctx.queue.send(JobRequest(PLATFORM_JOB, {}, job_id=f"{PLATFORM_JOB}:{day}"))
    return len(tenants)


@task("mandates.expire", max_tries=5)
async def expire_mandates(ctx: JobContext, tenant_id: str) -> list[str]:
    async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
        return await mandates.expire_ended(session, now().date())


@task("archive.verify_sample", max_tries=3)
async def verify_archive(ctx: JobContext, tenant_id: str) -> list[str]:
    """Re-hash a random sample; a mismatch is logged as an alarm (archive.integrity_mismatch) and returned."""
    bucket = open_archive(ctx.settings)
    try:
        async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
            report = await archive.verify_sample(session, bucket, ARCHIVE_SAMPLE)
    finally:
        bucket.close()
    return report.mismatched
