"""The list of active tenants, for daily jobs that fan out one job per tenant (mandate expiry, archive checks).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade(app_role: str) -> None:
    # Ids only, nothing else about any tenant: the app role cannot list tenants itself (RLS on tenants.id).
    op.execute("""
        CREATE FUNCTION pdp_active_tenants() RETURNS SETOF text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            SELECT id::text FROM tenants WHERE status = 'active' ORDER BY id
        $$
    """)
    op.execute("REVOKE ALL ON FUNCTION pdp_active_tenants() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_active_tenants() TO {app_role}")


def downgrade(app_role: str) -> None:
    op.execute("DROP FUNCTION pdp_active_tenants()")
