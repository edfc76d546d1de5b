"""Tallies for the console, kept in Redis: refused API requests per tenant, the outcome of each tenant's last
audit checkpoint, and when each API key was last used.

Both are counters of what the platform did, not records: Redis may lose them (a restart without persistence)
and the view then says it has nothing since; the records themselves are elsewhere (the audit chain, the
checkpoints in the Object Lock archive, the staff queue's cases). Writing one never fails the work it counts.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pdp.platform import clock

REFUSALS = "pdp:ops:refusals:"  # + UTC hour (YYYYMMDDHH): a hash of "<tenant>|<rate or concurrency>" → count
REFUSAL_HOURS = 24
CHECKPOINTS = "pdp:ops:audit-checkpoints"  # a hash of tenant → {"at", "outcome", "detail"}
LAST_SEEN = "pdp:api:last-seen"  # a hash of "api_key:<id>" → Unix seconds of its last admitted request


@dataclass(frozen=True, slots=True)
class Refusals:
    tenant_id: str
    verdict: str  # "rate" or "concurrency"
    this_hour: int
    last_day: int


@dataclass(frozen=True, slots=True)
class CheckpointRun:
    tenant_id: str
    at: datetime
    outcome: str  # written, unchanged, refused (the chain disagrees with the last checkpoint), failed
    detail: str


def _hour(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%d%H")


async def count_refusal(redis: Any, tenant_id: str, verdict: str) -> None:
    key = REFUSALS + _hour(clock.now())
    with contextlib.suppress(Exception):  # a tally: the 429 goes out whatever Redis says
        async with redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(key, f"{tenant_id}|{verdict}", 1)
            pipe.expire(key, (REFUSAL_HOURS + 1) * 3600)
            await pipe.execute()


async def refusals(redis: Any) -> list[Refusals]:
    """Refusals per tenant and reason, this hour and over the last 24 hours, most refused first."""
    now = clock.now()
    hours = [_hour(now - timedelta(hours=back)) for back in range(REFUSAL_HOURS)]
    async with redis.pipeline(transaction=False) as pipe:
        for hour in hours:
            pipe.hgetall(REFUSALS + hour)
        buckets: list[dict[Any, Any]] = await pipe.execute()
    day: dict[str, int] = {}
    current: dict[str, int] = {}
    for index, bucket in enumerate(buckets):
        for field, count in bucket.items():
            name = decoded(field)
            day[name] = day.get(name, 0) + int(count)
            if index == 0:
                current[name] = int(count)
    tallies = []
    for name, total in day.items():
        tenant_id, _, verdict = name.partition("|")
        tallies.append(Refusals(tenant_id, verdict, current.get(name, 0), total))
    return sorted(tallies, key=lambda tally: (-tally.last_day, tally.tenant_id))


async def record_checkpoint(redis: Any, tenant_id: str, outcome: str, detail: str = "") -> None:
    entry = json.dumps({"at": clock.now().isoformat(), "outcome": outcome, "detail": detail[:500]})
    with contextlib.suppress(Exception):
        await redis.hset(CHECKPOINTS, tenant_id, entry)


async def checkpoint_runs(redis: Any) -> list[CheckpointRun]:
    """Each tenant's last checkpoint run, the ones that did not anchor first (refused, failed), then oldest."""
    runs = []
    for tenant_id, entry in (await redis.hgetall(CHECKPOINTS)).items():
        data = json.loads(entry)
        runs.append(
            CheckpointRun(decoded(tenant_id), datetime.fromisoformat(data["at"]), data["outcome"], data["detail"])
        )
    return sorted(runs, key=lambda run: (run.outcome in ("written", "unchanged"), run.at))


async def last_seen(redis: Any, callers: list[str]) -> dict[str, datetime]:
    """When each of ``callers`` (``api_key:<id>``) was last admitted, for those seen since Redis started."""
    if not callers:
        return {}
    with contextlib.suppress(Exception):  # a page still shows without it
        values = await redis.hmget(LAST_SEEN, callers)
        return {
            caller: datetime.fromtimestamp(int(value), UTC)
            for caller, value in zip(callers, values, strict=True)
            if value is not None
        }
    return {}


def decoded(value: bytes | str) -> str:
    """A Redis answer as text, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value
