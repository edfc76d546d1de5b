"""The portal's e-mails: a sign-in link, asked for on the sign-in page and relayed by the outbox."""

from __future__ import annotations

from pdp.tenants.accounts.sign_in import LINK_JOB
from pdp.tenants.accounts.sign_in_links import email_sign_in_link
from pdp.workers.registry import JobContext, task


@task(LINK_JOB, max_tries=8)
async def sign_in_link(ctx: JobContext, tenant_id: str, email: str, suite: str = "") -> str:
    return await email_sign_in_link(ctx.sessionmaker, ctx.settings, tenant_id, email, suite)
