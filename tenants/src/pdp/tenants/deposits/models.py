"""Deposited invoices: what a tenant deposited for a provider, and where it is in Chorus Pro."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.db.base import Base, TenantScoped
from pdp.tenants.deposits.lifecycle import STATUSES

FORMATS = ("ubl", "cii", "facturx", "pdf", "json")
Money = Numeric(19, 2)


class InvoiceRecord(TenantScoped, Base):
    __tablename__ = "invoices"
    __mapper_args__ = {"eager_defaults": True}  # server defaults come back with the INSERT (RETURNING), no refresh
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        ForeignKeyConstraint(["tenant_id", "provider_id"], ["providers.tenant_id", "providers.id"]),
        ForeignKeyConstraint(["tenant_id", "mandate_id"], ["mandates.tenant_id", "mandates.id"]),
        # Chorus refuses a number a supplier already used, even after a rejection: refuse it here first.
        UniqueConstraint("tenant_id", "provider_id", "number"),
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint(f"format IN {FORMATS}", name="format"),
        CheckConstraint("type IN ('invoice', 'credit_note')", name="type"),
        CheckConstraint("mode IN ('test', 'live')", name="mode"),
        ForeignKeyConstraint(["tenant_id", "original_invoice_id"], ["invoices.tenant_id", "invoices.id"]),
        CheckConstraint(
            "(relation IS NULL AND original_invoice_id IS NULL) OR "
            "(relation IN ('credits', 'replaces') AND original_invoice_id IS NOT NULL)",
            name="relation",
        ),
        Index("ix_invoices_tenant_id_status", "tenant_id", "status"),
        # The portal's dashboard (pdp.tenants.deposits.figures) reads a provider's figures from this index alone.
        Index(
            "ix_invoices_tenant_id_provider_id_status",
            "tenant_id",
            "provider_id",
            "status",
            postgresql_include=["currency", "amount_due", "expected_payment_date"],
        ),
        # The change feed names invoices by Chorus id: a stalled or suspended one it mentions is found at once.
        Index(
            "ix_invoices_chorus_invoice_id",
            "tenant_id",
            "chorus_invoice_id",
            postgresql_where=text("chorus_invoice_id IS NOT NULL"),
        ),
        Index("ix_invoices_next_check_at", "next_check_at", postgresql_where=text("next_check_at IS NOT NULL")),
        # An invoice shows what replaced or credited it: the few linked rows are found without a scan.
        Index(
            "ix_invoices_original_invoice_id",
            "tenant_id",
            "original_invoice_id",
            postgresql_where=text("original_invoice_id IS NOT NULL"),
        ),
    )

    provider_id: Mapped[str] = mapped_column(String(30))
    mandate_id: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(20))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    total_excl_tax: Mapped[Decimal] = mapped_column(Money)
    total_tax: Mapped[Decimal] = mapped_column(Money)
    total_incl_tax: Mapped[Decimal] = mapped_column(Money)
    amount_due: Mapped[Decimal] = mapped_column(Money)
    recipient_siret: Mapped[str] = mapped_column(String(14))
    service_code: Mapped[str | None] = mapped_column(String(100))
    engagement_number: Mapped[str | None] = mapped_column(String(50))
    billing_frame: Mapped[str] = mapped_column(String(3))
    validator_siret: Mapped[str | None] = mapped_column(String(14))  # frames A9, A12: soumettre's validator
    format: Mapped[str] = mapped_column(String(10))
    flux_syntax: Mapped[str | None] = mapped_column(String(40))  # None: plain PDF (deposer/pdf + soumettre)
    status: Mapped[str] = mapped_column(String(20))
    # The mode of the API key that deposited it: test invoices go to Chorus Pro's qualification environment,
    # live ones to production (pdp.tenants.chorus_gateway), for every call about them, tracking included.
    mode: Mapped[str] = mapped_column(String(4))
    original_document_id: Mapped[str] = mapped_column(String(30))
    deposit_document_id: Mapped[str] = mapped_column(String(30))  # the original, or the Factur-X pdp generated
    archive_sha256: Mapped[str] = mapped_column(String(64))
    retain_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    chorus_flux_number: Mapped[str | None] = mapped_column(String(40))
    chorus_invoice_id: Mapped[int | None] = mapped_column(BigInteger)
    chorus_status: Mapped[str | None] = mapped_column(String(60))
    chorus_status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expected_payment_date: Mapped[date | None] = mapped_column(Date)
    submit_attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    submit_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checks: Mapped[int] = mapped_column(Integer, server_default="0")
    # Chorus's status history is read whole each time: the entries already applied are skipped, so a buyer's
    # quick succession of statuses between two polls is still reported step by step, each once.
    chorus_history_seen: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    # A credit note "credits" the invoice it cancels; a corrected re-deposit "replaces" the rejected invoice (Chorus
    # Pro wants a new number for it, so it is a new invoice, linked to the old one).
    original_invoice_id: Mapped[str | None] = mapped_column(String(30))
    relation: Mapped[str | None] = mapped_column(String(20))
    # When the status last moved (updated_at moves with every poll): a status's age, for the stall limits.
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The Chorus time up to which the account's change feed covered this invoice: the next feed starts there.
    chorus_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ChorusExchange(TenantScoped, Base):
    """One call pdp made to Chorus Pro about an invoice and its answer, redacted of credentials and of file contents
    (:mod:`pdp.connectors.chorus_pro.exchanges`), kept for the archive period: the invoice's story on the console."""

    __tablename__ = "chorus_exchanges"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        Index("ix_chorus_exchanges_invoice_id", "tenant_id", "invoice_id"),
        # The console's failure counts across tenants (pdp_staff_chorus_errors) read the last day's failures only.
        Index("ix_chorus_exchanges_failures", "at", postgresql_where=text("error IS NOT NULL")),
    )

    invoice_id: Mapped[str] = mapped_column(String(30))
    path: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int] = mapped_column(Integer)
    http_status: Mapped[int | None] = mapped_column(Integer)
    code_retour: Mapped[str | None] = mapped_column(String(20))
    request: Mapped[Any] = mapped_column(JSONB)
    answer: Mapped[Any] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
