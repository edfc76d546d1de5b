"""Delivering one webhook: claim it, POST the signed event, record the attempt, schedule the next one.

Called by the ``webhooks.deliver`` job, from the outbox right after the event committed or from the sweep when a
retry is due; it may run any number of times, concurrently, on any worker. The claim makes one attempt at a time
per delivery: under the row lock, a due delivery's ``next_attempt_at`` moves one lease ahead, and only the
holder of that lease sends. The HTTP call runs outside any transaction; its outcome is then recorded and the
next attempt scheduled (exponential, with jitter) from the settings' intervals, after which the delivery fails.
A worker that dies mid-call leaves the lease to run out, and the sweep sends again: delivery is at least once.
"""

from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import clock, ids
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import ServiceUnavailable
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.deposits.views import event_read
from pdp.tenants.events.service import EventRepository
from pdp.tenants.webhooks import egress, signature
from pdp.tenants.webhooks.models import WebhookAttempt, WebhookDelivery
from pdp.tenants.webhooks.repository import AttemptRepository, DeliveryRepository, EndpointRepository
from pdp.tenants.webhooks.service import open_previous_secret, open_secret

# Longer than one attempt can take (resolution 5 s + the HTTP timeout), so a live attempt keeps its claim.
LEASE = timedelta(seconds=120)
JITTER = 0.2
USER_AGENT = "pdp-webhooks/1"


@dataclass(frozen=True, slots=True)
class WebhookSender:
    """What a worker needs to deliver webhooks; built once per process by :func:`open_sender`."""

    sessionmaker: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    envelope: Envelope | None
    retry_intervals: tuple[int, ...]
    allow_private: bool

    def delay_after(self, failures: int) -> timedelta | None:
        """The wait after the ``failures``-th failure in a row (±20% jitter); ``None``: give up."""
        if failures > len(self.retry_intervals):
            return None
        base = self.retry_intervals[failures - 1]
        return timedelta(seconds=base * random.uniform(1 - JITTER, 1 + JITTER))


def retry_intervals(settings: Settings) -> tuple[int, ...]:
    return tuple(int(part) for part in settings.webhook_retry_intervals_seconds.split(",") if part.strip())


@asynccontextmanager
async def open_sender(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[WebhookSender]:
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    envelope = Envelope(settings.master_keys) if settings.master_keys else None
    # Redirects are not followed: a 3xx could point anywhere, including inside our network. Connections are not
    # kept alive: the pool is keyed by the checked IP, so a kept connection would carry another host name's
    # requests over a TLS session verified for the first one.
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, limits=limits) as http:
        yield WebhookSender(
            sessionmaker, http, envelope, retry_intervals(settings), egress.private_addresses_allowed(settings)
        )


@dataclass(frozen=True, slots=True)
class _Claim:
    url: str
    secret: str
    previous_secret: str | None  # while a rotated-out secret still signs, beside the current one
    body: bytes
    event_id: str
    trigger: str
    lease: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def deliver(
    sender: WebhookSender, tenant_id: str, delivery_id: str, *, claimed_until: datetime | None = None
) -> str:
    """Make one attempt if this call holds (or can take) the claim; returns what happened, for logs and tests.

    ``claimed_until`` is the lease the sweep took for this call; without it the call claims a due delivery itself.
    """
    async with unit_of_work(sender.sessionmaker, tenant_id=tenant_id) as session:
        claim = await _claim(sender, session, delivery_id, claimed_until)
    if isinstance(claim, str):
        return claim
    started_at = clock.now()
    outcome = await _post(sender, claim)
    async with unit_of_work(sender.sessionmaker, tenant_id=tenant_id) as session:
        return await _record(sender, session, delivery_id, claim=claim, started_at=started_at, outcome=outcome)


