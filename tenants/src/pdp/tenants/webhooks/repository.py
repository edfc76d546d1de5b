"""SQL for webhook endpoints, deliveries and attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import any_, func, literal, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.db.repository import Page, TenantRepository
from pdp.tenants.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

ALL_EVENTS = "*"


class EndpointRepository(TenantRepository[WebhookEndpoint]):
    model = WebhookEndpoint

    async def find_live(self, endpoint_id: str, *, for_update: bool = False) -> WebhookEndpoint | None:
        """The endpoint unless it was deleted (a deleted endpoint is gone for the Partner API); ``for_update``:
        its row locked until commit and its columns read afresh, for a change that depends on them."""
        if not for_update:
            endpoint = await self.find(endpoint_id)
        elif ids.is_well_formed(endpoint_id):
            query = self.select().where(WebhookEndpoint.id == endpoint_id).with_for_update()
            found = await self.session.execute(query.execution_options(populate_existing=True))
            endpoint = found.scalar_one_or_none()
        else:
            endpoint = None
        return endpoint if endpoint is not None and endpoint.deleted_at is None else None

    async def live_page(self, *, limit: int, starting_after: str | None) -> Page[WebhookEndpoint]:
        query = self.select().where(WebhookEndpoint.deleted_at.is_(None))
        return await self.page(query, limit=limit, starting_after=starting_after)

    async def count_live(self) -> int:
        query = select(func.count()).select_from(self.select().where(WebhookEndpoint.deleted_at.is_(None)).subquery())
        return int((await self.session.execute(query)).scalar_one())

    async def subscribed_to(self, event_type: str) -> list[WebhookEndpoint]:
        query = self.select().where(
            WebhookEndpoint.deleted_at.is_(None),
            or_(
                literal(event_type) == any_(WebhookEndpoint.events),
                literal(ALL_EVENTS) == any_(WebhookEndpoint.events),
            ),
        )
        return list((await self.session.execute(query)).scalars())


class DeliveryRepository(TenantRepository[WebhookDelivery]):
    model = WebhookDelivery

    async def for_update(self, delivery_id: str) -> WebhookDelivery:
        """Locked: the claim before an attempt and the record after it never interleave for one delivery."""
        query = self.select().where(WebhookDelivery.id == delivery_id).with_for_update()
        found = await self.session.execute(query.execution_options(populate_existing=True))
        delivery = found.scalar_one_or_none()
        if delivery is None:
            return await self.get(delivery_id)  # raises NotFound
        return delivery

    async def of_endpoint(
        self, endpoint_id: str, *, status: str | None, limit: int, starting_after: str | None
    ) -> Page[WebhookDelivery]:
        query = self.select().where(WebhookDelivery.endpoint_id == endpoint_id)
        if status is not None:
            query = query.where(WebhookDelivery.status == status)
        return await self.page(query, limit=limit, starting_after=starting_after)

    async def cancel_pending(self, endpoint_id: str) -> int:
        statement = (
            update(WebhookDelivery)
            .where(
                WebhookDelivery.tenant_id == self.tenant_id,
                WebhookDelivery.endpoint_id == endpoint_id,
                WebhookDelivery.status == "pending",
            )
            .values(status="canceled", next_attempt_at=None)
        )
        result = await self.session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def add_all(self, deliveries: Sequence[WebhookDelivery]) -> None:
        self.session.add_all(deliveries)
        await self.session.flush()


class AttemptRepository(TenantRepository[WebhookAttempt]):
    model = WebhookAttempt

    async def of_deliveries(self, delivery_ids: Sequence[str]) -> dict[str, list[WebhookAttempt]]:
        """Every attempt of these deliveries, oldest first, by delivery id (one query for a whole page)."""
        found: dict[str, list[WebhookAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
        if not delivery_ids:
            return found
        query = self.select().where(WebhookAttempt.delivery_id.in_(delivery_ids)).order_by(WebhookAttempt.id)
        for attempt in (await self.session.execute(query)).scalars():
            found[attempt.delivery_id].append(attempt)
        return found


async def claim_due(session: AsyncSession, batch: int, lease_seconds: int) -> list[tuple[str, str, datetime]]:
    """(tenant_id, delivery_id, claimed_until) of due deliveries, fairly across tenants, leased until then."""
    rows = await session.execute(
        text("SELECT tenant_id, id, claimed_until FROM pdp_webhook_deliveries_claim_due(:batch, :lease)"),
        {"batch": batch, "lease": lease_seconds},
    )
    return [(row.tenant_id, row.id, row.claimed_until) for row in rows]
