"""Events: what happened to a tenant's objects (docs/api.md § Webhooks), the source of webhooks and histories."""

from __future__ import annotations

from typing import Any, Literal, get_args

from sqlalchemy import ForeignKeyConstraint, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.db.base import Base, TenantScoped

EventType = Literal[
    "provider.created",
    "provider.chorus_password_expiring",
    "provider.chorus_password_expired",
    "mandate.activated",
    "mandate.revoked",
    "mandate.expired",
    "invoice.created",
    "invoice.status_changed",
]
TYPES: tuple[str, ...] = get_args(EventType)


class Event(TenantScoped, Base):
    __tablename__ = "events"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        Index("ix_events_tenant_id_subject_id", "tenant_id", "subject_id"),
    )

    type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(30))  # inv_…, mdt_…, prv_…
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
