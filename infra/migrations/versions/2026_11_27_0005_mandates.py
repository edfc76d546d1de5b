"""Mandates, and the one cross-tenant entry point their acceptance links need.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pdp.platform.db.migration_helpers import protect_tenant_table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATUSES = ("pending", "active", "revoked", "expired")


def upgrade(app_role: str) -> None:
    op.create_table(
        "mandates",
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("id", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("provider_id", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("scope_recipients", postgresql.JSONB(), nullable=True),
        sa.Column("scope_invoice_types", postgresql.JSONB(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("contest_days", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(30), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.String(200), nullable=True),
        sa.Column("evidence_document_id", sa.String(30), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(20), nullable=True),
        sa.Column("expired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_mandates"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_mandates_tenant_id_tenants"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "provider_id"],
            ["providers.tenant_id", "providers.id"],
            name="fk_mandates_tenant_id_providers",
        ),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_mandates_status"),
    )
    op.create_index("ix_mandates_tenant_id_provider_id", "mandates", ["tenant_id", "provider_id"])
    op.create_index("ix_mandates_token_sha256", "mandates", ["token_sha256"])
    protect_tenant_table("mandates", app_role, "SELECT, INSERT, UPDATE")
    # The acceptance page is reached by a link, before any tenant is known: this narrow SECURITY DEFINER
    # function finds the mandate by the link's digest and binds its tenant for the rest of the transaction.
    op.execute("""
        CREATE FUNCTION pdp_mandate_by_token(digest text)
        RETURNS TABLE (tenant_id text, mandate_id text)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
            SELECT m.tenant_id, m.id INTO tenant_id, mandate_id
              FROM mandates m JOIN tenants t ON t.id = m.tenant_id
             WHERE m.token_sha256 = digest AND t.status = 'active';
            IF NOT FOUND THEN
                RETURN;
            END IF;
            PERFORM set_config('app.tenant_id', tenant_id, true);
            RETURN NEXT;
        END
        $$
    """)
    op.execute("REVOKE ALL ON FUNCTION pdp_mandate_by_token(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_mandate_by_token(text) TO {app_role}")


def downgrade(app_role: str) -> None:
    op.execute("DROP FUNCTION pdp_mandate_by_token(text)")
    op.drop_table("mandates")
