"""Tenants (the platforms), their API keys, portal users with memberships, and staff users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.callers import PortalRole
from pdp.platform.db.base import Base, TenantScoped

Role = PortalRole  # the portal roles are part of the caller model, which the platform layer owns


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), server_default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ApiKey(TenantScoped, Base):
    __tablename__ = "api_keys"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key_sha256"),
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        # Authentication looks keys up by digest before the tenant is known (pdp_authenticate).
        Index("ix_api_keys_key_sha256", "key_sha256"),
        CheckConstraint("mode IN ('test', 'live')", name="mode"),
        CheckConstraint(
            "cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'deposit', 'admin']::varchar[]", name="scopes"
        ),
    )

    name: Mapped[str] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(4))
    # What the key may do (pdp.tenants.accounts.scopes), stored closed: a deposit key holds read and deposit.
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(10)))
    key_sha256: Mapped[str] = mapped_column(String(64))
    last4: Mapped[str] = mapped_column(String(4))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PortalUser(TenantScoped, Base):
    """A person at a provider who uses the portal; scoped to one tenant (each platform has its own portal)."""

    __tablename__ = "portal_users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "email"),
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
    )

    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), server_default="active")


class Membership(TenantScoped, Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id", "provider_id"),
        ForeignKeyConstraint(
            ["tenant_id", "user_id"], ["portal_users.tenant_id", "portal_users.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "provider_id"], ["providers.tenant_id", "providers.id"], ondelete="CASCADE"),
        CheckConstraint("role IN ('admin', 'depositor', 'viewer')", name="role"),
    )

    user_id: Mapped[str] = mapped_column(String(30))
    provider_id: Mapped[str] = mapped_column(String(30))
    role: Mapped[str] = mapped_column(String(20))


class StaffUser(Base):
    """Back-office support staff: not tenant-owned; every access they make to a tenant is audited."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('support', 'admin')", name="role"),)

    id: Mapped[str] = mapped_column(String(30), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
