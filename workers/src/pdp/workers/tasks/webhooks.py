"""Webhook jobs: deliver one (from the outbox or the sweep), and the sweep that finds due retries."""

from __future__ import annotations

from datetime import datetime

from pdp.platform.errors import ServiceUnavailable
from pdp.platform.jobs import JobRequest
from pdp.tenants.webhooks.delivery import LEASE, WebhookSender, deliver
from pdp.tenants.webhooks.repository import claim_due
from pdp.workers.registry import JobContext, task

SWEEP_BATCH = 500


def _sender(ctx: JobContext) -> WebhookSender:
    if ctx.webhooks is None:
        raise ServiceUnavailable("this worker has no webhook sender")
    return ctx.webhooks


@task("webhooks.deliver", max_tries=3)
async def deliver_one(ctx: JobContext, tenant_id: str, delivery_id: str, claimed_until: str | None = None) -> str:
    """One attempt, if due (outbox) or claimed for this job (sweep); failures are scheduled in the database."""
    lease = datetime.fromisoformat(claimed_until) if claimed_until else None
    return await deliver(_sender(ctx), tenant_id, delivery_id, claimed_until=lease)


@task("webhooks.sweep", max_tries=1)
async def sweep(ctx: JobContext) -> int:
    """Every few seconds: claim the deliveries whose next attempt is due and queue one job for each.

    The database holds the retry schedule, so a lost Redis, a killed worker or a dropped job delays a delivery
    by one lease at most; it never loses it.
    """
    async with ctx.sessionmaker() as session, session.begin():
        due = await claim_due(session, SWEEP_BATCH, int(LEASE.total_seconds()))
    for tenant_id, delivery_id, claimed_until in due:
        kwargs = {"tenant_id": tenant_id, "delivery_id": delivery_id, "claimed_until": claimed_until.isoformat()}
        job_id = f"webhooks.deliver:{delivery_id}:{claimed_until:%Y%m%d%H%M%S%f}"
        await ctx.queue.send(JobRequest("webhooks.deliver", kwargs, job_id))
    return len(due)
