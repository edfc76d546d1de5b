"""Recording events. Callers own the transaction: an event exists exactly when the change it reports committed,
and so do its webhook deliveries and its e-mails, staged in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.db.repository import Page, TenantRepository
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.events.models import Event
from pdp.tenants.mandates.models import Mandate
from pdp.tenants.notifications.staging import stage_event_email
from pdp.tenants.webhooks.service import fan_out


class EventRepository(TenantRepository[Event]):
    model = Event

    @classmethod
    def of_providers(cls, providers: frozenset[str]) -> ColumnElement[bool]:
        # An event names its subject only: a provider's events are those of the provider, its invoices and its
        # mandates (the row-level security policy on events says the same). Each subject is looked up by its
        # primary key (EXISTS, correlated): "subject_id IN (SELECT id FROM invoices WHERE provider_id …)" under an
        # OR is a hashed subplan, which reads every invoice of the provider to show one invoice's three events.
        invoice = select(InvoiceRecord.id).where(
            InvoiceRecord.tenant_id == Event.tenant_id,
            InvoiceRecord.id == Event.subject_id,
            InvoiceRecord.provider_id.in_(providers),
        )
        mandate = select(Mandate.id).where(
            Mandate.tenant_id == Event.tenant_id, Mandate.id == Event.subject_id, Mandate.provider_id.in_(providers)
        )
        return or_(Event.subject_id.in_(providers), invoice.exists(), mandate.exists())

    async def of_subject(self, subject_id: str) -> list[Event]:
        query = self.select().where(Event.subject_id == subject_id).order_by(Event.id)
        return list((await self.session.execute(query)).scalars())

    async def latest_about(self, subject_id: str, event_type: str) -> Event | None:
        query = self.select().where(Event.subject_id == subject_id, Event.type == event_type)
        return (await self.session.execute(query.order_by(Event.id.desc()).limit(1))).scalar_one_or_none()

    async def search(self, *, event_type: str | None, limit: int, starting_after: str | None) -> Page[Event]:
        query = self.select()
        if event_type:
            query = query.where(Event.type == event_type)
        return await self.page(query, limit=limit, starting_after=starting_after)


async def emit(
    session: AsyncSession, event_type: str, subject_id: str, data: dict[str, Any], *, flush: bool = True
) -> Event:
    """Record the event and stage its delivery to every webhook endpoint subscribed to ``event_type`` and, for a
    mandate's, the e-mail to its provider's users who asked (the event is flushed unless ``flush`` is False)."""
    event = await EventRepository(session).add(
        Event(id=ids.new_id("event"), type=event_type, subject_id=subject_id, data=data), flush=flush
    )
    await fan_out(session, event)
    stage_event_email(session, event_type, event.id)
    return event
