"""Submission and tracking jobs (thin adapters over :func:`pdp.tenants.deposits.pipeline.advance` and
:func:`pdp.tenants.deposits.tracking.track`), and the provider's e-mail about each status change."""

from __future__ import annotations

from pdp.platform.clock import now
from pdp.platform.db.session import unit_of_work
from pdp.platform.jobs import JobRequest
from pdp.tenants.deposits.pipeline import advance
from pdp.tenants.deposits.repository import claim_due
from pdp.tenants.deposits.tracking import track
from pdp.tenants.notifications.service import send_status_email
from pdp.workers.registry import JobContext, task

SWEEP_BATCH = 500
TRACK_BATCH = 200  # invoices of one tenant followed by one job: its feed, histories and one transaction


@task("invoices.submit", max_tries=5)
async def submit(ctx: JobContext, tenant_id: str, invoice_id: str) -> str:
    """Relayed from the outbox right after the deposit committed: the fast path to Chorus."""
    assert ctx.pipeline is not None
    return await advance(ctx.pipeline, tenant_id, invoice_id)


@task("invoices.advance", max_tries=5)
async def advance_one(ctx: JobContext, tenant_id: str, invoice_id: str) -> str:
    assert ctx.pipeline is not None
    return await advance(ctx.pipeline, tenant_id, invoice_id)


@task("invoices.sweep", max_tries=1)
async def sweep(ctx: JobContext) -> int:
    """Every few seconds: queue the invoices whose next check is due (deposit, reconcile, or status poll).

    This is what makes the pipeline survive a lost Redis, a killed worker or a dropped job: the database says
    what is due, and the claim's lease brings an invoice back if its job never finishes.
    """
    async with ctx.sessionmaker() as session, session.begin():
        # The lease outlasts one advance (a Chorus call times out in 30 s by default).
        due = await claim_due(session, SWEEP_BATCH, ctx.settings.invoice_sweep_lease_seconds)
    stamp = now().strftime("%Y%m%d%H%M%S")
    followed: dict[str, list[str]] = {}
    for one in due:
        if one.status == "queued":  # a deposit: one job each, they run side by side
            payload = {"tenant_id": one.tenant_id, "invoice_id": one.invoice_id}
            await ctx.queue.send(JobRequest("invoices.advance", payload, f"advance:{one.invoice_id}:{stamp}"))
        else:
            followed.setdefault(one.tenant_id, []).append(one.invoice_id)
    for tenant_id, invoice_ids in followed.items():
        for start in range(0, len(invoice_ids), TRACK_BATCH):
            chunk = invoice_ids[start : start + TRACK_BATCH]
            round_of = {"tenant_id": tenant_id, "invoice_ids": chunk}
            await ctx.queue.send(JobRequest("invoices.track", round_of, f"track:{tenant_id}:{chunk[0]}:{stamp}"))
    return len(due)


@task("invoices.track", max_tries=5)
async def track_some(ctx: JobContext, tenant_id: str, invoice_ids: list[str]) -> str:
    """One round of tracking for a tenant's due invoices: a feed per account, histories of what changed."""
    assert ctx.pipeline is not None
    done = await track(ctx.pipeline, tenant_id, invoice_ids)
    return f"{done.invoices} followed, {done.changed} changed, {done.stalled} stalled"


@task("notifications.invoice_status", max_tries=8)
async def email_status(ctx: JobContext, tenant_id: str, event_id: str) -> str:
    """The provider's e-mail about one status change (staged by the change itself, relayed by the outbox)."""
    async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
        return await send_status_email(session, ctx.settings, event_id)
