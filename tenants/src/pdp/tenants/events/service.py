"""Recording events. Callers own the transaction: an event exists exactly when the change it reports committed,
and so do its webhook deliveries, staged in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.db.repository import Page, TenantRepository
from pdp.tenants.events.models import Event
from pdp.tenants.webhooks.service import fan_out


class EventRepository(TenantRepository[Event]):
    model = Event

    async def of_subject(self, subject_id: str) -> list[Event]:
        query = self.select().where(Event.subject_id == subject_id).order_by(Event.id)
        return list((await self.session.execute(query)).scalars())

    async def search(self, *, event_type: str | None, limit: int, starting_after: str | None) -> Page[Event]:
        query = self.select()
        if event_type:
            query = query.where(Event.type == event_type)
        return await self.page(query, limit=limit, starting_after=starting_after)


async def emit(
    session: AsyncSession, event_type: str, subject_id: str, data: dict[str, Any], *, flush: bool = True
) -> Event:
    """Record the event and stage its delivery to every webhook endpoint subscribed to ``event_type`` (the event
    is flushed unless ``flush`` is False)."""
    event = await EventRepository(session).add(
        Event(id=ids.new_id("event"), type=event_type, subject_id=subject_id, data=data), flush=flush
    )
    await fan_out(session, event)
    return event
