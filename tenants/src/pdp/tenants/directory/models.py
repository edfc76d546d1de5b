"""Chorus Pro's directory of public recipients, cached: the same public data for every tenant, so not tenant-scoped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pdp.platform.db.base import Base


class Recipient(Base):
    __tablename__ = "chorus_recipients"
    __table_args__ = (Index("ix_chorus_recipients_fetched_at", "fetched_at"),)

    siret: Mapped[str] = mapped_column(String(14), primary_key=True)
    # False caches "Chorus does not know this SIRET" (for a shorter time), so typos don't hit Chorus each time.
    known: Mapped[bool] = mapped_column(Boolean)
    chorus_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(300), server_default="")
    active: Mapped[bool] = mapped_column(Boolean, server_default="false")
    service_code_required: Mapped[bool] = mapped_column(Boolean, server_default="false")
    engagement_required: Mapped[bool] = mapped_column(Boolean, server_default="false")
    engagement_or_service_required: Mapped[bool] = mapped_column(Boolean, server_default="false")
    # statutMiseEnPaiementNestPasRemonte: this buyer never reports MISE_EN_PAIEMENT, so tracking must not wait for it.
    payment_status_hidden: Mapped[bool] = mapped_column(Boolean, server_default="false")
    # The structure's postal address (adressePostaleDuSiege): the buyer's address on invoices pdp writes.
    address_line: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(200))
    country_code: Mapped[str | None] = mapped_column(String(2))
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    services: Mapped[list[RecipientService]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RecipientService.code"
    )


class RecipientService(Base):
    __tablename__ = "chorus_recipient_services"

    siret: Mapped[str] = mapped_column(
        String(14), ForeignKey("chorus_recipients.siret", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    chorus_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(300), server_default="")
    active: Mapped[bool] = mapped_column(Boolean)
    engagement_required: Mapped[bool] = mapped_column(Boolean, server_default="false")
