"""An access grant: a staff member may read one tenant's rows (narrowed to a provider or an invoice) for a while."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.db.base import Base, TenantScoped


class StaffAccessGrant(TenantScoped, Base):
    """Opened by a staff member with a reason and a ticket; ``created_at`` is when. The tenant lists them
    (``GET /v1/staff-access``); a staff session reads the tenant's rows only while one is open (migration 0024)."""

    __tablename__ = "staff_access_grants"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        ForeignKeyConstraint(["staff_id"], ["staff_users.id"]),
        CheckConstraint("expires_at > created_at", name="expiry"),
        CheckConstraint("length(btrim(reason)) > 0 AND length(btrim(ticket)) > 0", name="why"),
        Index("ix_staff_access_grants_created_at", "tenant_id", "created_at"),
    )

    staff_id: Mapped[str] = mapped_column(String(30))
    staff_name: Mapped[str] = mapped_column(String(200))  # as it was when the grant was opened
    provider_id: Mapped[str | None] = mapped_column(String(30))
    invoice_id: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    ticket: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reads: Mapped[int] = mapped_column(Integer, server_default="0")  # pages read under it (each also audited)


class StaffSession(Base):
    """A signed-in console browser (password and code both passed): the cookie holds a random token, the row its
    SHA-256. Global, as staff are; it ends after a while idle, at its maximum age, or at sign-out."""

    __tablename__ = "staff_sessions"
    __table_args__ = (ForeignKeyConstraint(["staff_id"], ["staff_users.id"]),)

    id: Mapped[str] = mapped_column(String(30), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(30))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
