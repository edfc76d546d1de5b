"""Partner API shapes for webhooks (docs/api.md § Webhooks)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from pdp.tenants.events.models import EventType

Subscription = Literal[EventType, "*"]  # "*": every type, including those added later
DeliveryStatus = Literal["pending", "delivered", "failed", "canceled"]


class WebhookEndpointCreate(msgspec.Struct, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=8192)]  # longer: refused by egress, with its code
    events: Annotated[
        list[Subscription], msgspec.Meta(min_length=1, max_length=20, description='Event types, or ["*"] for all')
    ]


class WebhookEndpointRead(msgspec.Struct, kw_only=True):
    id: str
    url: str
    events: list[str]
    created_at: datetime
    object: str = "webhook_endpoint"


class WebhookEndpointCreated(WebhookEndpointRead, kw_only=True):
    """Only the creation and rotation responses carry the secret: it is stored encrypted and never shown again."""

    secret: str


class WebhookSecretRotation(msgspec.Struct, forbid_unknown_fields=True):
    # The bounds are documented, not enforced here: the service refuses a value out of them with its own code
    # (webhook_secret_overlap_invalid), the same for the API and the staff console.
    previous_secret_expires_in_hours: Annotated[
        int,
        msgspec.Meta(
            description="How long the former secret keeps signing beside the new one: 0 (at once, for a leaked "
            "secret) to 168 hours.",
            extra_json_schema={"extra": {"minimum": 0, "maximum": 168}},  # read by Litestar's OpenAPI
        ),
    ] = 24


class WebhookAttemptRead(msgspec.Struct):
    at: datetime
    trigger: Literal["automatic", "replay"]
    status_code: int | None
    duration_ms: int
    error: str | None


class WebhookDeliveryRead(msgspec.Struct):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    attempts: list[WebhookAttemptRead]
    object: str = "webhook_delivery"
