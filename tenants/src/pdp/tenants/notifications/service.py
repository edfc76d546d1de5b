"""Sending the provider its status e-mails: staged with the status change, sent by a job after commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.mail.client import open_mailer
from pdp.platform import outbox
from pdp.platform.settings import Settings
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.events.service import EventRepository
from pdp.tenants.notifications.emails import LABELS, status_email
from pdp.tenants.providers.repository import ProviderRepository

EMAIL_JOB = "notifications.invoice_status"


def stage_status_email(session: AsyncSession, status: str, event_id: str) -> None:
    """In the status change's own transaction: the e-mail goes out iff the change committed."""
    if status in LABELS:
        outbox.add(session, EMAIL_JOB, event_id=event_id)


async def send_status_email(session: AsyncSession, settings: Settings, event_id: str) -> str:
    """Send the e-mail for one ``invoice.status_changed`` event (at least once: a crash mid-send may repeat it)."""
    mailer = open_mailer(settings)
    if mailer is None:
        return "mail off"
    event = await EventRepository(session).get(event_id)
    invoice = await InvoiceRepository(session).get(event.subject_id)
    provider = await ProviderRepository(session).get(invoice.provider_id)
    tenant = await TenantsRepository(session).current()
    status = str(event.data["status"])
    await mailer.send(status_email(invoice, provider, tenant_name=tenant.name, status=status, detail=event.data))
    return "sent"
