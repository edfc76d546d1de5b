"""Append-only audit log, hash-chained per tenant and lane.

Each event stores ``hash = sha256(prev_hash + canonical JSON of the event)``; the first event of a chain
chains from 64 zeros. Tampering with, deleting or reordering any stored event breaks every later hash of its
chain, which :func:`verify` reports. The database refuses UPDATE, DELETE and TRUNCATE on the table (trigger +
grants), and appends to one chain are serialised by a transaction-scoped advisory lock so it never forks.

A tenant has :data:`LANES` chains, and an event goes to the one its target hashes to: every event of one invoice
(or key, or mandate) is in one chain, in order, while a platform's many deposits at once no longer wait for each
other's commit on a single lock (the bench measured a single-tenant burst at 60% of a spread one's throughput).
Event data should hold strings, integers and booleans: JSON floats do not round-trip exactly.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, SmallInteger, String, UniqueConstraint, func, select, text, tuple_
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform import clock, ids
from pdp.platform.db.base import Base, TenantScoped
from pdp.platform.db.repository import TENANT_WIDE, TenantRepository

GENESIS = "0" * 64
LANES = 16


class AuditEvent(TenantScoped, Base):
    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("tenant_id", "lane", "seq"),)

    lane: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    seq: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(80))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True, slots=True)
class Head:
    """The last event of a chain, as a checkpoint records it (:mod:`pdp.platform.audit_anchor`)."""

    lane: int
    seq: int
    hash: str


# One index probe per lane (the unique key's order), never a scan of the tenant's events: checkpoints run often.
_HEADS = text(
    "SELECT h.lane, h.seq, h.hash FROM generate_series(0, :lanes - 1) AS l(lane) CROSS JOIN LATERAL ("
    " SELECT lane, seq, hash FROM audit_events WHERE tenant_id = :tenant_id AND lane = l.lane"
    " ORDER BY seq DESC LIMIT 1) AS h"
)


@dataclass(frozen=True, slots=True)
class Actor:
    type: str  # "api_key", "portal_user", "staff", "system"
    id: str


def lane_of(target_type: str, target_id: str) -> int:
    """The chain a target's events go to: stable across processes and releases (CRC-32, not ``hash()``)."""
    return zlib.crc32(f"{target_type}:{target_id}".encode()) % LANES


def _digest(event: AuditEvent) -> str:
    body: dict[str, Any] = {
        "tenant_id": event.tenant_id,
        "id": event.id,
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": [event.actor_type, event.actor_id],
        "action": event.action,
        "target": [event.target_type, event.target_id],
        "data": event.data,
    }
    if event.lane:  # lane 0 hashes as events did before lanes existed, so those chains still verify
        body["lane"] = event.lane
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((event.prev_hash + canonical).encode()).hexdigest()


