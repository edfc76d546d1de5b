"""Tenants (the platforms), their API keys, portal users with memberships, and staff users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.callers import PortalRole
from pdp.platform.db.base import Base, TenantScoped

Role = PortalRole  # the portal roles are part of the caller model, which the platform layer owns


class Tenant(Base):
    __tablename__ = "tenants"
    __table_args__ = (
        CheckConstraint("brand_colour ~ '^#[0-9a-f]{6}$'", name="brand_colour"),
        CheckConstraint("brand_logo_type IN ('image/png', 'image/jpeg')", name="brand_logo_type"),
        CheckConstraint("status IN ('active', 'suspended')", name="status"),
    )

    id: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), server_default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Suspended by pdp's staff (an admin): its API keys get 403 tenant_suspended, its portal says why.
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    # The provider portal wears the platform's brand: providers reach it from their marketplace.
    brand_colour: Mapped[str | None] = mapped_column(String(7))
    brand_logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    brand_logo_type: Mapped[str | None] = mapped_column(String(20))


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
        CheckConstraint("locale IN ('fr', 'en')", name="locale"),
        CheckConstraint("status IN ('invited', 'active', 'disabled')", name="status"),
    )

    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id
    status: Mapped[str] = mapped_column(String(20), server_default="active")
    locale: Mapped[str] = mapped_column(String(2), server_default="fr")
    # Envelope-encrypted (pdp.platform.security.envelope), bound to the row; set once the user has confirmed a code.
    totp_secret_enc: Mapped[str | None] = mapped_column(Text)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    proconnect_sub: Mapped[str | None] = mapped_column(String(255))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Which e-mails the user gets: {"invoice_status": [statuses], ...}; empty = the defaults of their role.
    notifications: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


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


class PortalSession(TenantScoped, Base):
    """A signed-in browser: the cookie holds a random token, the row only its SHA-256."""

    __tablename__ = "portal_sessions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "token_sha256"),
        ForeignKeyConstraint(
            ["tenant_id", "user_id"], ["portal_users.tenant_id", "portal_users.id"], ondelete="CASCADE"
        ),
        CheckConstraint(
            "method IN ('password', 'magic_link', 'proconnect', 'chorus_account', 'postal_code', 'invitation')",
            name="method",
        ),
    )

    user_id: Mapped[str] = mapped_column(String(30))
    token_sha256: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(20))  # how the user signed in
    second_factor_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))


TOKEN_PURPOSES = ("sign_in", "user_invitation", "mandate_invitation", "password_reset")


class PortalToken(TenantScoped, Base):
    """A single-use link pdp e-mails, stored by digest: what it grants, to whom, until when."""

    __tablename__ = "portal_tokens"
    __table_args__ = (
        UniqueConstraint("tenant_id", "token_sha256"),
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        CheckConstraint(f"purpose IN {TOKEN_PURPOSES}", name="purpose"),
        CheckConstraint("role IS NULL OR role IN ('admin', 'depositor', 'viewer')", name="role"),
    )

    purpose: Mapped[str] = mapped_column(String(20))
    token_sha256: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[str | None] = mapped_column(String(30))
    provider_id: Mapped[str | None] = mapped_column(String(30))
    mandate_id: Mapped[str | None] = mapped_column(String(30))
    role: Mapped[str | None] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# support: reads under a grant, and the safe actions; operator: every action; admin: staff accounts, tenant lifecycle.
STAFF_ROLES = ("support", "operator", "admin")


class StaffUser(Base):
    """Back-office support staff: not tenant-owned; every access they make to a tenant is audited."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint(f"role IN {STAFF_ROLES}", name="role"),)

    id: Mapped[str] = mapped_column(String(30), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    totp_secret_enc: Mapped[str | None] = mapped_column(Text)  # sealed as a portal user's is
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


STAFF_CASE_KINDS = (
    "siret_contested",
    "invoice_stalled",
    "chorus_state_unknown",
    "archive_mismatch",  # a sampled archived document no longer hashes to what was recorded
    "audit_chain_broken",  # the audit log no longer holds its last checkpoint
    "manual_follow_up",  # support marked an invoice for a person to follow (a call, a letter)
)


class StaffCase(Base):
    """The staff queue: a case support must look at, across tenants (a SIRET two tenants ask mandates for, an
    invoice stalled or in a Chorus state pdp does not know).

    The app role has no grant on it: tenants raise cases through ``pdp_flag_contested_siret`` (migration 0019) and
    ``pdp_open_invoice_case`` (0022), which check the caller's own claim before they write; the back-office
    console reads the queue."""

    __tablename__ = "staff_cases"
    __table_args__ = (
        CheckConstraint(f"kind IN {STAFF_CASE_KINDS}", name="kind"),
        # One open case per contested SIRET: a third tenant joins the open case rather than opening another.
        Index("ux_staff_cases_open_siret", "kind", "siret", unique=True, postgresql_where=text("resolved_at IS NULL")),
        # One open case per invoice and kind: a later occurrence updates it.
        Index(
            "ux_staff_cases_open_subject",
            "kind",
            "subject_id",
            unique=True,
            postgresql_where=text("resolved_at IS NULL AND subject_id IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(30), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    siret: Mapped[str | None] = mapped_column(String(14))
    subject_id: Mapped[str | None] = mapped_column(String(30))  # the invoice of an invoice case
    tenant_ids: Mapped[list[str]] = mapped_column(ARRAY(String(30)))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution: Mapped[str | None] = mapped_column(Text)


class StaffActivity(Base):
    """A change an admin made to a staff account (created, role changed, TOTP reset, disabled). Written only by
    ``pdp_staff_account_change`` (migration 0025), in the change's own transaction; the app role has no grant on
    it. The console's Activité page reads it with sign-ins and grants (``pdp_staff_activity``)."""

    __tablename__ = "staff_activity"
    __table_args__ = (Index("ix_staff_activity_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    admin_id: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
