"""The process's one Chorus Pro client, built from settings in the app or worker lifespan.

Services receive a :class:`ChorusGateway` (or ``None`` when no PISTE application is configured, in which case
every feature that needs Chorus says so with ``chorus_not_configured`` instead of failing obscurely).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from pdp.connectors.chorus_pro.auth import PisteApplication, PisteTokens, TechnicalAccount
from pdp.connectors.chorus_pro.client import ChorusProClient
from pdp.platform.errors import ServiceUnavailable
from pdp.platform.settings import Settings

CONNECT_TIMEOUT_SECONDS = 5.0


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


@asynccontextmanager
async def open_chorus(settings: Settings) -> AsyncIterator[ChorusGateway | None]:
    if not (settings.chorus_client_id and settings.chorus_login):
        yield None
        return
    timeout = httpx.Timeout(settings.chorus_timeout_seconds, connect=CONNECT_TIMEOUT_SECONDS)
    async with httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=50)) as http:
        tokens = PisteTokens(
            http,
            settings.chorus_token_url,
            PisteApplication(settings.chorus_client_id, settings.chorus_client_secret),
        )
        client = ChorusProClient(http, api_url=settings.chorus_api_url, tokens=tokens)
        yield ChorusGateway(client, TechnicalAccount(settings.chorus_login, settings.chorus_password))
