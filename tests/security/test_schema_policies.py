"""Schema lint: every tenant table is protected by forced RLS, keys start with tenant_id, the app role is weak."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import DatabaseUrls

# Tables that are not tenant-owned, with the reason. Anything else must carry tenant_id (or be `tenants`).
GLOBAL_TABLES = {
    "schema_version": "Alembic's bookkeeping; the app role has no grant on it",
    "staff_users": "support staff work across tenants; their accesses are audited per tenant",
    "chorus_recipients": "Chorus Pro's public directory, the same for every tenant; holds no tenant data",
    "chorus_recipient_services": "the services of those public recipients",
    "chorus_platform_accounts": "the platform's own Chorus Pro accounts (one per environment); no tenant data",
    "staff_sessions": "a signed-in console browser of a staff member, who works across tenants",
    "staff_activity": "staff account changes across the platform, written by pdp_staff_account_change only",
    "staff_cases": "the staff queue spans tenants; the app role has no grant on it, only pdp_flag_contested_siret",
}


async def test_every_tenant_table_has_forced_rls_and_a_policy(owner_engine: AsyncEngine) -> None:
    async with owner_engine.connect() as conn:
        rows = (
            await conn.execute(
                text("""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                           AND NOT a.attisdropped) AS has_tenant,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        """)
            )
        ).all()
    assert rows
    for name, rls, forced, has_tenant, policies in rows:
        if name in GLOBAL_TABLES:
            continue
        assert has_tenant or name == "tenants", f"{name} has no tenant_id and is not declared global"
        assert rls and forced, f"{name}: row level security must be enabled and forced"
        assert policies >= 1, f"{name}: no policy"


async def test_every_tenant_table_lets_staff_read_only_under_an_open_grant(owner_engine: AsyncEngine) -> None:
    """Migration 0024's restrictive policy is on every table isolated by tenant (a later migration's new table
    must add it too), and the staff role may read nothing a support case does not need."""
    async with owner_engine.connect() as conn:
        isolated = set(
            (await conn.execute(text("SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation'")))
            .scalars()
            .all()
        )
        staff = {
            (row[0], row[1], row[2])
            for row in await conn.execute(
                text(
                    "SELECT tablename, permissive, array_to_string(roles, ',') FROM pg_policies"
                    " WHERE policyname = 'staff_grant'"
                )
            )
        }
        readable = set(
            (
                await conn.execute(
                    text(
                        "SELECT table_name FROM information_schema.role_table_grants"
                        " WHERE grantee = 'pdp_app_staff' AND privilege_type = 'SELECT'"
                    )
                )
            )
            .scalars()
            .all()
        )
        writable = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM information_schema.role_table_grants"
                    " WHERE grantee = 'pdp_app_staff' AND privilege_type <> 'SELECT'"
                )
            )
        ).scalar_one()
    assert isolated and staff == {(table, "RESTRICTIVE", "pdp_app_staff") for table in isolated}
    assert readable <= isolated
    assert not readable & {"portal_sessions", "portal_tokens", "identity_proofs", "idempotency_keys", "outbox"}
    assert writable == 0


async def test_unique_keys_of_tenant_tables_start_with_tenant_id(owner_engine: AsyncEngine) -> None:
    async with owner_engine.connect() as conn:
        rows = (
            await conn.execute(
                text("""
            SELECT t.relname, i.relname, a.attname
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
            WHERE n.nspname = 'public' AND x.indisunique
              AND EXISTS (SELECT 1 FROM pg_attribute ta WHERE ta.attrelid = t.oid AND ta.attname = 'tenant_id')
        """)
            )
        ).all()
    assert rows
    for table, index, first_column in rows:
        assert first_column == "tenant_id", f"{table}.{index} is unique but does not start with tenant_id"


async def test_the_app_role_cannot_bypass_rls(owner_engine: AsyncEngine, database: DatabaseUrls) -> None:
    async with owner_engine.connect() as conn:
        role = (
            await conn.execute(
                text(
                    "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'pdp_app'"
                )
            )
        ).one()
        owned = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'pdp_app'"
                )
            )
        ).scalar_one()
    assert tuple(role) == (False, False, False, False)
    assert owned == 0
    assert "pdp_app" in database.app_url and "pdp_owner" in database.owner_url
