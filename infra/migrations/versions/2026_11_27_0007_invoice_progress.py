"""Invoice progress: the deposit attempt marker, the next check, and the fair cross-tenant sweep that drives them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade(app_role: str) -> None:
    # Set (and committed) just before a deposit call: after a crash, its presence without a flux number means
    # "Chorus may have it", which must be reconciled before any new deposit.
    op.add_column("invoices", sa.Column("submit_started_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("invoices", sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("invoices", sa.Column("checks", sa.Integer(), nullable=False, server_default="0"))
    op.create_index(
        "ix_invoices_next_check_at",
        "invoices",
        ["next_check_at"],
        postgresql_where=sa.text("next_check_at IS NOT NULL"),
    )
    # The sweep runs across tenants (SECURITY DEFINER, like the outbox relay) and takes due invoices turn by turn:
    # each tenant's oldest first, so a tenant with 10,000 due invoices cannot starve one with a single invoice.
    # Claiming pushes next_check_at forward (a lease): a crashed worker's invoice comes back on its own.
    op.execute("""
        CREATE FUNCTION pdp_invoices_claim_due(batch integer, lease_seconds integer)
        RETURNS TABLE (tenant_id text, id text)
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            WITH due AS (
                SELECT i.tenant_id, i.id,
                       row_number() OVER (PARTITION BY i.tenant_id ORDER BY i.next_check_at) AS turn
                  FROM invoices i
                 WHERE i.next_check_at IS NOT NULL AND i.next_check_at <= now()
            ), picked AS (
                SELECT d.tenant_id, d.id FROM due d ORDER BY d.turn, d.tenant_id LIMIT batch
            )
            UPDATE invoices o
               SET next_check_at = now() + make_interval(secs => lease_seconds)
              FROM picked p
             WHERE o.tenant_id = p.tenant_id AND o.id = p.id AND o.next_check_at <= now()
            RETURNING o.tenant_id::text, o.id::text
        $$
    """)
    op.execute("REVOKE ALL ON FUNCTION pdp_invoices_claim_due(integer, integer) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_invoices_claim_due(integer, integer) TO {app_role}")


def downgrade(app_role: str) -> None:
    op.execute("DROP FUNCTION pdp_invoices_claim_due(integer, integer)")
    op.drop_index("ix_invoices_next_check_at", "invoices")
    for column in ("checks", "next_check_at", "submit_started_at"):
        op.drop_column("invoices", column)
