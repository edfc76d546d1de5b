"""A mandate's invitation: the e-mail pdp sends the provider's contact (staged by the creation or a resend)."""

from __future__ import annotations

from pdp.platform.db.session import unit_of_work
from pdp.tenants.mandates.invitations import send_invitation
from pdp.tenants.mandates.service import INVITE_JOB
from pdp.workers.registry import JobContext, task


@task(INVITE_JOB, max_tries=8)
async def invite(ctx: JobContext, tenant_id: str, mandate_id: str) -> str:
    async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
        return await send_invitation(session, ctx.settings, mandate_id)
