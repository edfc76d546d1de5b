"""Webhook endpoints, one delivery per (event, endpoint), and the log of every attempt to deliver it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.db.base import Base, TenantScoped

DELIVERY_STATUSES = ("pending", "delivered", "failed", "canceled")
TRIGGERS = ("automatic", "replay")


class WebhookEndpoint(TenantScoped, Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),)

    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(ARRAY(String(40)))  # event types, or ["*"] for all
    secret_enc: Mapped[str] = mapped_column(Text)  # envelope-encrypted, bound to tenant and endpoint
    # After a rotation, the former secret still signs (beside the new one) until it expires: receivers move over
    # without a failed delivery.
    previous_secret_enc: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Deleted endpoints are kept (soft delete) so that their delivery log stays readable for support.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebhookDelivery(TenantScoped, Base):
    """One event for one endpoint. ``next_attempt_at`` is set exactly while it is pending: the sweep reads it."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        ForeignKeyConstraint(["tenant_id", "endpoint_id"], ["webhook_endpoints.tenant_id", "webhook_endpoints.id"]),
        ForeignKeyConstraint(["tenant_id", "event_id"], ["events.tenant_id", "events.id"]),
        UniqueConstraint("tenant_id", "endpoint_id", "event_id"),
        CheckConstraint(f"status IN {DELIVERY_STATUSES}", name="status"),
        Index(
            "ix_webhook_deliveries_next_attempt_at",
            "next_attempt_at",
            postgresql_where=text("next_attempt_at IS NOT NULL"),
        ),
    )

    endpoint_id: Mapped[str] = mapped_column(String(30))
    event_id: Mapped[str] = mapped_column(String(30))
    event_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    # Failures since the last success or replay: the position in the retry schedule.
    consecutive_failures: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set by a replay until its attempt starts, so that the log says which attempt the tenant asked for.
    replay_requested: Mapped[bool] = mapped_column(Boolean, server_default=false())
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebhookAttempt(TenantScoped, Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        ForeignKeyConstraint(["tenant_id", "delivery_id"], ["webhook_deliveries.tenant_id", "webhook_deliveries.id"]),
        CheckConstraint(f"trigger IN {TRIGGERS}", name="trigger"),
        Index("ix_webhook_attempts_tenant_id_delivery_id", "tenant_id", "delivery_id"),
    )

    delivery_id: Mapped[str] = mapped_column(String(30))
    trigger: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)  # None: no HTTP answer (refused, timeout, blocked)
    error: Mapped[str | None] = mapped_column(Text)  # "<code>: <detail>", e.g. "timeout: no answer in 10 s"
