"""Shared DDL of the Alembic migrations (``infra/migrations``): the tenant-isolation recipe in one place."""

from __future__ import annotations

from alembic import op

TENANT = "nullif(current_setting('app.tenant_id', true), '')"


def staff_role_for(app_role: str) -> str:
    """The role support staff read tenant rows as, under an access grant (created with the app role's)."""
    return f"{app_role}_staff"


def protect_tenant_table(table: str, app_role: str, privileges: str, *, column: str = "tenant_id") -> None:
    """Row-level security, enabled and forced, keyed on ``column`` = the transaction's tenant; then the grants."""
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} USING ({column} = {TENANT}) WITH CHECK ({column} = {TENANT})"
    )
    op.execute(f"GRANT {privileges} ON {table} TO {app_role}")
