"""What the app role (pdp_app) can do in PostgreSQL, attacked from a connection of its own, as a stolen app
password or an SQL injection would.

- A temporary table shadowing what a SECURITY DEFINER function reads must not be read by it: the probe made
  ``pdp_active_tenants()`` list a forged tenant, and the same trick on ``pdp_authenticate`` binds any tenant.
- Every SECURITY DEFINER function pins a search_path ending in ``pg_temp``, whichever migration makes it.
- The app role's grants are exactly an allow-list: a new grant is a deliberate edit of this file.
- The app role cannot create or promote a staff user, nor rewrite Chorus Pro's directory beyond its cache's needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.platform.db.admin import plain_url
from tests.conftest import DatabaseUrls

# Per table, what the app role may do, and why; RLS (test_schema_policies) narrows each tenant table to one tenant.
TABLE_GRANTS: dict[str, set[str]] = {
    "tenants": {"SELECT", "INSERT", "UPDATE"},
    "api_keys": {"SELECT", "INSERT", "UPDATE"},  # UPDATE: revocation
    "providers": {"SELECT", "INSERT", "UPDATE"},
    "portal_users": {"SELECT", "INSERT", "UPDATE", "DELETE"},
    "memberships": {"SELECT", "INSERT", "UPDATE", "DELETE"},
    "staff_users": {"SELECT"},  # staff are created and promoted by an operator, as the owner
    "idempotency_keys": {"SELECT", "INSERT", "UPDATE", "DELETE"},  # DELETE: a failed request frees its key
    "outbox": {"SELECT", "INSERT"},  # relayed through pdp_outbox_claim/complete
    "audit_events": {"SELECT", "INSERT"},  # append-only
    "chorus_recipients": {"SELECT", "INSERT", "UPDATE"},  # the directory cache's upsert
    "chorus_recipient_services": {"SELECT", "INSERT", "DELETE"},  # a recipient's services replaced as a whole
    "chorus_platform_accounts": {"SELECT", "INSERT", "UPDATE"},  # the daily read of the platform's passwords
    "documents": {"SELECT", "INSERT", "UPDATE"},  # UPDATE: verified_at
    "archive_usage": {"SELECT"},  # counted by a trigger on documents: the app cannot lower its usage
    "mandates": {"SELECT", "INSERT", "UPDATE"},
    "invoices": {"SELECT", "INSERT", "UPDATE"},
    "events": {"SELECT", "INSERT"},
    "webhook_endpoints": {"SELECT", "INSERT", "UPDATE"},
    "webhook_deliveries": {"SELECT", "INSERT", "UPDATE"},
    "webhook_attempts": {"SELECT", "INSERT"},
    "portal_sessions": {"SELECT", "INSERT", "UPDATE", "DELETE"},  # DELETE: sign-out everywhere
    "portal_tokens": {"SELECT", "INSERT", "UPDATE"},  # UPDATE: used_at (single use)
    "identity_proofs": {"SELECT", "INSERT", "UPDATE"},  # UPDATE: attempts, verified_at
    "staff_access_grants": {"SELECT", "INSERT", "UPDATE"},  # opened in the tenant's transaction; UPDATE: reads
    "staff_sessions": {"SELECT", "INSERT", "UPDATE"},  # the console signs staff in and out
    "chorus_exchanges": {"SELECT", "INSERT"},  # kept for the archive period: never changed nor deleted
    # staff_cases: no grant; tenants raise cases through pdp_flag_contested_siret and pdp_open_invoice_case only
}
FUNCTIONS = {
    "pdp_authenticate",
    "pdp_outbox_claim",
    "pdp_outbox_complete",
    "pdp_purge_expired",
    "pdp_mandate_by_token",
    "pdp_invoices_claim_due",
    "pdp_webhook_deliveries_claim_due",
    "pdp_active_tenants",
    "pdp_flag_contested_siret",
    "pdp_platforms_for_siret",
    "pdp_open_invoice_case",
    "pdp_staff_search",
    "pdp_staff_cases",
    "pdp_staff_account_change",
    "pdp_open_tenant_case",
    "pdp_staff_resolve_case",
    "pdp_staff_chorus_errors",
    "pdp_staff_activity",
}


@pytest.fixture
async def as_app(database: DatabaseUrls) -> AsyncIterator[asyncpg.Connection]:
    """A connection of its own (temporary tables die with it), as the app role, outside any tenant."""
    conn = await asyncpg.connect(plain_url(database.app_url))
    try:
        yield conn
    finally:
        await conn.close()


async def test_a_temporary_table_does_not_hijack_the_tenant_list(as_app: asyncpg.Connection) -> None:
    await as_app.execute("CREATE TEMPORARY TABLE tenants (id text, status text)")
    await as_app.execute("GRANT SELECT ON tenants TO PUBLIC")  # so that the owner, running the function, reads it
    await as_app.execute("INSERT INTO tenants VALUES ('ten_forged', 'active')")
    listed = [row[0] for row in await as_app.fetch("SELECT * FROM pdp_active_tenants()")]
    assert "ten_forged" not in listed


async def test_a_temporary_table_does_not_hijack_authentication(as_app: asyncpg.Connection) -> None:
    # A forged key for a victim tenant, in tables that shadow the real ones for this connection only.
    digest = hashlib.sha256(b"pdp_test_forged").hexdigest()
    await as_app.execute("CREATE TEMPORARY TABLE tenants (id text, status text)")
    await as_app.execute(
        "CREATE TEMPORARY TABLE api_keys (id text, tenant_id text, mode text, key_sha256 text, revoked_at timestamptz)"
    )
    await as_app.execute("GRANT SELECT ON tenants, api_keys TO PUBLIC")
    await as_app.execute("INSERT INTO tenants VALUES ('ten_victim', 'active')")
    await as_app.execute("INSERT INTO api_keys VALUES ('key_forged', $1, 'live', $2, NULL)", "ten_victim", digest)
    async with as_app.transaction():
        rows = await as_app.fetch("SELECT * FROM pdp_authenticate($1)", digest)
        bound = await as_app.fetchval("SELECT current_setting('app.tenant_id', true)")
    assert rows == []
    assert bound in (None, "")


async def test_every_security_definer_function_pins_a_search_path_ending_in_pg_temp(
    owner_engine: AsyncEngine,
) -> None:
    async with owner_engine.connect() as conn:
        rows = (
            await conn.execute(
                text("""
            SELECT p.proname, coalesce(p.proconfig, '{}') FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.prosecdef
        """)
            )
        ).all()
    assert {name for name, _ in rows} >= FUNCTIONS
    for name, config in rows:
        paths = [entry.split("=", 1)[1] for entry in config if entry.startswith("search_path=")]
        assert paths, f"{name}: SECURITY DEFINER without a pinned search_path"
        schemas = [part.strip().strip('"') for part in paths[0].split(",")]
        assert schemas[-1] == "pg_temp", f"{name}: search_path {paths[0]} does not end with pg_temp"
        assert "pg_catalog" in schemas, f"{name}: search_path {paths[0]} does not name pg_catalog"


async def test_the_app_role_has_exactly_the_allowed_grants(owner_engine: AsyncEngine) -> None:
    async with owner_engine.connect() as conn:
        tables = (
            await conn.execute(
                text("""
            SELECT table_name, privilege_type FROM information_schema.role_table_grants
             WHERE grantee = 'pdp_app' AND table_schema = 'public'
        """)
            )
        ).all()
        columns = (
            await conn.execute(
                text("""
            SELECT c.table_name, c.column_name, c.privilege_type FROM information_schema.column_privileges c
             WHERE c.grantee = 'pdp_app' AND c.table_schema = 'public'
               AND NOT EXISTS (SELECT 1 FROM information_schema.role_table_grants t
                                WHERE t.grantee = c.grantee AND t.table_name = c.table_name
                                  AND t.privilege_type = c.privilege_type)
        """)
            )
        ).all()
        routines = (
            await conn.execute(
                text("""
            SELECT DISTINCT routine_name FROM information_schema.role_routine_grants
             WHERE grantee = 'pdp_app' AND routine_schema = 'public'
        """)
            )
        ).all()
    granted: dict[str, set[str]] = {}
    for table, privilege in tables:
        granted.setdefault(table, set()).add(privilege)
    assert granted == TABLE_GRANTS
    assert columns == []  # no grant on a column behind the table-level list's back
    assert {name for (name,) in routines} == FUNCTIONS


async def test_the_app_role_cannot_create_or_promote_staff(as_app: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(
            "INSERT INTO staff_users (id, email, full_name, role) VALUES ('stf_forged', 'x@evil.example', 'X', 'admin')"
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("UPDATE staff_users SET role = 'admin'")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("DELETE FROM chorus_recipients")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("UPDATE chorus_recipient_services SET active = false")
