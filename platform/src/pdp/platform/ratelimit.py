"""Token buckets in Redis, shared by every worker process: a global rate and a rate per key (per tenant).

One Lua script takes a token from *both* buckets atomically, or from neither and says how long to wait — so a
tenant over its own rate never consumes the global budget other tenants need, and no two workers can overspend
between a check and a take. Buckets refill continuously (``rate`` tokens/s, at most ``burst`` stored); Redis'
own clock (``TIME``) is the only clock, so worker clocks may drift freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_TAKE_BOTH = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1e6
local wait = 0
local states = {}
for i = 1, 2 do
  local key, rate, burst = KEYS[i], tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local stored = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(stored[1]) or burst
  local at = tonumber(stored[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
  states[i] = tokens
  if tokens < 1 then
    wait = math.max(wait, (1 - tokens) / rate)
  end
end
for i = 1, 2 do
  local key, rate, burst = KEYS[i], tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local tokens = states[i]
  if wait == 0 then tokens = tokens - 1 end
  redis.call('HSET', key, 'tokens', tokens, 'at', now)
  redis.call('EXPIRE', key, math.ceil(burst / rate) + 60)
end
return tostring(wait)
"""


@dataclass(frozen=True, slots=True)
class Rate:
    per_second: float
    burst: float

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a rate needs per_second > 0 and burst >= 1")


class RateLimiter:
    """``await limiter.acquire(key)`` → 0.0 when a token was taken, else the seconds to wait before trying again."""

    def __init__(self, redis: Any, *, name: str, overall: Rate, per_key: Rate) -> None:
        self._redis = redis
        self._name = name
        self._overall = overall
        self._per_key = per_key
        self._script = redis.register_script(_TAKE_BOTH)

    async def acquire(self, key: str) -> float:
        keys = [f"pdp:rate:{self._name}", f"pdp:rate:{self._name}:{key}"]
        args = [self._overall.per_second, self._overall.burst, self._per_key.per_second, self._per_key.burst]
        return float(await self._script(keys=keys, args=args))
