"""Providers: the suppliers a tenant deposits invoices for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.db.base import Base, TenantScoped

PASSWORD_NOTICES = ("expiring", "expired")  # the warnings about a technical account's password, in order


class Provider(TenantScoped, Base):
    __tablename__ = "providers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "siret"),
        UniqueConstraint("tenant_id", "external_id"),
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        CheckConstraint("status IN ('active', 'inactive')", name="status"),
        CheckConstraint(
            "chorus_account_status IN ('unchecked', 'valid', 'refused', 'not_attached')", name="chorus_account_status"
        ),
        CheckConstraint(f"chorus_password_notice IN {PASSWORD_NOTICES}", name="chorus_password_notice"),
    )

    siret: Mapped[str] = mapped_column(String(14))
    siren: Mapped[str] = mapped_column(String(9))
    vat_number: Mapped[str] = mapped_column(String(13))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), server_default="active")
    external_id: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[dict[str, Any] | None] = mapped_column(JSONB(none_as_null=True))
    iban: Mapped[str | None] = mapped_column(String(34))
    # The provider's own Chorus Pro technical account (docs/api.md PUT /v1/providers/{id}/chorus-account).
    chorus_login: Mapped[str | None] = mapped_column(String(200))
    chorus_password_enc: Mapped[str | None] = mapped_column(Text)
    chorus_account_status: Mapped[str | None] = mapped_column(String(20))
    chorus_account_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the account's password expires, as Chorus Pro last said, and the last warning sent for that date
    # (pdp.tenants.providers.chorus_password).
    chorus_password_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    chorus_password_read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    chorus_password_notice: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ChorusPlatformAccount(Base):
    """The platform's own technical account of one environment (``PDP_CHORUS_LOGIN``, ``PDP_CHORUS_LIVE_LOGIN``):
    when its password expires and what the operators were told. No tenant owns it (migration 0021)."""

    __tablename__ = "chorus_platform_accounts"
    __table_args__ = (
        CheckConstraint("mode IN ('test', 'live')", name="mode"),
        CheckConstraint(f"notice IN {PASSWORD_NOTICES}", name="notice"),
    )

    mode: Mapped[str] = mapped_column(String(4), primary_key=True)
    login: Mapped[str] = mapped_column(String(200), primary_key=True)
    structure_siret: Mapped[str | None] = mapped_column(String(14))
    password_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notice: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
