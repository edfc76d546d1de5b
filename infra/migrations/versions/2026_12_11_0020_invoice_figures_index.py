"""The portal's dashboard counts a provider's invoices per status and sums what is due: index them for it.

With 10,000 invoices for one provider, its statements read every row of the provider through the unique key
(tenant, provider, number) and then the table (2,500 pages per statement). This index holds what they read —
status, currency, amount due, expected payment date — so PostgreSQL answers from the index alone.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-11
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade(app_role: str) -> None:
    op.create_index(
        "ix_invoices_tenant_id_provider_id_status",
        "invoices",
        ["tenant_id", "provider_id", "status"],
        postgresql_include=["currency", "amount_due", "expected_payment_date"],
    )


def downgrade(app_role: str) -> None:
    op.drop_index("ix_invoices_tenant_id_provider_id_status", "invoices")
