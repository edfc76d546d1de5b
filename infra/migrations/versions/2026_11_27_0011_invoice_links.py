"""Links between invoices: a credit note to the invoice it credits, a corrected re-deposit to the rejected one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade(app_role: str) -> None:
    op.add_column("invoices", sa.Column("original_invoice_id", sa.String(30), nullable=True))
    op.add_column("invoices", sa.Column("relation", sa.String(20), nullable=True))
    op.create_foreign_key(
        "fk_invoices_tenant_id_invoices",
        "invoices",
        "invoices",
        ["tenant_id", "original_invoice_id"],
        ["tenant_id", "id"],
    )
    op.create_check_constraint(
        "ck_invoices_relation",
        "invoices",
        "(relation IS NULL AND original_invoice_id IS NULL) OR "
        "(relation IN ('credits', 'replaces') AND original_invoice_id IS NOT NULL)",
    )


def downgrade(app_role: str) -> None:
    op.drop_constraint("ck_invoices_relation", "invoices")
    op.drop_constraint("fk_invoices_tenant_id_invoices", "invoices")
    op.drop_column("invoices", "relation")
    op.drop_column("invoices", "original_invoice_id")
