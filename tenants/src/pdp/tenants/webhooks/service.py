"""Webhook endpoints, the fan-out of each event to its deliveries, the delivery log and replay.

Callers own the transaction. :func:`fan_out` runs inside the transaction that records the event, and stages
one delivery row and one outbox message per subscribed endpoint: an event is delivered if and only if it
committed, and a lost queue loses nothing (the outbox relays again, the sweep finds what is due).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock, ids, outbox
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import Conflict, NotFound, ValidationFailed
from pdp.platform.security.envelope import DecryptionError, Envelope, SecretUnreadable
from pdp.tenants.events.models import Event
from pdp.tenants.webhooks import egress
from pdp.tenants.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from pdp.tenants.webhooks.repository import ALL_EVENTS, AttemptRepository, DeliveryRepository, EndpointRepository
from pdp.tenants.webhooks.schemas import (
    WebhookAttemptRead,
    WebhookDeliveryRead,
    WebhookEndpointCreate,
    WebhookEndpointRead,
)

DELIVER_JOB = "webhooks.deliver"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix that makes leaked secrets recognisable, not a secret
MAX_LIVE_ENDPOINTS = 16  # Stripe's limit too; each one multiplies the deliveries of every event
# How long a rotated-out secret may keep signing beside the new one: a week covers a receiver's slowest deploy;
# longer would only keep a leaked secret usable for longer.
MAX_PREVIOUS_VALIDITY = timedelta(days=7)


def secret_context(tenant_id: str, endpoint_id: str) -> str:
    """Associated data of the encrypted secret: a ciphertext copied onto another row does not open."""
    return f"webhook-secret:{tenant_id}:{endpoint_id}"


def open_secret(endpoint: WebhookEndpoint, envelope: Envelope) -> str:
    """The signing secret; :class:`SecretUnreadable` (logged with the row) when it does not decrypt."""
    return envelope.open_stored(
        endpoint.secret_enc,
        context=secret_context(endpoint.tenant_id, endpoint.id),
        table="webhook_endpoints",
        tenant_id=endpoint.tenant_id,
        row_id=endpoint.id,
        detail=f"The signing secret of webhook endpoint {endpoint.id} cannot be decrypted; the operator is alerted. "
        f"Rotate its secret (POST /v1/webhook-endpoints/{endpoint.id}/rotate-secret) to replace it.",
    )


def open_previous_secret(endpoint: WebhookEndpoint, envelope: Envelope, now: datetime) -> str | None:
    """The rotated-out secret while it still signs; ``None`` once it expired, or when it does not decrypt (logged
    for the operator): a delivery is then signed with the current secret only rather than not sent."""
    expires_at = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_enc is None or expires_at is None or expires_at <= now:
        return None
    try:
        return envelope.open_stored(
            endpoint.previous_secret_enc,
            context=secret_context(endpoint.tenant_id, endpoint.id),
            table="webhook_endpoints",
            column="previous_secret_enc",
            tenant_id=endpoint.tenant_id,
            row_id=endpoint.id,
            detail="",
        )
    except SecretUnreadable:  # logged with its row and column by open_stored
        return None


def endpoint_read(endpoint: WebhookEndpoint) -> WebhookEndpointRead:
    return WebhookEndpointRead(
        id=endpoint.id, url=endpoint.url, events=list(endpoint.events), created_at=endpoint.created_at
    )


async def create_endpoint(
    session: AsyncSession,
    data: WebhookEndpointCreate,
    envelope: Envelope,
    actor: Actor,
    *,
    https_only: bool,
    allow_private: bool,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (``whsec_…``), which is returned here and never again."""
    url = egress.check_url(data.url, https_only=https_only, allow_private=allow_private)
    repo = EndpointRepository(session)
    if await repo.count_live() >= MAX_LIVE_ENDPOINTS:
        raise Conflict(
            f"A tenant may have {MAX_LIVE_ENDPOINTS} webhook endpoints; delete one first.",
            code="webhook_endpoint_limit_reached",
        )
    endpoint_id = ids.new_id("webhook_endpoint")
    secret = _new_secret()
    events = [ALL_EVENTS] if ALL_EVENTS in data.events else sorted(set(data.events))
    endpoint = await repo.add(
        WebhookEndpoint(
            id=endpoint_id,
            url=url,
            events=events,
            secret_enc=envelope.encrypt(secret, context=secret_context(repo.tenant_id, endpoint_id)),
        )
    )
    await session.refresh(endpoint)
    await AuditRepository(session).append(
        actor, "webhook_endpoint.created", "webhook_endpoint", endpoint.id, {"url": url, "events": ",".join(events)}
    )
    return endpoint, secret


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


