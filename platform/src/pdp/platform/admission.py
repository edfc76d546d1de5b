"""Per-tenant admission to the Partner API: a request rate and a count of requests in progress, in Redis.

Shared by every API process, so a tenant's budget is the same whichever process its requests reach. One Lua
script checks both limits and takes from both atomically (one round trip per request):

- **rate**: a token bucket (``rate`` tokens/s, at most ``burst`` stored), as :mod:`pdp.platform.ratelimit` does
  for Chorus Pro calls;
- **concurrency**: a sorted set of slots scored by their expiry. A slot is a lease of :data:`SLOT_LEASE_SECONDS`
  that its holder renews while it works; a process that crashes stops renewing, and its slots expire by
  themselves instead of leaking for good.

Redis' own clock (``TIME``) is the only clock, so API processes' clocks may drift freely.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from pdp.platform.errors import RateLimited
from pdp.platform.logging import get_logger
from pdp.platform.ops_tallies import LAST_SEEN, count_refusal

SLOT_LEASE_SECONDS = 30.0  # how long a crashed process's slots keep counting; renewed every third of it
log = get_logger("pdp.platform.admission")

_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local max_slots, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(stored[1]) or burst
local at = tonumber(stored[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local verdict, retry = 'ok', 0
if tokens < 1 then
  verdict, retry = 'rate', (1 - tokens) / rate
elseif redis.call('ZCARD', KEYS[2]) >= max_slots then
  verdict, retry = 'concurrency', 1
else
  tokens = tokens - 1
  redis.call('ZADD', KEYS[2], now + lease, ARGV[5])
  redis.call('EXPIRE', KEYS[2], math.ceil(lease) + 60)
  if ARGV[6] ~= '' then
    redis.call('HSET', KEYS[3], ARGV[6], tostring(math.floor(now)))
  end
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return {verdict, tostring(tokens), tostring((burst - tokens) / rate), tostring(retry)}
"""

_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1])) + 60)
return 1
"""


@dataclass(frozen=True, slots=True)
class TenantLimits:
    max_in_flight: int
    rate_per_second: float
    burst: int

    def __post_init__(self) -> None:
        if self.max_in_flight < 1 or self.rate_per_second <= 0 or self.burst < 1:
            raise ValueError("tenant limits need max_in_flight >= 1, rate_per_second > 0 and burst >= 1")


@dataclass(frozen=True, slots=True)
class Budget:
    """What the tenant has left, for the ``RateLimit-*`` response headers (IETF draft ``ratelimit-headers``)."""

    limit: int
    remaining: int
    reset_seconds: int  # until the bucket is full again

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


class Admission:
    """``async with admission.admit(tenant_id) as budget:`` holds one of the tenant's slots for the block.

    Raises :class:`RateLimited` (with ``Retry-After`` and the budget headers) when the tenant is over either
    limit. When Redis cannot answer, the request is admitted (and a warning logged): the per-process in-flight
    cap still stands, and refusing every tenant because the limiter is down would be the outage it prevents.
    """

    def __init__(self, redis: Any, limits: TenantLimits, *, timeout_seconds: float = 0.5) -> None:
        self._redis = redis
        self._limits = limits
        self._timeout = timeout_seconds
        self._admit = redis.register_script(_ADMIT)
        self._renew = redis.register_script(_RENEW)

    @contextlib.asynccontextmanager
    async def admit(self, tenant_id: str, *, seen: str = "") -> AsyncIterator[Budget | None]:
        """``seen`` names the caller (``api_key:<id>``), whose last use an admitted request records in the same
        round trip (the console shows it beside each key)."""
        slots = f"pdp:api:slots:{tenant_id}"
        slot = secrets.token_hex(8)
        limits = self._limits
        answer: list[Any] | None = None
        try:
            async with asyncio.timeout(self._timeout):
                answer = await self._admit(
                    keys=[f"pdp:api:rate:{tenant_id}", slots, LAST_SEEN],
                    args=[limits.rate_per_second, limits.burst, limits.max_in_flight, SLOT_LEASE_SECONDS, slot, seen],
                )
        except Exception as exc:  # Redis down or slow: admit, see the docstring
            log.warning("admission.unavailable", error=type(exc).__name__)
        if answer is None:
            yield None
            return
        verdict, tokens, refill, retry = (v.decode() if isinstance(v, bytes) else str(v) for v in answer)
        budget = Budget(limits.burst, max(0, math.floor(float(tokens))), math.ceil(float(refill)))
        if verdict != "ok":
            await count_refusal(self._redis, tenant_id, verdict)  # for the console's operations view
            raise _refusal(verdict, limits, budget, math.ceil(float(retry)))
        renewing = asyncio.create_task(self._keep(slots, slot))
        try:
            yield budget
        finally:
            renewing.cancel()
            with contextlib.suppress(Exception):
                await self._redis.zrem(slots, slot)

    async def _keep(self, slots: str, slot: str) -> None:
        while True:
            await asyncio.sleep(SLOT_LEASE_SECONDS / 3)
            with contextlib.suppress(Exception):
                await self._renew(keys=[slots], args=[SLOT_LEASE_SECONDS, slot])


def _refusal(verdict: str, limits: TenantLimits, budget: Budget, retry_after: int) -> RateLimited:
    if verdict == "rate":
        detail = f"Over this tenant's rate of {limits.rate_per_second:g} requests/s (burst {limits.burst})."
    else:
        detail = f"This tenant already has {limits.max_in_flight} requests in progress."
    error = RateLimited(detail)
    error.headers = {**budget.headers(), "Retry-After": str(max(1, retry_after))}
    return error
