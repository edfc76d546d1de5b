"""The process's Chorus Pro clients, built from settings in the app or worker lifespan.

Services receive a :class:`ChorusGateway` (or ``None`` when no PISTE application is configured, in which case
every feature that needs Chorus says so with ``chorus_not_configured`` instead of failing obscurely).

A gateway holds up to two environments, one per API key mode: ``test`` is Chorus Pro's qualification
environment (the PISTE sandbox, or the emulator: ``PDP_CHORUS_*``), ``live`` is production
(``PDP_CHORUS_LIVE_*``). An invoice records the mode of the key that deposited it, and every call about it goes
to that mode's environment (:meth:`ChorusGateway.environment`), so a test key never reaches production. A
deployment with one environment refuses deposits of the other mode with ``403 chorus_environment_unavailable``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from pdp.connectors.chorus_pro.auth import PisteApplication, PisteTokens, TechnicalAccount
from pdp.connectors.chorus_pro.client import ChorusProClient, Throttle
from pdp.connectors.chorus_pro.errors import ChorusRateLimited
from pdp.platform.errors import Forbidden, ServiceUnavailable
from pdp.platform.ratelimit import Rate, RateLimiter
from pdp.platform.settings import Settings

CONNECT_TIMEOUT_SECONDS = 5.0
# A job may wait this long for a token; beyond, it is rescheduled instead of holding its invoice's row lock.
MAX_WAIT_SECONDS = 2.0
# PISTE's production hosts: the qualification settings must never name them, or test keys would reach production.
PRODUCTION_HOSTS = frozenset({"api.piste.gouv.fr", "oauth.piste.gouv.fr"})


class ChorusNotConfigured(ServiceUnavailable):
    default_code = "chorus_not_configured"
    title = "No Chorus Pro access is configured (PDP_CHORUS_CLIENT_ID, PDP_CHORUS_LOGIN)"
    transient = False


class ChorusEnvironmentUnavailable(Forbidden):
    default_code = "chorus_environment_unavailable"
    title = "This deployment has no Chorus Pro environment for this API key's mode"


@dataclass(frozen=True, slots=True)
class ChorusEnvironment:
    mode: str  # the API key mode it serves: test (qualification) or live (production)
    client: ChorusProClient
    # The tenant-independent technical account: directory lookups and reference data use it.
    platform_account: TechnicalAccount


@dataclass(frozen=True, slots=True)
class ChorusGateway:
    environments: dict[str, ChorusEnvironment] = field(default_factory=dict)  # by mode, at least one

    def environment(self, mode: str) -> ChorusEnvironment:
        """The environment for invoices of ``mode``; never another one."""
        found = self.environments.get(mode)
        if found is None:
            other = "production (PDP_CHORUS_LIVE_*)" if mode == "live" else "qualification (PDP_CHORUS_*)"
            raise ChorusEnvironmentUnavailable(
                f"This deployment has no Chorus Pro {other} environment: {mode} keys cannot deposit here.",
                mode=mode,
            )
        return found

    @property
    def reference(self) -> ChorusEnvironment:
        """Where tenant-independent reads go (the recipients directory): production when configured, since its
        directory is the real one; otherwise qualification."""
        return self.environments.get("live") or self.environments["test"]

    @property
    def client(self) -> ChorusProClient:
        return self.reference.client

    @property
    def platform_account(self) -> TechnicalAccount:
        return self.reference.platform_account


def require_gateway(gateway: ChorusGateway | None) -> ChorusGateway:
    if gateway is None:
        raise ChorusNotConfigured()
    return gateway


def require_environment(gateway: ChorusGateway | None, mode: str) -> None:
    """Refuse a deposit by a key of ``mode`` when Chorus is configured but not for that mode. Without any
    Chorus access (development, tests) deposits are taken and wait, as every invoice does then."""
    if gateway is not None:
        gateway.environment(mode)


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


@dataclass(frozen=True, slots=True)
class _Access:
    api_url: str
    token_url: str
    application: PisteApplication
    account: TechnicalAccount


def _configured(settings: Settings) -> dict[str, _Access]:
    """The environments the settings configure, by mode; a qualification one pointing at production is refused."""
    found = {}
    if settings.chorus_client_id and settings.chorus_login:
        for url in (settings.chorus_api_url, settings.chorus_token_url):
            if (urlsplit(url).hostname or "").lower() in PRODUCTION_HOSTS:
                raise ValueError(
                    f"PDP_CHORUS_* is the qualification environment, for test keys, but names production ({url}): "
                    "put production in PDP_CHORUS_LIVE_*"
                )
        found["test"] = _Access(
            settings.chorus_api_url,
            settings.chorus_token_url,
            PisteApplication(settings.chorus_client_id, settings.chorus_client_secret),
            TechnicalAccount(settings.chorus_login, settings.chorus_password),
        )
    if settings.chorus_live_client_id and settings.chorus_live_login:
        found["live"] = _Access(
            settings.chorus_live_api_url,
            settings.chorus_live_token_url,
            PisteApplication(settings.chorus_live_client_id, settings.chorus_live_client_secret),
            TechnicalAccount(settings.chorus_live_login, settings.chorus_live_password),
        )
    return found


@asynccontextmanager
async def open_chorus(settings: Settings, *, redis: Any = None) -> AsyncIterator[ChorusGateway | None]:
    """The gateway; with ``redis``, every call to Chorus takes a token of the shared rate limiter first (one
    limiter for both environments: pdp's share of Chorus is counted per tenant, whichever environment)."""
    accesses = _configured(settings)
    if not accesses:
        yield None
        return
    timeout = httpx.Timeout(settings.chorus_timeout_seconds, connect=CONNECT_TIMEOUT_SECONDS)
    async with httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=50)) as http:
        throttle = chorus_throttle(shared_limiter(settings, redis)) if redis is not None else None
        environments = {}
        for mode, access in accesses.items():
            # Each environment has its own PISTE application, hence its own tokens.
            tokens = PisteTokens(http, access.token_url, access.application, throttle=throttle)
            client = ChorusProClient(http, api_url=access.api_url, tokens=tokens, throttle=throttle)
            environments[mode] = ChorusEnvironment(mode, client, access.account)
        yield ChorusGateway(environments)
