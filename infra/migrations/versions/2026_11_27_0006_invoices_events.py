"""Deposited invoices and events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pdp.platform.db.migration_helpers import protect_tenant_table

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATUSES = (
    "received",
    "invalid",
    "queued",
    "submitted",
    "deposited",
    "delivered",
    "in_process",
    "suspended",
    "completed",
    "to_recycle",
    "approved",
    "payment_sent",
    "paid",
    "rejected",
    "withdrawn",
    "failed",
)
FORMATS = ("ubl", "cii", "facturx", "pdf", "json")


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(19, 2), nullable=False)


def upgrade(app_role: str) -> None:
    op.create_table(
        "invoices",
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("id", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("provider_id", sa.String(30), nullable=False),
        sa.Column("mandate_id", sa.String(30), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("total_excl_tax"),
        _money("total_tax"),
        _money("total_incl_tax"),
        _money("amount_due"),
        sa.Column("recipient_siret", sa.String(14), nullable=False),
        sa.Column("service_code", sa.String(100), nullable=True),
        sa.Column("engagement_number", sa.String(50), nullable=True),
        sa.Column("billing_frame", sa.String(3), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("flux_syntax", sa.String(40), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("original_document_id", sa.String(30), nullable=False),
        sa.Column("deposit_document_id", sa.String(30), nullable=False),
        sa.Column("archive_sha256", sa.String(64), nullable=False),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("chorus_flux_number", sa.String(40), nullable=True),
        sa.Column("chorus_invoice_id", sa.BigInteger(), nullable=True),
        sa.Column("chorus_status", sa.String(60), nullable=True),
        sa.Column("chorus_status_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_payment_date", sa.Date(), nullable=True),
        sa.Column("submit_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_invoices"),
        sa.UniqueConstraint("tenant_id", "provider_id", "number", name="uq_invoices_tenant_id_provider_id_number"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_invoices_tenant_id_tenants"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "provider_id"],
            ["providers.tenant_id", "providers.id"],
            name="fk_invoices_tenant_id_providers",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "mandate_id"], ["mandates.tenant_id", "mandates.id"], name="fk_invoices_tenant_id_mandates"
        ),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_invoices_status"),
        sa.CheckConstraint(f"format IN {FORMATS}", name="ck_invoices_format"),
        sa.CheckConstraint("type IN ('invoice', 'credit_note')", name="ck_invoices_type"),
    )
    op.create_index("ix_invoices_tenant_id_status", "invoices", ["tenant_id", "status"])
    protect_tenant_table("invoices", app_role, "SELECT, INSERT, UPDATE")

    op.create_table(
        "events",
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("id", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.String(30), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_events"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_events_tenant_id_tenants"),
    )
    op.create_index("ix_events_tenant_id_subject_id", "events", ["tenant_id", "subject_id"])
    protect_tenant_table("events", app_role, "SELECT, INSERT")


def downgrade(app_role: str) -> None:
    op.drop_table("events")
    op.drop_table("invoices")
