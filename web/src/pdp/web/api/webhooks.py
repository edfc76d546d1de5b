"""Webhook endpoints, their delivery log, and replay (docs/api.md § Webhooks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.openapi.spec import Operation, RequestBody
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.accounts.service import Principal
from pdp.tenants.webhooks import egress, service
from pdp.tenants.webhooks.repository import EndpointRepository
from pdp.tenants.webhooks.schemas import (
    DeliveryStatus,
    WebhookDeliveryRead,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointRead,
    WebhookSecretRotation,
)
from pdp.web.api.pagination import Limit, ListResponse, StartingAfter
from pdp.web.api.problems import problems
from pdp.web.replay import SHOWS_ROTATED_SECRET, SHOWS_SECRET
from pdp.web.resources import Resources
from pdp.web.scopes import ADMIN_ONLY

SIGNATURE_HELP = (
    "Each delivery is a POST of the event (`{id, type, created_at, data}`) with `PDP-Signature: t=<unix seconds>,"
    'v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` and `PDP-Event-Id`. Any 2xx within the timeout counts as '
    "delivered; anything else is retried with exponential backoff for about three days. Delivery is at least "
    "once: dedupe on the event id."
)


@dataclass
class OptionalBodyOperation(Operation):
    """Documents the handler's body as optional: Litestar marks a ``data`` parameter required even with a default."""

    def __post_init__(self) -> None:
        if isinstance(self.request_body, RequestBody):
            self.request_body.required = False


class WebhookEndpointDeleted(msgspec.Struct):
    id: str
    deleted: bool = True
    object: str = "webhook_endpoint"


class WebhooksController(Controller):
    path = "/v1"
    tags = ["Webhooks"]

    @post(
        "/webhook-endpoints",
        responses=problems(400, 409, 422),
        summary="Register a webhook endpoint (the signing secret is shown once)",
        description=SIGNATURE_HELP + " The secret is in this answer only: an Idempotency-Key replay answers 409 "
        "`idempotency_replay_unavailable` with the endpoint's id instead.",
        opt=ADMIN_ONLY | SHOWS_SECRET,
    )
    async def create(
        self,
        data: JSONBody[WebhookEndpointCreate],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> WebhookEndpointCreated:
        settings = resources.settings
        endpoint, secret = await service.create_endpoint(
            session,
            data,
            resources.require_envelope(),
            principal.actor,
            https_only=settings.environment == "production",
            allow_private=egress.private_addresses_allowed(settings),
        )
        return WebhookEndpointCreated(**msgspec.structs.asdict(service.endpoint_read(endpoint)), secret=secret)

    @get("/webhook-endpoints", responses=problems(422), summary="List webhook endpoints, newest first")
    async def list(
        self, *, session: NamedDependency[AsyncSession], limit: Limit = 10, starting_after: StartingAfter = None
    ) -> ListResponse[WebhookEndpointRead]:
        page = await EndpointRepository(session).live_page(limit=limit, starting_after=starting_after)
        return ListResponse([service.endpoint_read(e) for e in page.items], page.has_more)

    @get("/webhook-endpoints/{endpoint_id:str}", responses=problems(404), summary="Retrieve a webhook endpoint")
    async def retrieve(self, endpoint_id: FromPath[str], session: NamedDependency[AsyncSession]) -> WebhookEndpointRead:
        return service.endpoint_read(await service.get_endpoint(session, endpoint_id))

    @delete(
        "/webhook-endpoints/{endpoint_id:str}",
        status_code=200,
        responses=problems(404),
        summary="Delete a webhook endpoint",
        description="Nothing more is sent to it; its pending deliveries are canceled.",
        opt=ADMIN_ONLY,
    )
    async def remove(
        self, endpoint_id: FromPath[str], session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]
    ) -> WebhookEndpointDeleted:
        endpoint = await service.delete_endpoint(session, endpoint_id, principal.actor)
        return WebhookEndpointDeleted(endpoint.id)

    @post(
        "/webhook-endpoints/{endpoint_id:str}/rotate-secret",
        status_code=200,
        responses=problems(400, 404, 409, 422),
        summary="Replace the endpoint's signing secret (the new one is shown once)",
        description="The new secret signs every delivery from now on. The former one keeps signing beside it, as a "
        "second `v1` in `PDP-Signature`, for `previous_secret_expires_in_hours` (default 24, at most 168; 0 stops it "
        "at once, for a leaked secret), so that the receiver can switch without a failed delivery. Rotating again "
        "ends the earlier former secret at once. The new secret is in this answer only: an Idempotency-Key replay "
        "answers 409 `idempotency_replay_unavailable` with `rotated: {object, id}`; rotate again to get one.",
        opt=ADMIN_ONLY | SHOWS_ROTATED_SECRET,
        operation_class=OptionalBodyOperation,
    )
    async def rotate_secret(
        self,
        endpoint_id: FromPath[str],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
        data: JSONBody[WebhookSecretRotation | None] = None,
    ) -> WebhookEndpointCreated:
        hours = (data or WebhookSecretRotation()).previous_secret_expires_in_hours
        endpoint, secret = await service.rotate_secret(
            session,
            endpoint_id,
            resources.require_envelope(),
            principal.actor,
            previous_valid_for=service.previous_validity(hours),
        )
        return WebhookEndpointCreated(**msgspec.structs.asdict(service.endpoint_read(endpoint)), secret=secret)

    @get(
        "/webhook-endpoints/{endpoint_id:str}/deliveries",
        responses=problems(404, 422),
        summary="The endpoint's delivery log, newest first, each delivery with all its attempts",
    )
    async def deliveries(
        self,
        endpoint_id: FromPath[str],
        *,
        session: NamedDependency[AsyncSession],
        limit: Limit = 10,
        starting_after: StartingAfter = None,
        status: Annotated[DeliveryStatus | None, QueryParameter()] = None,
    ) -> ListResponse[WebhookDeliveryRead]:
        items, has_more = await service.deliveries_of(
            session, endpoint_id, status=status, limit=limit, starting_after=starting_after
        )
        return ListResponse(items, has_more)

    @get("/webhook-deliveries/{delivery_id:str}", responses=problems(404), summary="Retrieve a webhook delivery")
    async def retrieve_delivery(
        self, delivery_id: FromPath[str], session: NamedDependency[AsyncSession]
    ) -> WebhookDeliveryRead:
        return await service.get_delivery(session, delivery_id)

    @post(
        "/webhook-deliveries/{delivery_id:str}/replay",
        status_code=202,
        responses=problems(404, 409),
        summary="Send a delivery again now",
        description="A new attempt is made within seconds by a worker and appears in the delivery log; if it "
        "fails, retries follow the usual schedule. Receivers see the same event id again.",
        opt=ADMIN_ONLY,
    )
    async def replay(
        self, delivery_id: FromPath[str], session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]
    ) -> WebhookDeliveryRead:
        delivery = await service.replay(session, delivery_id, principal.actor)
        return (await service.delivery_reads(session, [delivery]))[0]
