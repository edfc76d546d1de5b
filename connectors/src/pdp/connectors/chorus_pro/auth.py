"""PISTE OAuth2 (client credentials) and the Chorus technical account header (docs/chorus-pro-api.md §1)."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
import msgspec

from pdp.connectors.chorus_pro.errors import (
    ChorusAuthError,
    ChorusBadRequest,
    ChorusConnectionError,
    ChorusTimeout,
    ChorusTransientError,
)

_T = TypeVar("_T")

# OCA refreshes 240 s early, invoicerr 60 s: a token must not expire between our check and PISTE's.
REFRESH_MARGIN_SECONDS = 120.0


@dataclass(frozen=True, slots=True)
class TechnicalAccount:
    """A Chorus Pro technical account (``TECH_1_<SIRET>@cpro.fr``): the provider's own, or the tenant's."""

    login: str
    password: str

    @property
    def header(self) -> str:
        """The ``cpro-account`` header value: base64 of ``login:password``."""
        return base64.b64encode(f"{self.login}:{self.password}".encode()).decode("ascii")

    def __repr__(self) -> str:
        return f"TechnicalAccount(login={self.login!r}, password=***)"


@dataclass(frozen=True, slots=True)
class PisteApplication:
    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        return f"PisteApplication(client_id={self.client_id!r}, client_secret=***)"


class _TokenAnswer(msgspec.Struct):
    access_token: str
    token_type: str
    expires_in: int


class _OAuthError(msgspec.Struct):
    error: str = "unknown_error"
    error_description: str | None = None


class PisteTokens:
    """Caches one bearer token per PISTE application and fetches a new one before it expires.

    Concurrent callers share a single refresh (an asyncio lock), so a burst of jobs never storms the token
    endpoint. :meth:`invalidate` drops a token PISTE refused (expired early, revoked) so the next call refreshes.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        token_url: str,
        application: PisteApplication,
        *,
        clock: Callable[[], float] = time.monotonic,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        throttle: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._http = http
        self._url = token_url
        self._app = application
        self._clock = clock
        self._margin = refresh_margin
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.fetched = 0  # how many tokens were fetched: lets tests and metrics see the cache work
        # Token requests count against PISTE's quota too (and come in bursts when PISTE refuses them).
        self._throttle = throttle

    async def token(self) -> str:
        if self._token and self._clock() < self._expires_at - self._margin:
            return self._token
        async with self._lock:
            if self._token and self._clock() < self._expires_at - self._margin:
                return self._token
            answer = await self._fetch()
            self._token = answer.access_token
            self._expires_at = self._clock() + answer.expires_in
            self.fetched += 1
            return self._token

    def invalidate(self, token: str) -> None:
        if self._token == token:
            self._token = None

    async def _fetch(self) -> _TokenAnswer:
        if self._throttle is not None:
            await self._throttle("platform")
        form = {
            "grant_type": "client_credentials",
            "client_id": self._app.client_id,
            "client_secret": self._app.client_secret,
            "scope": "openid",
        }
        try:
            response = await self._http.post(self._url, data=form, headers={"Accept": "application/json"})
        except httpx.TimeoutException as exc:
            raise ChorusTimeout(f"PISTE token endpoint: {exc!r}") from exc
        except httpx.TransportError as exc:
            raise ChorusConnectionError(f"PISTE token endpoint: {exc!r}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise ChorusTransientError("The PISTE token endpoint is unavailable", http_status=response.status_code)
        if response.status_code != 200:
            error = _decode(response.content, _OAuthError) or _OAuthError()
            raise ChorusAuthError(
                error.error_description or "PISTE refused the application's client id or secret",
                chorus_code=error.error,
                http_status=response.status_code,
            )
        answer = _decode(response.content, _TokenAnswer)
        if answer is None or answer.token_type.lower() != "bearer" or answer.expires_in <= 0:
            raise ChorusBadRequest("PISTE answered an unusable token", http_status=response.status_code)
        return answer


def _decode(content: bytes, kind: type[_T]) -> _T | None:
    try:
        return msgspec.json.decode(content, type=kind)
    except msgspec.DecodeError:
        return None
