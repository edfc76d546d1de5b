"""Mandates: a provider's express, written and prior authorisation for its tenant to deposit its invoices.

CGI annexe II art. 242 nonies I (docs/architecture.md, "Mandates"). Only the platform enforces it: Chorus Pro lets an
API depositor submit for any supplier, so every deposit — at intake and again at
submission — must fall inside an *active* mandate's scope and validity.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.db.base import Base, TenantScoped

STATUSES = ("pending", "active", "revoked", "expired")


class Mandate(TenantScoped, Base):
    __tablename__ = "mandates"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        ForeignKeyConstraint(["tenant_id", "provider_id"], ["providers.tenant_id", "providers.id"]),
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        Index("ix_mandates_tenant_id_provider_id", "tenant_id", "provider_id"),
        # Acceptance links are looked up by token digest before the tenant is known (pdp_mandate_by_token).
        Index("ix_mandates_token_sha256", "token_sha256"),
    )

    provider_id: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    scope_recipients: Mapped[list[str] | None] = mapped_column(JSONB(none_as_null=True))
    scope_invoice_types: Mapped[list[str] | None] = mapped_column(JSONB(none_as_null=True))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    contest_days: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[str] = mapped_column(String(30))
    document_sha256: Mapped[str] = mapped_column(String(64))
    # The single-use acceptance link: only its SHA-256 is kept (and kept after use, so a replay gets 410).
    token_sha256: Mapped[str | None] = mapped_column(String(64))
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by: Mapped[str | None] = mapped_column(String(200))
    evidence_document_id: Mapped[str | None] = mapped_column(String(30))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(20))  # tenant | provider
    expired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # pdp e-mails the invitation itself; acceptance needs a verified proof of identity (pdp.tenants.identity).
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    identity_proof_id: Mapped[str | None] = mapped_column(String(30))
    accepted_by_user_id: Mapped[str | None] = mapped_column(String(30))
    refusal_reason: Mapped[str | None] = mapped_column(String(500))  # the provider refused (revoked_by provider)