async def get_endpoint(session: AsyncSession, endpoint_id: str, *, for_update: bool = False) -> WebhookEndpoint:
    endpoint = await EndpointRepository(session).find_live(endpoint_id, for_update=for_update)
    if endpoint is None:
        raise NotFound(f"No such webhook endpoint: {endpoint_id}")
    return endpoint


async def delete_endpoint(session: AsyncSession, endpoint_id: str, actor: Actor) -> WebhookEndpoint:
    """Stop sending to the endpoint at once: its pending deliveries are canceled; its log stays readable."""
    endpoint = await get_endpoint(session, endpoint_id)
    endpoint.deleted_at = clock.now()
    canceled = await DeliveryRepository(session).cancel_pending(endpoint.id)
    await AuditRepository(session).append(
        actor, "webhook_endpoint.deleted", "webhook_endpoint", endpoint.id, {"canceled_deliveries": canceled}
    )
    return endpoint


async def rotate_secret(
    session: AsyncSession, endpoint_id: str, envelope: Envelope, actor: Actor, *, previous_valid_for: timedelta
) -> tuple[WebhookEndpoint, str]:
    """A new signing secret for the endpoint, returned here and never again.

    The former secret keeps signing beside it (a second ``v1``) for ``previous_valid_for``, up to
    :data:`MAX_PREVIOUS_VALIDITY`, so that receivers switch without a failed delivery; ``timedelta(0)`` stops it
    at once (a leaked secret). Only one former secret is kept: rotating again ends the earlier one's overlap.
    """
    if not timedelta(0) <= previous_valid_for <= MAX_PREVIOUS_VALIDITY:
        raise _overlap_invalid()
    # Locked: two rotations at once run one after the other, so the second keeps the first's new secret as the
    # previous one instead of both keeping the same former secret and one new secret being lost.
    endpoint = await get_endpoint(session, endpoint_id, for_update=True)
    context = secret_context(endpoint.tenant_id, endpoint.id)
    keeps_previous = previous_valid_for > timedelta(0) and _opens(envelope, endpoint.secret_enc, context)
    if keeps_previous:
        # Moved as it is: the token is already sealed under this endpoint's context, so it needs no re-encryption.
        endpoint.previous_secret_enc = endpoint.secret_enc
        endpoint.previous_secret_expires_at = clock.now() + previous_valid_for
    else:
        endpoint.previous_secret_enc, endpoint.previous_secret_expires_at = None, None
    secret = _new_secret()
    endpoint.secret_enc = envelope.encrypt(secret, context=context)
    until = endpoint.previous_secret_expires_at
    await AuditRepository(session).append(
        actor,
        "webhook_endpoint.secret_rotated",
        "webhook_endpoint",
        endpoint.id,
        {"previous_valid_until": until.isoformat() if until is not None else None},
    )
    return endpoint, secret


def previous_validity(hours: int) -> timedelta:
    """``hours`` as the former secret's validity for :func:`rotate_secret`, refused with the same code when out
    of range (before any huge value can overflow a ``timedelta``)."""
    if not 0 <= hours <= MAX_PREVIOUS_VALIDITY // timedelta(hours=1):
        raise _overlap_invalid()
    return timedelta(hours=hours)


