"""An invoice shows the later invoices that name it (its replacement, its credit notes): index the link.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade(app_role: str) -> None:
    # Partial: most invoices name no other, so the index holds only credit notes and corrected invoices.
    op.create_index(
        "ix_invoices_original_invoice_id",
        "invoices",
        ["tenant_id", "original_invoice_id"],
        postgresql_where=sa.text("original_invoice_id IS NOT NULL"),
    )


def downgrade(app_role: str) -> None:
    op.drop_index("ix_invoices_original_invoice_id", "invoices")
