"""Provider scope in row-level security: a portal user sees only the providers it belongs to, even through a
query that forgets the filter.

Next to ``app.tenant_id``, the transaction-local ``app.provider_ids`` (comma-separated provider ids) narrows a
tenant to some of its providers; unset or empty, the whole tenant is visible, as an API key or a job sees it.
The narrowing is a RESTRICTIVE policy, ANDed with the tenant policy each table already has, on every table
whose rows belong to a provider: providers themselves, mandates, invoices, documents (a document without a
provider is the tenant's, so hidden from a provider-scoped caller), memberships, and events, which name only
their subject (the provider, or one of its invoices or mandates: those subqueries are themselves scoped).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-09
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PROVIDERS = "nullif(current_setting('app.provider_ids', true), '')"
IN_SCOPE = f"= ANY (string_to_array({PROVIDERS}, ','))"

SCOPED_BY_COLUMN = {
    "providers": "id",
    "mandates": "provider_id",
    "invoices": "provider_id",
    "documents": "provider_id",
    "memberships": "provider_id",
}

EVENTS_OF_SCOPE = f"""
    subject_id {IN_SCOPE}
    OR EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = events.tenant_id AND i.id = events.subject_id)
    OR EXISTS (SELECT 1 FROM mandates m WHERE m.tenant_id = events.tenant_id AND m.id = events.subject_id)
"""


def _restrict(table: str, condition: str) -> None:
    rule = f"({PROVIDERS} IS NULL OR {condition})"
    op.execute(f"CREATE POLICY provider_scope ON {table} AS RESTRICTIVE USING {rule} WITH CHECK {rule}")


def upgrade(app_role: str) -> None:
    for table, column in SCOPED_BY_COLUMN.items():
        _restrict(table, f"{column} {IN_SCOPE}")
    _restrict("events", EVENTS_OF_SCOPE)


def downgrade(app_role: str) -> None:
    for table in (*SCOPED_BY_COLUMN, "events"):
        op.execute(f"DROP POLICY provider_scope ON {table}")
