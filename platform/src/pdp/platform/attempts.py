"""Counting attempts in Redis, shared by every API process: sign-in throttles and one-time TOTP steps.

- :class:`Throttle`: at most ``limit`` attempts per key in a fixed window of ``window_seconds`` (the window starts
  with the first attempt). Sign-in counts failures per e-mail and per address; e-mailed links count requests.
- :class:`StepLedger`: the last TOTP time step accepted per user; a code of that step or an earlier one is
  refused, so a code seen over a shoulder or replayed from a log does not work a second time.

When Redis cannot answer, both let the attempt through and log a warning, as admission does: the password hash's
cost still slows a guesser, and refusing every sign-in because the limiter is down would be the outage.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from pdp.platform.logging import get_logger

log = get_logger("pdp.platform.attempts")
TIMEOUT_SECONDS = 0.5

_COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""

_ADVANCE = """
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (0 when allowed)


class Throttle:
    """``await throttle.check(key)`` before an attempt, ``await throttle.count(key)`` after one that counts."""

    def __init__(self, redis: Any, name: str, *, limit: int, window_seconds: int) -> None:
        self._redis = redis
        self._name = name
        self.limit = limit
        self.window_seconds = window_seconds
        self._count = redis.register_script(_COUNT)

    def _key(self, key: str) -> str:
        return f"pdp:attempts:{self._name}:{key}"

    async def check(self, key: str) -> Verdict:
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                raw = await self._redis.get(self._key(key))
                if raw is None or int(raw) < self.limit:
                    return Verdict(True, 0)
                ttl = int(await self._redis.ttl(self._key(key)))
        except Exception as exc:  # Redis down or slow: see the module docstring
            log.warning("attempts.unavailable", throttle=self._name, error=type(exc).__name__)
            return Verdict(True, 0)
        return Verdict(False, max(1, ttl))

    async def count(self, key: str) -> None:
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                await self._count(keys=[self._key(key)], args=[self.window_seconds])
        except Exception as exc:
            log.warning("attempts.unavailable", throttle=self._name, error=type(exc).__name__)

    async def clear(self, key: str) -> None:
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                await self._redis.delete(self._key(key))
        except Exception as exc:
            log.warning("attempts.unavailable", throttle=self._name, error=type(exc).__name__)


class StepLedger:
    """The last accepted time step of each subject: ``advance`` accepts only a later one, atomically."""

    def __init__(self, redis: Any, name: str, *, keep_seconds: int) -> None:
        self._redis = redis
        self._name = name
        self._keep = keep_seconds
        self._advance = redis.register_script(_ADVANCE)

    async def advance(self, subject: str, step: int) -> bool:
        """True when ``step`` is later than the last one accepted for ``subject`` (and is now the last)."""
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                accepted = await self._advance(keys=[f"pdp:steps:{self._name}:{subject}"], args=[step, self._keep])
        except Exception as exc:
            log.warning("attempts.unavailable", ledger=self._name, error=type(exc).__name__)
            return True
        return bool(int(accepted))