def _overlap_invalid() -> ValidationFailed:
    hours = MAX_PREVIOUS_VALIDITY // timedelta(hours=1)
    return ValidationFailed(
        f"The former secret may keep signing for 0 to {hours} hours.", code="webhook_secret_overlap_invalid"
    )


def _opens(envelope: Envelope, token: str, context: str) -> bool:
    """Whether the current secret still decrypts: one that does not (the case rotation repairs) is not worth
    keeping as the previous one, which would only log the same failure at every delivery."""
    try:
        envelope.decrypt(token, context=context)
    except DecryptionError:
        return False
    return True


async def fan_out(session: AsyncSession, event: Event) -> list[WebhookDelivery]:
    """One pending delivery, and its outbox message, per live endpoint subscribed to ``event.type``."""
    endpoints = await EndpointRepository(session).subscribed_to(event.type)
    if not endpoints:
        return []
    now = clock.now()
    deliveries = [
        WebhookDelivery(
            tenant_id=event.tenant_id,
            id=ids.new_id("webhook_delivery"),
            endpoint_id=endpoint.id,
            event_id=event.id,
            event_type=event.type,
            status="pending",
            next_attempt_at=now,
        )
        for endpoint in endpoints
    ]
    await DeliveryRepository(session).add_all(deliveries)
    for delivery in deliveries:
        outbox.add(session, DELIVER_JOB, delivery_id=delivery.id)
    return deliveries


async def replay(session: AsyncSession, delivery_id: str, actor: Actor) -> WebhookDelivery:
    """Send the delivery again now, whatever its state; if that attempt fails, the retry schedule restarts."""
    delivery = await DeliveryRepository(session).for_update(delivery_id)
    if await EndpointRepository(session).find_live(delivery.endpoint_id) is None:
        raise Conflict("The endpoint of this delivery was deleted.", code="webhook_endpoint_deleted")
    delivery.status, delivery.next_attempt_at = "pending", clock.now()
    delivery.consecutive_failures, delivery.replay_requested = 0, True
    await session.flush()
    outbox.add(session, DELIVER_JOB, delivery_id=delivery.id)
    await AuditRepository(session).append(actor, "webhook_delivery.replayed", "webhook_delivery", delivery.id, {})
    return delivery


def _attempt_read(attempt: WebhookAttempt) -> WebhookAttemptRead:
    return WebhookAttemptRead(
        at=attempt.started_at,
        trigger=attempt.trigger,  # type: ignore[arg-type]
        status_code=attempt.status_code,
        duration_ms=attempt.duration_ms,
        error=attempt.error,
    )


def _delivery_read(delivery: WebhookDelivery, attempts: list[WebhookAttempt]) -> WebhookDeliveryRead:
    return WebhookDeliveryRead(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status,  # type: ignore[arg-type]
        attempt_count=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
        attempts=[_attempt_read(attempt) for attempt in attempts],
    )


async def delivery_reads(session: AsyncSession, deliveries: list[WebhookDelivery]) -> list[WebhookDeliveryRead]:
    """Deliveries with their attempts, oldest attempt first."""
    attempts = await AttemptRepository(session).of_deliveries([delivery.id for delivery in deliveries])
    return [_delivery_read(delivery, attempts[delivery.id]) for delivery in deliveries]


async def deliveries_of(
    session: AsyncSession, endpoint_id: str, *, status: str | None, limit: int, starting_after: str | None
) -> tuple[list[WebhookDeliveryRead], bool]:
    """The delivery log of a live endpoint, newest first."""
    endpoint = await get_endpoint(session, endpoint_id)
    page = await DeliveryRepository(session).of_endpoint(
        endpoint.id, status=status, limit=limit, starting_after=starting_after
    )
    return await delivery_reads(session, page.items), page.has_more


async def get_delivery(session: AsyncSession, delivery_id: str) -> WebhookDeliveryRead:
    delivery = await DeliveryRepository(session).get(delivery_id)
    return (await delivery_reads(session, [delivery]))[0]
