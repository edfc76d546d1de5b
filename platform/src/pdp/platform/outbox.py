"""Transactional outbox: a job row written in the business transaction, relayed to the queue afterwards.

Postgres is the source of truth and Redis only a doorbell (arq's author gives the same advice for Redis data
loss). The relay claims due rows across tenants through ``pdp_outbox_claim`` — a SECURITY DEFINER function,
because the application role cannot see other tenants' rows — with a lease: a relay that dies after claiming
leaves rows that become due again when the lease ends. Delivery is therefore at least once; each job gets
``job_id = "outbox:<id>"`` so arq drops duplicates while the first is queued, and jobs are idempotent anyway.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform import ids
from pdp.platform.db.base import Base, TenantScoped
from pdp.platform.db.tenancy import tenant_of
from pdp.platform.errors import TenantContextMissing
from pdp.platform.jobs import JobQueue, JobRequest


class OutboxMessage(TenantScoped, Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "available_at", postgresql_where=text("relayed_at IS NULL")),)

    job_name: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    available_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    relayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def add(session: AsyncSession, job_name: str, **payload: Any) -> OutboxMessage:
    """Stage ``job_name(tenant_id=…, **payload)`` in the current transaction."""
    tenant_id = tenant_of(session)
    if tenant_id is None:
        raise TenantContextMissing("outbox messages belong to a tenant")
    message = OutboxMessage(tenant_id=tenant_id, id=ids.new_id("outbox"), job_name=job_name, payload=payload)
    session.add(message)
    return message


async def relay_once(
    sessionmaker: async_sessionmaker[AsyncSession], queue: JobQueue, *, batch: int = 200, lease_seconds: int = 60
) -> int:
    """Send one batch of due messages; returns how many were relayed."""
    async with sessionmaker() as session, session.begin():
        claimed = (
            await session.execute(
                text("SELECT tenant_id, id, job_name, payload FROM pdp_outbox_claim(:batch, :lease)"),
                {"batch": batch, "lease": lease_seconds},
            )
        ).all()
    if not claimed:
        return 0
    for row in claimed:
        kwargs = {**row.payload, "tenant_id": row.tenant_id}
        await queue.send(JobRequest(row.job_name, kwargs, job_id=f"outbox:{row.id}"))
    async with sessionmaker() as session, session.begin():
        await session.execute(
            text("SELECT pdp_outbox_complete(:tenants, :ids)"),
            {"tenants": [row.tenant_id for row in claimed], "ids": [row.id for row in claimed]},
        )
    return len(claimed)


async def purge_expired(sessionmaker: async_sessionmaker[AsyncSession], *, batch: int = 5000) -> int:
    """Delete one batch of expired idempotency keys and of outbox rows relayed over 7 days ago."""
    async with sessionmaker() as session, session.begin():
        deleted: int = (await session.execute(text("SELECT pdp_purge_expired(:batch)"), {"batch": batch})).scalar_one()
    return deleted
