"""The process's one Chorus Pro client, built from settings in the app or worker lifespan.

Services receive a :class:`ChorusGateway` (or ``None`` when no PISTE application is configured, in which case
every feature that needs Chorus says so with ``chorus_not_configured`` instead of failing obscurely).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from pdp.connectors.chorus_pro.auth import PisteApplication, PisteTokens, TechnicalAccount
from pdp.connectors.chorus_pro.client import ChorusProClient, Throttle
from pdp.connectors.chorus_pro.errors import ChorusRateLimited
from pdp.platform.errors import ServiceUnavailable
from pdp.platform.ratelimit import Rate, RateLimiter
from pdp.platform.settings import Settings

CONNECT_TIMEOUT_SECONDS = 5.0
# A job may wait this long for a token; beyond, it is rescheduled instead of holding its invoice's row lock.
MAX_WAIT_SECONDS = 2.0


class ChorusNotConfigured(ServiceUnavailable):
    default_code = "chorus_not_configured"
    title = "No Chorus Pro access is configured (PDP_CHORUS_CLIENT_ID, PDP_CHORUS_LOGIN)"
    transient = False


@dataclass(frozen=True, slots=True)
class ChorusGateway:
    client: ChorusProClient
    # The tenant-independent technical account: directory lookups and reference data use it.
    platform_account: TechnicalAccount


def require_gateway(gateway: ChorusGateway | None) -> ChorusGateway:
    if gateway is None:
        raise ChorusNotConfigured()
    return gateway


def chorus_throttle(limiter: RateLimiter, *, max_wait: float = MAX_WAIT_SECONDS) -> Throttle:
    """Wait for a token of the shared limiter (global and per key); past ``max_wait``, give up with a
    transient, unambiguous error (the call was never sent) so the work is rescheduled rather than held."""

    async def throttle(key: str) -> None:
        waited = 0.0
        while (wait := await limiter.acquire(key)) > 0:
            if waited + wait > max_wait:
                raise ChorusRateLimited(
                    "pdp's own Chorus Pro rate limit is reached; the call was not sent",
                    code="chorus_rate_limited",
                    retry_after=wait,
                    ambiguous=False,
                )
            await asyncio.sleep(wait)
            waited += wait

    return throttle


def shared_limiter(settings: Settings, redis: Any) -> RateLimiter:
    """The rate every process of pdp shares: PDP_CHORUS_RATE_PER_SECOND overall, the tenant rate per tenant.

    Buckets hold a single token: calls are spaced evenly, so no one-second window ever sees more than the rate
    (plus the one call on its edge) — a burst allowance would let a window see twice the rate."""
    return RateLimiter(
        redis,
        name="chorus",
        overall=Rate(settings.chorus_rate_per_second, 1.0),
        per_key=Rate(settings.chorus_tenant_rate_per_second, 1.0),
    )


@asynccontextmanager
async def open_chorus(settings: Settings, *, redis: Any = None) -> AsyncIterator[ChorusGateway | None]:
    """The gateway; with ``redis``, every call to Chorus takes a token of the shared rate limiter first."""
    if not (settings.chorus_client_id and settings.chorus_login):
        yield None
        return
    timeout = httpx.Timeout(settings.chorus_timeout_seconds, connect=CONNECT_TIMEOUT_SECONDS)
    async with httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=50)) as http:
        throttle = chorus_throttle(shared_limiter(settings, redis)) if redis is not None else None
        tokens = PisteTokens(
            http,
            settings.chorus_token_url,
            PisteApplication(settings.chorus_client_id, settings.chorus_client_secret),
            throttle=throttle,
        )
        client = ChorusProClient(http, api_url=settings.chorus_api_url, tokens=tokens, throttle=throttle)
        yield ChorusGateway(client, TechnicalAccount(settings.chorus_login, settings.chorus_password))
