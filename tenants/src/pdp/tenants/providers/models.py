"""Providers: the suppliers a tenant deposits invoices for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.db.base import Base, TenantScoped


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
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
