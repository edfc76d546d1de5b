"""Archived documents: S3 key, version id, SHA-256, size and retention of every stored document.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pdp.platform.db.migration_helpers import protect_tenant_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KINDS = (
    "invoice_original",
    "invoice_facturx",
    "validation_report",
    "mandate",
    "mandate_evidence",
    "chorus_receipt",
    "attachment",
)


def upgrade(app_role: str) -> None:
    op.create_table(
        "documents",
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("id", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("provider_id", sa.String(30), nullable=True),
        sa.Column("subject_id", sa.String(30), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("s3_key", sa.String(500), nullable=False),
        sa.Column("version_id", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("lock_mode", sa.String(20), nullable=False),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_documents"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_documents_tenant_id_tenants"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "provider_id"],
            ["providers.tenant_id", "providers.id"],
            name="fk_documents_tenant_id_providers",
        ),
        sa.CheckConstraint(f"kind IN {KINDS}", name="ck_documents_kind"),
    )
    op.create_index("ix_documents_tenant_id_subject_id", "documents", ["tenant_id", "subject_id"])
    # No DELETE: an archived document's record goes when its retention ends, by the owner, not by the app.
    protect_tenant_table("documents", app_role, "SELECT, INSERT, UPDATE")


def downgrade(app_role: str) -> None:
    op.drop_table("documents")