async def _claim(
    sender: WebhookSender, session: AsyncSession, delivery_id: str, claimed_until: datetime | None
) -> _Claim | str:
    delivery = await DeliveryRepository(session).for_update(delivery_id)
    if delivery.status != "pending" or delivery.next_attempt_at is None:
        return f"nothing to do: {delivery.status}"
    now = clock.now()
    if claimed_until is not None:
        if delivery.next_attempt_at != claimed_until:
            return "claimed by another attempt"
    elif delivery.next_attempt_at > now:
        return "not due"
    endpoint = await EndpointRepository(session).get(delivery.endpoint_id)
    if endpoint.deleted_at is not None:
        delivery.status, delivery.next_attempt_at = "canceled", None
        return "endpoint deleted"
    if sender.envelope is None:
        raise ServiceUnavailable("PDP_MASTER_KEYS is not configured: webhooks cannot be signed.")
    event = await EventRepository(session).get(delivery.event_id)
    lease = claimed_until or now + LEASE
    delivery.next_attempt_at = lease
    trigger = "replay" if delivery.replay_requested else "automatic"
    delivery.replay_requested = False
    body = msgspec.json.encode(event_read(event))
    secret, previous = open_secret(endpoint, sender.envelope), open_previous_secret(endpoint, sender.envelope, now)
    return _Claim(endpoint.url, secret, previous, body, event.id, trigger, lease)


async def _post(sender: WebhookSender, claim: _Claim) -> Outcome:
    start = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - start) * 1000)

    try:
        target = await egress.resolve(claim.url, allow_private=sender.allow_private)
    except egress.AddressRefused as exc:
        return Outcome(None, elapsed(), f"address_refused: {exc}")
    headers = {
        "Host": target.url.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "PDP-Event-Id": claim.event_id,
        signature.HEADER: signature.header_value(claim.secret, claim.body, previous=claim.previous_secret),
    }
    # Connect to the address that was checked; TLS still verifies the certificate against the host name.
    request = sender.http.build_request(
        "POST", target.connect_url, content=claim.body, headers=headers, extensions={"sni_hostname": target.url.host}
    )
    try:
        response = await sender.http.send(request, stream=True)
        await response.aclose()  # the receiver's body is not needed: only its status counts
    except httpx.TimeoutException as exc:
        return Outcome(None, elapsed(), f"timeout: {type(exc).__name__}")
    except httpx.HTTPError as exc:
        return Outcome(None, elapsed(), f"connection_failed: {type(exc).__name__}: {exc}"[:500])
    error = None if 200 <= response.status_code < 300 else f"http_status: the receiver answered {response.status_code}"
    return Outcome(response.status_code, elapsed(), error)


async def _record(
    sender: WebhookSender,
    session: AsyncSession,
    delivery_id: str,
    *,
    claim: _Claim,
    started_at: datetime,
    outcome: Outcome,
) -> str:
    delivery = await DeliveryRepository(session).for_update(delivery_id)
    await AttemptRepository(session).add(
        WebhookAttempt(
            id=ids.new_id("webhook_attempt"),
            delivery_id=delivery.id,
            trigger=claim.trigger,
            started_at=started_at,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error=outcome.error,
        )
    )
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.last_status_code, delivery.last_error = (
        started_at,
        outcome.status_code,
        outcome.error,
    )
    # A replay may have taken the delivery over while this attempt ran: then its own attempt decides what next.
    lease_is_ours = delivery.next_attempt_at == claim.lease
    if outcome.delivered:
        delivery.status, delivery.delivered_at, delivery.consecutive_failures = "delivered", clock.now(), 0
        delivery.next_attempt_at = None
        return "delivered"
    if lease_is_ours and delivery.status == "pending":
        _schedule_retry(sender, delivery)
    return f"failed: {outcome.error}"


def _schedule_retry(sender: WebhookSender, delivery: WebhookDelivery) -> None:
    delivery.consecutive_failures += 1
    delay = sender.delay_after(delivery.consecutive_failures)
    if delay is None:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.next_attempt_at = clock.now() + delay
