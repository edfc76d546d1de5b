"""``/v1/events``: what happened to the tenant's objects, newest first (the source of webhooks)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.deposits.schemas import EventRead
from pdp.tenants.deposits.views import event_read
from pdp.tenants.events.models import EventType
from pdp.tenants.events.service import EventRepository
from pdp.web.api.pagination import Limit, ListResponse, StartingAfter
from pdp.web.api.problems import problems


class EventsController(Controller):
    path = "/v1/events"
    tags = ["Webhooks"]

    @get("/", responses=problems(422), summary="List events, newest first")
    async def list(
        self,
        *,
        session: NamedDependency[AsyncSession],
        limit: Limit = 10,
        starting_after: StartingAfter = None,
        event_type: Annotated[EventType | None, QueryParameter(name="type")] = None,
    ) -> ListResponse[EventRead]:
        page = await EventRepository(session).search(event_type=event_type, limit=limit, starting_after=starting_after)
        return ListResponse([event_read(e) for e in page.items], page.has_more)

    @get("/{event_id:str}", responses=problems(404), summary="Retrieve an event")
    async def retrieve(self, event_id: FromPath[str], session: NamedDependency[AsyncSession]) -> EventRead:
        return event_read(await EventRepository(session).get(event_id))
