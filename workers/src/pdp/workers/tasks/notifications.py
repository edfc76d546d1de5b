"""E-mails to a provider's portal users: their invitation to its team, and the mandate events they asked for."""

from __future__ import annotations

from pdp.platform.db.session import unit_of_work
from pdp.tenants.accounts.user_invitations import INVITE_JOB, send_invitation
from pdp.tenants.notifications.service import send_mandate_email
from pdp.tenants.notifications.staging import MANDATE_EMAIL_JOB
from pdp.workers.registry import JobContext, task


@task(INVITE_JOB, max_tries=8)
async def invite_user(ctx: JobContext, tenant_id: str, invitation_id: str, invited_by: str) -> str:
    """E-mail an invitation to a provider's team (staged by the invitation)."""
    async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
        return await send_invitation(session, ctx.settings, invitation_id, invited_by)


@task(MANDATE_EMAIL_JOB, max_tries=8)
async def email_mandate_event(ctx: JobContext, tenant_id: str, event_id: str) -> str:
    """The e-mails about a mandate's activation, revocation or expiry (staged with the event)."""
    async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
        return await send_mandate_email(session, ctx.settings, event_id)
