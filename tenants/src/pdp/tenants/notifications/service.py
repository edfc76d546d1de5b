"""Sending the e-mails about a provider's invoices and mandates: staged with the change, sent by a job after commit.

An invoice's status e-mail goes to the provider's contact e-mail (``providers.email``, the contact of record the
tenant declared: it gets every one, as before the portal existed) and to each active portal user of the provider
whose notification choices (:mod:`pdp.tenants.notifications.preferences`) include that status; a mandate's e-mail
only to the users who asked for those. An address is written to once per change however many ways it qualifies
(compared without case), and each recipient gets a message of their own, addressed to them.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.mail.client import open_mailer
from pdp.platform import outbox
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.callers import PortalRole
from pdp.platform.settings import Settings
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.accounts.team_repository import TeamRepository
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.events.service import EventRepository
from pdp.tenants.mandates.repository import MandateRepository
from pdp.tenants.notifications.emails import LABELS, mandate_email, status_email
from pdp.tenants.notifications.preferences import Choices, choices_of
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository

EMAIL_JOB = "notifications.invoice_status"
MAILER = Actor("system", EMAIL_JOB)


def stage_status_email(session: AsyncSession, status: str, event_id: str) -> None:
    """In the status change's own transaction: the e-mail goes out iff the change committed."""
    if status in LABELS:
        outbox.add(session, EMAIL_JOB, event_id=event_id)


async def users_who_want(session: AsyncSession, provider_id: str, wants: Callable[[Choices], bool]) -> list[str]:
    """The e-mail addresses of the provider's active portal users whose choices (or role's defaults) ``wants``."""
    return [
        user.email
        for user, membership in await TeamRepository(session).members_of(provider_id)
        if user.status == "active" and wants(choices_of(user.notifications, PortalRole(membership.role)))
    ]


def deduplicated(addresses: list[str]) -> list[str]:
    """Each address once, the first spelling kept, in order."""
    seen: set[str] = set()
    kept = []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            kept.append(address)
    return kept


def preferences_url(settings: Settings, tenant_id: str) -> str:
    return f"{settings.public_url.rstrip('/')}/portal/{tenant_id}/notifications"


async def status_recipients(session: AsyncSession, provider: Provider, status: str) -> list[str]:
    """Who hears of ``status``: the contact of record first, then the users who asked."""
    users = await users_who_want(session, provider.id, lambda choices: choices.wants_status(status))
    return deduplicated([provider.email, *users])


async def send_status_email(session: AsyncSession, settings: Settings, event_id: str) -> str:
    """Send the e-mails for one ``invoice.status_changed`` event (at least once: a crash mid-send may repeat
    them)."""
    mailer = open_mailer(settings)
    if mailer is None:
        return "mail off"
    event = await EventRepository(session).get(event_id)
    invoice = await InvoiceRepository(session).get(event.subject_id)
    provider = await ProviderRepository(session).get(invoice.provider_id)
    tenant = await TenantsRepository(session).current()
    status = str(event.data["status"])
    recipients = await status_recipients(session, provider, status)
    for address in recipients:
        is_contact = address.lower() == provider.email.lower()
        await mailer.send(
            status_email(
                invoice,
                provider,
                tenant_name=tenant.name,
                status=status,
                detail=event.data,
                to=address,
                preferences_url=None if is_contact else preferences_url(settings, tenant.id),
            )
        )
    # On the invoice's record, for support ("I never got the e-mail": it went to whom, when). A retried job
    # that sends again records again: what is written is what was sent.
    await AuditRepository(session).append(
        MAILER,
        "invoice.email_sent",
        "invoice",
        invoice.id,
        {"status": status, "event_id": event.id, "to": ", ".join(recipients)},
    )
    return "sent"


async def send_mandate_email(session: AsyncSession, settings: Settings, event_id: str) -> str:
    """Send the e-mails for one mandate event to the provider's users who asked for them."""
    mailer = open_mailer(settings)
    if mailer is None:
        return "mail off"
    event = await EventRepository(session).get(event_id)
    mandate = await MandateRepository(session).get(event.subject_id)
    provider = await ProviderRepository(session).get(mandate.provider_id)
    recipients = deduplicated(await users_who_want(session, provider.id, lambda choices: choices.mandate_events))
    if not recipients:
        return "nobody asked"
    tenant = await TenantsRepository(session).current()
    for address in recipients:
        await mailer.send(
            mandate_email(
                mandate,
                provider,
                tenant_name=tenant.name,
                event_type=event.type,
                to=address,
                preferences_url=preferences_url(settings, tenant.id),
            )
        )
    return "sent"
