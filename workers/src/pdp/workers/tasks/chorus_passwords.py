"""Chorus Pro technical accounts' passwords, daily (pdp.tenants.providers.chorus_password): each tenant's
providers' own accounts, the platform's accounts, and the e-mail a provider's contact gets about its own."""

from __future__ import annotations

from pdp.platform.clock import now
from pdp.platform.db.session import unit_of_work
from pdp.platform.security.envelope import Envelope
from pdp.tenants.notifications.chorus_password import send_password_email
from pdp.tenants.notifications.staging import PASSWORD_EMAIL_JOB
from pdp.tenants.providers import chorus_password as passwords
from pdp.workers.registry import JobContext, task

PROVIDERS_JOB = "providers.chorus_passwords"
PLATFORM_JOB = "chorus.platform_passwords"


@task(PROVIDERS_JOB, max_tries=3)
async def check_provider_passwords(ctx: JobContext, tenant_id: str) -> list[str]:
    """Read each provider's password expiry (outside any transaction: Chorus may be slow), record it, warn once per
    threshold; returns ``provider_id:notice`` of the warnings sent. A provider Chorus cannot answer for today is
    still weighed on the date pdp already has."""
    if ctx.chorus is None:
        return []
    # Production when configured: a supplier's real account lives there (as for the identity proof).
    client = ctx.chorus.reference.client
    async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
        targets = await passwords.accounts_to_read(session, Envelope(ctx.settings.master_keys))
    sent = []
    for target in targets:
        reading = await passwords.read_or_keep(
            client,
            target.account,
            siret=target.siret,
            spend_as=tenant_id,
            unread="chorus.password_unread",
            tenant_id=tenant_id,
            provider_id=target.provider_id,
        )
        async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
            notice = await passwords.record_provider(
                session, target, reading, now=now(), warning_days=ctx.settings.chorus_password_warning_days
            )
        if notice is not None:
            sent.append(f"{target.provider_id}:{notice}")
    return sent


@task(PLATFORM_JOB, max_tries=3)
async def check_platform_passwords(ctx: JobContext) -> list[str]:
    """The platform's own account of each environment; returns ``mode:notice`` of the warnings logged."""
    if ctx.chorus is None:
        return []
    sent = []
    for mode, environment in ctx.chorus.environments.items():
        account = environment.platform_account
        reading = await passwords.read_or_keep(
            environment.client,
            account,
            siret=None,
            spend_as="platform",
            unread="chorus.platform_password_unread",
            mode=mode,
        )
        async with unit_of_work(ctx.sessionmaker) as session:
            notice = await passwords.record_platform(
                session, mode, account, reading, now=now(), warning_days=ctx.settings.chorus_password_warning_days
            )
        if notice is not None:
            sent.append(f"{mode}:{notice}")
    return sent


@task(PASSWORD_EMAIL_JOB, max_tries=8)
async def email_password_event(ctx: JobContext, tenant_id: str, event_id: str) -> str:
    """The e-mail to a provider's contact about its account's password (staged with the event)."""
    async with unit_of_work(ctx.sessionmaker, tenant_id=tenant_id) as session:
        return await send_password_email(session, ctx.settings, event_id)
