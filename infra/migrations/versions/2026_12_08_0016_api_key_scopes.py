"""API keys carry scopes; an invoice records the mode (test or live) of the key that deposited it.

Existing keys become ``admin`` (read, deposit, admin): until now every key could do everything, so this keeps
every integration working; tenants narrow them by creating scoped keys and revoking the old ones. Existing
invoices become ``test``: they were deposited on the one Chorus Pro the platform was configured with, which the
``PDP_CHORUS_*`` settings now name as the qualification environment (production is ``PDP_CHORUS_LIVE_*``).
No default stays on either column: every new key and invoice says what it is.

``pdp_authenticate`` now also returns the key's scopes, so a request learns them with its one lookup.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_AUTHENTICATE = """
    CREATE FUNCTION pdp_authenticate(digest text)
    RETURNS TABLE (api_key_id text, tenant_id text, mode text, {scopes}revoked boolean)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path} AS $$
    BEGIN
        SELECT k.id, k.tenant_id, k.mode, {select_scopes}k.revoked_at IS NOT NULL
          INTO api_key_id, tenant_id, mode, {into_scopes}revoked
          FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
         WHERE k.key_sha256 = digest AND t.status = 'active';
        IF NOT FOUND THEN
            RETURN;
        END IF;
        -- Binding the tenant here saves each request a round trip. set_config(..., true) lasts until the
        -- end of the caller's transaction only, and a revoked key binds nothing.
        IF NOT revoked THEN
            PERFORM set_config('app.tenant_id', tenant_id, true);
        END IF;
        RETURN NEXT;
    END
    $$
"""


def _authenticate(app_role: str, *, with_scopes: bool, path: str) -> None:
    op.execute("DROP FUNCTION pdp_authenticate(text)")  # its result type changes: CREATE OR REPLACE cannot
    op.execute(
        _AUTHENTICATE.format(
            scopes="scopes text[], " if with_scopes else "",
            select_scopes="k.scopes::text[], " if with_scopes else "",
            into_scopes="scopes, " if with_scopes else "",
            path=path,
        )
    )
    op.execute("REVOKE ALL ON FUNCTION pdp_authenticate(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_authenticate(text) TO {app_role}")


def upgrade(app_role: str) -> None:
    op.add_column(
        "api_keys",
        sa.Column("scopes", postgresql.ARRAY(sa.String(10)), nullable=False, server_default="{read,deposit,admin}"),
    )
    op.alter_column("api_keys", "scopes", server_default=None)
    op.create_check_constraint(
        "ck_api_keys_scopes",
        "api_keys",
        "cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'deposit', 'admin']::varchar[]",
    )
    op.add_column("invoices", sa.Column("mode", sa.String(4), nullable=False, server_default="test"))
    op.alter_column("invoices", "mode", server_default=None)
    op.create_check_constraint("ck_invoices_mode", "invoices", "mode IN ('test', 'live')")
    # pg_temp last: a SECURITY DEFINER function must never read a caller's temporary table (migration 0015).
    _authenticate(app_role, with_scopes=True, path="pg_catalog, public, pg_temp")


def downgrade(app_role: str) -> None:
    _authenticate(app_role, with_scopes=False, path="pg_catalog, public, pg_temp")
    op.drop_constraint("ck_invoices_mode", "invoices")
    op.drop_column("invoices", "mode")
    op.drop_constraint("ck_api_keys_scopes", "api_keys")
    op.drop_column("api_keys", "scopes")
