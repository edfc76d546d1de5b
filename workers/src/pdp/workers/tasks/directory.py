"""Keeping the recipients directory fresh: an hourly sweep fans out one refresh job per stale SIRET."""

from __future__ import annotations

from pdp.platform.clock import now
from pdp.platform.jobs import JobRequest
from pdp.tenants.directory.service import open_directory
from pdp.workers.registry import JobContext, task

SWEEP_LIMIT = 500


@task("directory.refresh_stale", max_tries=1)
async def refresh_stale(ctx: JobContext) -> int:
    """Enqueue a refresh for the stalest recipients (bounded per run; the next sweep takes the rest)."""
    if ctx.chorus is None:
        return 0
    directory = open_directory(ctx.sessionmaker, ctx.chorus, ctx.settings.directory_ttl_hours)
    sirets = await directory.stale(SWEEP_LIMIT)
    hour = now().strftime("%Y%m%d%H")
    for siret in sirets:
        # One job id per SIRET and hour: overlapping sweeps or a second worker don't queue the same refresh twice.
        await ctx.queue.send(
            JobRequest("directory.refresh", {"siret": siret}, job_id=f"directory.refresh:{siret}:{hour}")
        )
    return len(sirets)


@task("directory.refresh", max_tries=5)
async def refresh(ctx: JobContext, siret: str) -> bool:
    """Re-read one recipient from Chorus Pro; True when Chorus still knows it. Idempotent: it only overwrites."""
    directory = open_directory(ctx.sessionmaker, ctx.chorus, ctx.settings.directory_ttl_hours)
    return await directory.refresh(siret) is not None
