"""Chorus Pro's copy of the invoices it holds, archived as their documents (pdp.tenants.deposits.chorus_copies):
a cron every :data:`EVERY_MINUTES` minutes takes a few hundred invoices without one, a call per technical account
for up to 25 of them at a time."""

from __future__ import annotations

from pdp.tenants.deposits.chorus_copies import archive_copies
from pdp.workers.registry import JobContext, task

ARCHIVE_COPIES = "invoices.archive_chorus_copies"
EVERY_MINUTES = 10
TIMEOUT_SECONDS = 300  # a few hundred copies, a dozen calls: well under; a run cut short resumes at the next


@task(ARCHIVE_COPIES, max_tries=1, timeout_seconds=TIMEOUT_SECONDS)
async def archive_chorus_copies(ctx: JobContext) -> int:
    """The number of copies archived. Idempotent: an invoice with a copy is never asked for again."""
    if ctx.pipeline is None:
        return 0
    report = await archive_copies(ctx.pipeline, retention_days=ctx.settings.archive_retention_days)
    return len(report.archived)
