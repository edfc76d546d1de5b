"""The SIRENE client: one question, "where is this SIRET registered?", over an injected ``httpx.AsyncClient``.

The API Recherche d'entreprises (https://recherche-entreprises.api.gouv.fr/docs/) takes at most 7 requests per
second per IP address and answers 429 beyond, with ``Retry-After``. So every request first waits for the
throttle (by default :class:`Spacing`, which spaces this process's requests; processes sharing an address share
:func:`shared_throttle`'s Redis bucket instead), and after a 429 the client asks nothing until ``Retry-After`` has
passed: it waits when that is short, else refuses at once with :class:`~.errors.SireneRateLimited`. It never
retries by itself otherwise: whether to (a job) or to say "try again" (a portal page) is the caller's choice.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import Any

import httpx
import msgspec

from pdp.connectors.sirene.errors import SireneError, SireneRateLimited, SireneTimeout, SireneUnavailable
from pdp.connectors.sirene.schemas import Establishment, read_search_answer
from pdp.platform import clock as wall_clock
from pdp.platform.ratelimit import Rate, RateLimiter
from pdp.platform.settings import Settings

SEARCH_PATH = "/search"
# 7 per second per address is the API's ceiling; one less leaves room for the jitter of timers and networks.
RATE_PER_SECOND = 6.0
TIMEOUT_SECONDS = 10.0
# After a 429, a Retry-After up to this long is waited out; a longer one is the caller's to schedule.
MAX_HOLD_SECONDS = 2.0
# The API asks its users to name themselves in User-Agent.
USER_AGENT = "pdp/0.1 (Chorus Pro deposit platform; SIRET address check)"
_SIRET = re.compile(r"\d{14}")

Throttle = Callable[[], Awaitable[None]]


class Spacing:
    """A throttle for one process: successive requests at least ``1 / per_second`` apart, whoever sends them.

    Each caller reserves the next free slot before it sleeps, so concurrent callers queue without a lock.
    """

    def __init__(self, per_second: float = RATE_PER_SECOND, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self._interval = 1.0 / per_second
        self._clock = clock
        self._next = 0.0

    async def __call__(self) -> None:
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)


def shared_throttle(redis: Any, *, per_second: float = RATE_PER_SECOND, max_wait: float = 10.0) -> Throttle:
    """A throttle every process behind one IP address shares, through pdp's Redis token bucket (one token: the
    requests are spaced, never bunched). Past ``max_wait`` of queueing it gives up with
    :class:`~.errors.SireneRateLimited`: nothing was asked, and a page should not hang on a queue."""
    limiter = RateLimiter(redis, name="sirene", overall=Rate(per_second, 1.0), per_key=Rate(per_second, 1.0))

    async def throttle() -> None:
        waited = 0.0
        while (wait := await limiter.acquire("all")) > 0:
            if waited + wait > max_wait:
                raise SireneRateLimited("pdp's own SIRENE rate limit is reached; nothing was asked", retry_after=wait)
            await asyncio.sleep(wait)
            waited += wait

    return throttle


def normalize_siret(siret: str) -> str:
    """``siret`` without spaces; ``ValueError`` unless 14 digits remain.

    Only the form is checked: anything else would be a full-text search, whose answers are other companies. The
    Luhn key is not (callers validate SIRETs on entry; La Poste's establishments do not satisfy it)."""
    number = "".join(siret.split())
    if not _SIRET.fullmatch(number):
        raise ValueError(f"a SIRET is 14 digits, got {siret!r}")
    return number


class SireneClient:
    """One instance per process (it holds the throttle and the 429 hold), built where the HTTP client is."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        throttle: Throttle | None = None,
        timeout: float = TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + SEARCH_PATH
        self._throttle: Throttle = throttle if throttle is not None else Spacing(clock=clock)
        self._timeout = timeout
        self._clock = clock
        self._hold_until = 0.0

    async def registered_establishment(self, siret: str) -> Establishment | None:
        """The establishment ``siret`` as SIRENE registers it (name, active or closed, postal address), or
        ``None`` when SIRENE does not know it — or does not publish it at all (some persons' SIRETs).

        Check :attr:`Establishment.mailable` before posting anything: a closed establishment, an address abroad or
        one whose publication the person refused come back too. ``ValueError`` for a SIRET that is not 14 digits;
        :class:`~.errors.SireneUnavailable` (transient) or :class:`~.errors.SireneError` otherwise.
        """
        number = normalize_siret(siret)
        body = await self._get({"q": number})
        try:
            return read_search_answer(body, number)
        except msgspec.ValidationError as exc:  # JSON, but not the documented shape: retrying will not change it
            raise SireneError(f"unexpected answer shape from {self._url}: {exc}", http_status=200) from exc
        except msgspec.DecodeError as exc:  # not JSON: a proxy's or a maintenance page
            raise SireneUnavailable(f"unreadable answer from {self._url}", http_status=200) from exc

    async def _get(self, params: dict[str, str]) -> bytes:
        await self._respect_hold()
        await self._throttle()
        try:
            response = await self._http.get(
                self._url, params=params, headers={"User-Agent": USER_AGENT}, timeout=self._timeout
            )
        except httpx.TimeoutException as exc:
            raise SireneTimeout(f"no answer from {self._url} within {self._timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise SireneUnavailable(f"cannot reach {self._url}: {exc!r}") from exc
        if response.status_code == 200:
            return response.content
        retry_after = _retry_after(response)
        if response.status_code == 429:
            wait = retry_after if retry_after is not None else 1.0
            self._hold_until = max(self._hold_until, self._clock() + wait)
            raise SireneRateLimited(f"{self._url} answered 429 Too Many Requests", http_status=429, retry_after=wait)
        if response.status_code >= 500:
            status = response.status_code
            raise SireneUnavailable(f"{self._url} answered {status}", http_status=status, retry_after=retry_after)
        raise SireneError(
            f"{self._url} refused the question ({response.status_code}): {_error_text(response)}",
            http_status=response.status_code,
        )

    async def _respect_hold(self) -> None:
        remaining = self._hold_until - self._clock()
        if remaining <= 0:
            return
        if remaining > MAX_HOLD_SECONDS:
            raise SireneRateLimited(
                "held back after the SIRENE directory's 429; nothing was asked", retry_after=remaining
            )
        await asyncio.sleep(remaining)


def sirene_client(settings: Settings, http: httpx.AsyncClient, *, throttle: Throttle | None = None) -> SireneClient:
    """The client for ``PDP_SIRENE_API_URL`` (the real API, or ``pdp dev``'s stand-in)."""
    return SireneClient(http, base_url=settings.sirene_api_url, throttle=throttle)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - wall_clock.now()).total_seconds())


def _error_text(response: httpx.Response) -> str:
    # The API explains a 400 in {"erreur": "..."}.
    try:
        payload = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return response.text[:200]
    if isinstance(payload, dict) and isinstance(payload.get("erreur"), str):
        return str(payload["erreur"])
    return response.text[:200]
