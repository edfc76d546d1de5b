"""Archived documents: every original, generated Factur-X, mandate, evidence, report and Chorus receipt.

The bytes live in S3 under Object Lock; this row is how pdp finds them (key *and* version id: a key can get
newer versions, a locked version never changes) and proves them (SHA-256 and size, checked on every read).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Index,
    SmallInteger,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.db.base import Base, TenantScoped

KINDS = (
    "invoice_original",
    "invoice_facturx",
    "validation_report",
    "mandate",
    "mandate_evidence",
    "chorus_receipt",
    "attachment",
    "chorus_copy",  # Chorus Pro's own copy of the invoice (deposits/chorus_copies.py)
)


class ArchivedDocument(TenantScoped, Base):
    __tablename__ = "documents"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        ForeignKeyConstraint(["tenant_id", "provider_id"], ["providers.tenant_id", "providers.id"]),
        CheckConstraint(f"kind IN {KINDS}", name="kind"),
        Index("ix_documents_tenant_id_subject_id", "tenant_id", "subject_id"),
        # One Chorus copy per invoice (migration 0023).
        Index(
            "ux_documents_chorus_copy",
            "tenant_id",
            "subject_id",
            unique=True,
            postgresql_where=text("kind = 'chorus_copy'"),
        ),
    )

    provider_id: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(30))  # the invoice (inv_…) or mandate (mdt_…) it belongs to
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    s3_key: Mapped[str] = mapped_column(String(500))
    version_id: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    lock_mode: Mapped[str] = mapped_column(String(20))
    retain_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ArchiveUsage(Base):
    """Bytes a tenant has locked in the archive, over 16 rows per tenant that a trigger on ``documents`` adds to
    (infra/migrations 0017 says why); the app only reads it, to check the quota before an upload."""

    __tablename__ = "archive_usage"
    __table_args__ = (ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),)

    tenant_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bytes: Mapped[int] = mapped_column(BigInteger)