class AuditRepository(TenantRepository[AuditEvent]):
    model = AuditEvent
    provider_key = TENANT_WIDE  # every caller's acts are chained in the tenant's log

    async def append(
        self, actor: Actor, action: str, target_type: str, target_id: str, data: dict[str, Any] | None = None
    ) -> AuditEvent:
        # Rows the caller added are written first, outside the lock: it is held until commit.
        await self.session.flush()
        lane = lane_of(target_type, target_id)
        await self._lock(lane)
        head = (
            await self.session.execute(
                self.select().where(AuditEvent.lane == lane).order_by(AuditEvent.seq.desc()).limit(1)
            )
        ).scalar_one_or_none()
        event = AuditEvent(
            tenant_id=self.tenant_id,
            id=ids.new_id("audit_event"),
            lane=lane,
            seq=(head.seq + 1) if head else 1,
            occurred_at=clock.now(),
            actor_type=actor.type,
            actor_id=actor.id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            data=data or {},
            prev_hash=head.hash if head else GENESIS,
        )
        event.hash = _digest(event)
        self.session.add(event)
        await self.session.flush()
        return event

    async def last_acts(self, actor_type: str, actor_ids: list[str]) -> dict[str, datetime]:
        """When each of these actors last did something audited (reads are not audited)."""
        query = (
            select(AuditEvent.actor_id, func.max(AuditEvent.occurred_at))
            .where(
                AuditEvent.tenant_id == self.tenant_id,
                AuditEvent.actor_type == actor_type,
                AuditEvent.actor_id.in_(actor_ids),
            )
            .group_by(AuditEvent.actor_id)
        )
        return {actor_id: at for actor_id, at in await self.session.execute(query)}

    async def _lock(self, lane: int) -> None:
        # Serialise appends to one chain until commit: two writers reading the same head would fork it.
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"audit:{self.tenant_id}:{lane}"},
        )

    async def lock_lanes(self, target_type: str, target_ids: list[str]) -> None:
        """Take, in lane order, the chains a transaction will append to for these targets: one that appends for
        several targets would otherwise take their lanes in any order, and two such transactions could each
        hold the lane the other waits for. (A lane locked twice in a transaction is simply held.)"""
        for lane in sorted({lane_of(target_type, target_id) for target_id in target_ids}):
            await self._lock(lane)

    async def lanes(self) -> list[int]:
        query = select(AuditEvent.lane).where(AuditEvent.tenant_id == self.tenant_id).distinct()
        rows = await self.session.execute(query.order_by(AuditEvent.lane))
        return list(rows.scalars())

    async def heads(self) -> dict[int, Head]:
        """Each lane's last event, by lane (lanes without events are absent)."""
        rows = await self.session.execute(_HEADS, {"lanes": LANES, "tenant_id": self.tenant_id})
        return {lane: Head(lane, seq, digest) for lane, seq, digest in rows}

    async def hashes_at(self, positions: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """The stored hash at each (lane, seq) that still holds an event."""
        if not positions:
            return {}
        query = select(AuditEvent.lane, AuditEvent.seq, AuditEvent.hash).where(
            AuditEvent.tenant_id == self.tenant_id, tuple_(AuditEvent.lane, AuditEvent.seq).in_(positions)
        )
        return {(lane, seq): digest for lane, seq, digest in await self.session.execute(query)}

    async def stream(self, lane: int, batch: int = 1000) -> AsyncIterator[AuditEvent]:
        after = 0
        while True:
            query = self.select().where(AuditEvent.lane == lane, AuditEvent.seq > after)
            rows = (await self.session.execute(query.order_by(AuditEvent.seq).limit(batch))).scalars().all()
            if not rows:
                return
            for row in rows:
                yield row
            after = rows[-1].seq


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    events: int
    broken_at_seq: int | None = None
    reason: str = ""
    lane: int | None = None  # the chain that broke


def _break(event: AuditEvent, expected_seq: int, expected_prev: str) -> str:
    """Why ``event`` does not follow its chain's previous event, or "" when it does."""
    if event.seq != expected_seq:
        return f"missing event before seq {event.seq}"
    if event.prev_hash != expected_prev:
        return "prev_hash does not match the previous event"
    if _digest(event) != event.hash:
        return "event content does not match its hash"
    return ""


async def verify(session: AsyncSession) -> VerifyResult:
    """Recompute each of the session tenant's chains from its first event; report the first break."""
    repository = AuditRepository(session)
    count = 0
    for lane in await repository.lanes():
        expected_prev, expected_seq = GENESIS, 1
        async for event in repository.stream(lane):
            if broken := _break(event, expected_seq, expected_prev):
                return VerifyResult(False, count, event.seq, broken, lane)
            expected_prev, expected_seq, count = event.hash, expected_seq + 1, count + 1
    return VerifyResult(True, count)


async def tenants_with_events(session: AsyncSession) -> list[str]:
    rows = await session.execute(select(AuditEvent.tenant_id).distinct())
    return list(rows.scalars())
