"""Support staff reach a tenant's rows only under an access grant they opened, with a reason, for a while.

- ``staff_users.role``: ``support`` (read, safe actions), ``operator`` (every action), ``admin`` (staff accounts,
  tenant lifecycle); ``totp_secret_enc`` and ``totp_enabled_at``: staff sign in with a password and a code, both
  mandatory (the secret sealed like a portal user's).
- ``staff_access_grants``: who (staff member, and their name as it was), which tenant (narrowed to a provider or an
  invoice when the case is), why (free text and a ticket reference), from when until when, revoked when, and how
  many pages were read under it. A tenant's row: the tenant lists the grants on its account (``GET
  /v1/staff-access``); the console opens one in a transaction bound to that tenant.
- ``staff_sessions``: a signed-in console browser (the cookie holds a random token, the row its SHA-256); global,
  like staff, and reachable by the app role, which signs staff in.
- ``pdp_staff_search(staff_id, query)``: the console's search across tenants without a grant, returning only what
  routes a case — tenant id and name, provider id, SIRET and name, invoice id, number and status, Chorus flux
  number — never amounts, documents or personal data; for an active staff member only.
- Tenants can be suspended by an admin (``suspended_at``, ``suspension_reason``): ``pdp_authenticate`` now finds
  the key of a suspended tenant too and says so (``tenant_status``), binding nothing, so that the API answers 403
  ``tenant_suspended`` with the reason instead of a 401 that sends the platform looking for a bad key.
- ``pdp_staff_resolve_case(staff_id, case_id, resolution)``: a staff member closes a case with what was done
  (a SIRET claimed by two tenants: which one holds the supplier's mandate, and why), recorded on the case.
- ``pdp_staff_cases(staff_id)``: the staff queue's open cases (kind, SIRET, tenants, invoice, since when, and the
  case's routing detail), oldest first, for an active staff member; the app role has no grant on the table.
- The staff queue takes the platform's own alarms about a tenant: ``archive_mismatch`` (a sampled archived
  document no longer hashes to what was recorded) and ``audit_chain_broken`` (the audit log no longer holds its
  last checkpoint), raised in the tenant's transaction through ``pdp_open_tenant_case``.
- ``chorus_exchanges``: every call pdp made to Chorus Pro about an invoice and its answer (redacted of credentials
  and of file contents), kept for the archive period, shown on the console's invoice page. The app role may only
  add them and read them: nothing deletes them.
- ``pdp_staff_chorus_errors(staff_id)``: across tenants, the Chorus Pro calls that failed over the last hour and
  day, counted by path and error (HTTP status, ``codeRetour``, or no answer): counts only.
- Staff accounts are managed by an admin from the console through ``pdp_staff_admin(admin_id, action, …)``: the
  app role still cannot write ``staff_users`` itself; the function acts only for an active admin, never on the
  admin's own account (another admin resets a TOTP secret or changes a role), and returns what it did.
- The staff role (``<app role>_staff``, created with the app role by ``pdp.platform.db.admin``): the role a staff
  session reads as, for one transaction (``SET LOCAL ROLE``, by ``pdp.platform.db.tenancy``). It may SELECT the
  tables a support case needs — never sessions, tokens, identity proofs, idempotency records or the outbox — and
  every tenant table carries a restrictive policy for it: a row is visible only while the transaction names an
  open, unexpired grant of the staff member it names, for the row's tenant (``pdp_staff_grant_open``). A console
  bug that forgets to check the grant therefore reads nothing. The app role is a member that does not inherit it,
  so these policies never narrow the app's own work.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pdp.platform.db.migration_helpers import protect_tenant_table, staff_role_for

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

PATH = "pg_catalog, public, pg_temp"
# What a support case reads: the tenant, its providers and mandates, invoices with their events and documents,
# webhooks and their deliveries, API keys (last four characters, scopes, last use), the audit log, the grants.
STAFF_READS = (
    "tenants",
    "providers",
    "mandates",
    "invoices",
    "events",
    "documents",
    "webhook_endpoints",
    "webhook_deliveries",
    "webhook_attempts",
    "api_keys",
    "audit_events",
    "staff_access_grants",
    "chorus_exchanges",
)
GRANT_OPEN = f"""
    CREATE FUNCTION pdp_staff_grant_open() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {PATH} AS $$
        SELECT EXISTS (
            SELECT 1 FROM staff_access_grants g
             WHERE g.id = nullif(current_setting('app.staff_grant', true), '')
               AND g.staff_id = nullif(current_setting('app.staff_id', true), '')
               AND g.tenant_id = nullif(current_setting('app.tenant_id', true), '')
               AND g.revoked_at IS NULL
               AND g.expires_at > clock_timestamp()
        )
    $$
"""
SEARCH = f"""
    CREATE FUNCTION pdp_staff_search(staff_id text, query text)
    RETURNS TABLE (tenant_id text, tenant_name text, provider_id text, provider_siret text, provider_name text,
                   invoice_id text, invoice_number text, invoice_status text, flux_number text, matched text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {PATH} AS $$
        WITH staff AS (
            SELECT 1 FROM staff_users s WHERE s.id = pdp_staff_search.staff_id AND s.disabled_at IS NULL
        ), q AS (
            SELECT btrim(query) AS text, replace(btrim(query), ' ', '') AS compact
             WHERE length(btrim(query)) >= 3 AND EXISTS (SELECT 1 FROM staff)
        ), hits AS (
            SELECT t.id AS tenant_id, NULL::text AS provider_id, NULL::text AS invoice_id, 'tenant' AS matched
              FROM tenants t, q WHERE t.id = q.text OR t.name ILIKE '%' || q.text || '%'
            UNION ALL
            SELECT p.tenant_id, p.id, NULL, 'provider'
              FROM providers p, q WHERE p.id = q.text OR p.siret = q.compact OR p.siren = q.compact
                                     OR p.name ILIKE '%' || q.text || '%'
            UNION ALL
            SELECT i.tenant_id, i.provider_id, i.id, 'invoice'
              FROM invoices i, q WHERE i.id = q.text OR i.number = q.text OR i.chorus_flux_number = q.text
                                    OR i.chorus_invoice_id::text = q.compact
            UNION ALL
            SELECT e.tenant_id, CASE WHEN left(e.subject_id, 4) = 'prv_' THEN e.subject_id END,
                   CASE WHEN left(e.subject_id, 4) = 'inv_' THEN e.subject_id END, 'event'
              FROM events e, q WHERE e.id = q.text
            UNION ALL
            SELECT u.tenant_id, m.provider_id, NULL, 'e-mail'
              FROM portal_users u LEFT JOIN memberships m ON m.tenant_id = u.tenant_id AND m.user_id = u.id, q
             WHERE lower(u.email) = lower(q.text)
        )
        SELECT h.tenant_id::text, t.name::text, p.id::text, p.siret::text, p.name::text,
               i.id::text, i.number::text, i.status::text, i.chorus_flux_number::text, h.matched
          FROM hits h
          JOIN tenants t ON t.id = h.tenant_id
          LEFT JOIN invoices i ON i.tenant_id = h.tenant_id AND i.id = h.invoice_id
          LEFT JOIN providers p ON p.tenant_id = h.tenant_id AND p.id = coalesce(h.provider_id, i.provider_id)
         LIMIT 50
    $$
"""
AUTHENTICATE = """
    CREATE FUNCTION pdp_authenticate(digest text)
    RETURNS TABLE (api_key_id text, tenant_id text, mode text, scopes text[], revoked boolean{status})
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path} AS $$
    BEGIN
        SELECT k.id, k.tenant_id, k.mode, k.scopes::text[], k.revoked_at IS NOT NULL{select_status}
          INTO api_key_id, tenant_id, mode, scopes, revoked{into_status}
          FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
         WHERE k.key_sha256 = digest{only_active};
        IF NOT FOUND THEN
            RETURN;
        END IF;
        -- Binding the tenant here saves each request a round trip; a revoked key, or a suspended tenant's, binds
        -- nothing.
        IF NOT revoked{and_active} THEN
            PERFORM set_config('app.tenant_id', tenant_id, true);
        END IF;
        RETURN NEXT;
    END
    $$
"""


def _authenticate(app_role: str, *, with_status: bool) -> None:
    op.execute("DROP FUNCTION pdp_authenticate(text)")  # its result type changes: CREATE OR REPLACE cannot
    op.execute(
        AUTHENTICATE.format(
            status=", tenant_status text" if with_status else "",
            select_status=", t.status" if with_status else "",
            into_status=", tenant_status" if with_status else "",
            only_active="" if with_status else " AND t.status = 'active'",
            and_active=" AND tenant_status = 'active'" if with_status else "",
            path=PATH,
        )
    )
    op.execute("REVOKE ALL ON FUNCTION pdp_authenticate(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_authenticate(text) TO {app_role}")


CASES = f"""
    CREATE FUNCTION pdp_staff_cases(staff_id text)
    RETURNS TABLE (id text, kind text, siret text, tenant_ids text[], subject_id text, detail jsonb,
                   opened_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {PATH} AS $$
        SELECT c.id::text, c.kind::text, c.siret::text, c.tenant_ids::text[], c.subject_id::text, c.detail,
               c.opened_at
          FROM staff_cases c
         WHERE c.resolved_at IS NULL
           AND EXISTS (SELECT 1 FROM staff_users s WHERE s.id = pdp_staff_cases.staff_id AND s.disabled_at IS NULL)
         ORDER BY c.opened_at
         LIMIT 200
    $$
"""
STAFF_ADMIN = f"""
    CREATE FUNCTION pdp_staff_admin(
        admin_id text, action text, target_id text,
        email text DEFAULT NULL, full_name text DEFAULT NULL, role text DEFAULT NULL,
        password_hash text DEFAULT NULL, totp_secret_enc text DEFAULT NULL
    ) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {PATH} AS $$
    DECLARE
        done boolean;
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM staff_users a WHERE a.id = admin_id AND a.role = 'admin' AND a.disabled_at IS NULL
        ) OR target_id = admin_id THEN
            RETURN false;
        END IF;
        IF action = 'create' THEN
            INSERT INTO staff_users (id, email, full_name, role, password_hash, totp_secret_enc, totp_enabled_at)
            VALUES (target_id, email, full_name, role, password_hash, totp_secret_enc, now());
            RETURN true;
        ELSIF action = 'role' THEN
            UPDATE staff_users s SET role = pdp_staff_admin.role WHERE s.id = target_id;
            RETURN FOUND;
        ELSIF action = 'reset_totp' THEN
            UPDATE staff_users s SET totp_secret_enc = pdp_staff_admin.totp_secret_enc, totp_enabled_at = now()
             WHERE s.id = target_id;
        ELSIF action = 'disable' THEN
            UPDATE staff_users s SET disabled_at = now() WHERE s.id = target_id AND s.disabled_at IS NULL;
        ELSE
            RETURN false;
        END IF;
        done := FOUND;
        -- A reset secret or a disabled account ends the sessions signed in with the old one.
        UPDATE staff_sessions SET revoked_at = now() WHERE staff_id = target_id AND revoked_at IS NULL;
        RETURN done;
    END
    $$
"""
SIGNATURE = "pdp_staff_admin(text, text, text, text, text, text, text, text)"
TENANT_CASES = ("archive_mismatch", "audit_chain_broken")
CASE_KINDS = ("siret_contested", "invoice_stalled", "chorus_state_unknown")
OPEN_TENANT_CASE = f"""
    CREATE FUNCTION pdp_open_tenant_case(p_kind text, p_subject_id text, p_case_id text, p_detail jsonb)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {PATH} AS $$
    DECLARE
        me text := nullif(current_setting('app.tenant_id', true), '');
        opened text;
    BEGIN
        IF me IS NULL OR p_kind NOT IN {TENANT_CASES} THEN
            RETURN NULL;
        END IF;
        INSERT INTO public.staff_cases AS c (id, kind, subject_id, tenant_ids, detail)
        VALUES (p_case_id, p_kind, p_subject_id, ARRAY[me], p_detail)
        ON CONFLICT (kind, subject_id) WHERE resolved_at IS NULL AND subject_id IS NOT NULL
        DO UPDATE SET detail = EXCLUDED.detail
        RETURNING c.id INTO opened;
        RETURN opened;
    END
    $$
"""
RESOLVE = f"""
    CREATE FUNCTION pdp_staff_resolve_case(staff_id text, case_id text, resolution text)
    RETURNS boolean
    LANGUAGE sql SECURITY DEFINER SET search_path = {PATH} AS $$
        UPDATE staff_cases c
           SET resolved_at = now(),
               resolution = btrim(pdp_staff_resolve_case.resolution),
               detail = c.detail || jsonb_build_object('resolved_by', pdp_staff_resolve_case.staff_id)
         WHERE c.id = case_id AND c.resolved_at IS NULL
           AND length(btrim(pdp_staff_resolve_case.resolution)) > 0
           AND EXISTS (
               SELECT 1 FROM staff_users s WHERE s.id = pdp_staff_resolve_case.staff_id AND s.disabled_at IS NULL
           )
        RETURNING true
    $$
"""
CHORUS_ERRORS = f"""
    CREATE FUNCTION pdp_staff_chorus_errors(staff_id text)
    RETURNS TABLE (path text, failure text, last_hour bigint, last_day bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {PATH} AS $$
        SELECT x.path::text,
               CASE WHEN x.http_status IS NULL THEN 'no answer'
                    ELSE 'HTTP ' || x.http_status || coalesce(' codeRetour ' || x.code_retour, '') END,
               count(*) FILTER (WHERE x.at > now() - interval '1 hour'),
               count(*)
          FROM chorus_exchanges x
         WHERE x.at > now() - interval '1 day' AND x.error IS NOT NULL
           AND EXISTS (SELECT 1 FROM staff_users s WHERE s.id = pdp_staff_chorus_errors.staff_id
                                                     AND s.disabled_at IS NULL)
         GROUP BY 1, 2
         ORDER BY 4 DESC
         LIMIT 50
    $$
"""
# Every table isolated by tenant, whenever it was created, gets the staff policy: none is forgotten.
STAFF_POLICIES = """
    DO $$
    DECLARE t record;
    BEGIN
        FOR t IN SELECT tablename FROM pg_policies
                  WHERE schemaname = 'public' AND policyname = 'tenant_isolation'
        LOOP
            EXECUTE format(
                'CREATE POLICY staff_grant ON %I AS RESTRICTIVE TO %I USING ((SELECT pdp_staff_grant_open()))',
                t.tablename, '{staff}'
            );
        END LOOP;
    END $$
"""


def _replace_check(table: str, name: str, condition: str) -> None:
    # 0001 named its constraints inside create_table, where the naming convention prefixed the name once more.
    for spelling in (f"ck_{table}_{name}", f"ck_{table}_ck_{table}_{name}"):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {spelling}")
    op.create_check_constraint(name, table, condition)


def _roles(roles: str) -> None:
    _replace_check("staff_users", "role", f"role IN ({roles})")


def upgrade(app_role: str) -> None:
    staff = staff_role_for(app_role)
    _roles("'support', 'operator', 'admin'")
    op.add_column("staff_users", sa.Column("totp_secret_enc", sa.Text()))
    op.add_column("staff_users", sa.Column("totp_enabled_at", sa.DateTime(timezone=True)))
    op.create_table(
        "staff_access_grants",
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("id", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("staff_id", sa.String(30), nullable=False),
        sa.Column("staff_name", sa.String(200), nullable=False),
        sa.Column("provider_id", sa.String(30)),
        sa.Column("invoice_id", sa.String(30)),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ticket", sa.String(100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("reads", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_staff_access_grants"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_staff_access_grants_tenant_id_tenants"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name="fk_staff_access_grants_staff_id_staff_users"),
        sa.CheckConstraint("expires_at > created_at", name="expiry"),
        sa.CheckConstraint("length(btrim(reason)) > 0 AND length(btrim(ticket)) > 0", name="why"),
    )
    op.create_index("ix_staff_access_grants_created_at", "staff_access_grants", ["tenant_id", "created_at"])
    protect_tenant_table("staff_access_grants", app_role, "SELECT, INSERT, UPDATE")
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(30), nullable=False),
        sa.Column("staff_id", sa.String(30), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_staff_sessions"),
        sa.UniqueConstraint("token_sha256", name="uq_staff_sessions_token_sha256"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name="fk_staff_sessions_staff_id_staff_users"),
    )
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON staff_sessions TO {app_role}")
    op.execute(SEARCH)
    op.execute(CASES)
    _replace_check("staff_cases", "kind", f"kind IN {(*CASE_KINDS, *TENANT_CASES)}")
    op.execute(OPEN_TENANT_CASE)
    op.execute(RESOLVE)
    op.execute("REVOKE ALL ON FUNCTION pdp_staff_resolve_case(text, text, text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_staff_resolve_case(text, text, text) TO {app_role}")
    op.execute("REVOKE ALL ON FUNCTION pdp_open_tenant_case(text, text, text, jsonb) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_open_tenant_case(text, text, text, jsonb) TO {app_role}")
    op.execute(STAFF_ADMIN)
    op.execute(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {app_role}")
    op.execute("REVOKE ALL ON FUNCTION pdp_staff_cases(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_staff_cases(text) TO {app_role}")
    op.execute("REVOKE ALL ON FUNCTION pdp_staff_search(text, text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_staff_search(text, text) TO {app_role}")
    op.add_column("tenants", sa.Column("suspended_at", sa.DateTime(timezone=True)))
    op.add_column("tenants", sa.Column("suspension_reason", sa.Text()))
    _replace_check("tenants", "status", "status IN ('active', 'suspended')")
    _authenticate(app_role, with_status=True)
    op.create_table(
        "chorus_exchanges",
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("id", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("invoice_id", sa.String(30), nullable=False),
        sa.Column("path", sa.String(120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("http_status", sa.Integer()),
        sa.Column("code_retour", sa.String(20)),
        sa.Column("request", postgresql.JSONB(), nullable=False),
        sa.Column("answer", postgresql.JSONB(), nullable=False),
        sa.Column("error", sa.Text()),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_chorus_exchanges"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_chorus_exchanges_tenant_id_tenants"),
    )
    op.create_index("ix_chorus_exchanges_invoice_id", "chorus_exchanges", ["tenant_id", "invoice_id"])
    protect_tenant_table("chorus_exchanges", app_role, "SELECT, INSERT")
    op.create_index(
        "ix_chorus_exchanges_failures", "chorus_exchanges", ["at"], postgresql_where=sa.text("error IS NOT NULL")
    )
    op.execute(CHORUS_ERRORS)
    op.execute("REVOKE ALL ON FUNCTION pdp_staff_chorus_errors(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_staff_chorus_errors(text) TO {app_role}")
    op.execute(GRANT_OPEN)
    op.execute("REVOKE ALL ON FUNCTION pdp_staff_grant_open() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_staff_grant_open() TO {staff}")
    op.execute(STAFF_POLICIES.replace("{staff}", staff))
    op.execute(f"GRANT USAGE ON SCHEMA public TO {staff}")
    for table in STAFF_READS:
        op.execute(f"GRANT SELECT ON {table} TO {staff}")


def downgrade(app_role: str) -> None:
    staff = staff_role_for(app_role)
    for table in STAFF_READS:
        op.execute(f"REVOKE SELECT ON {table} FROM {staff}")
    op.execute(
        """
        DO $$
        DECLARE t record;
        BEGIN
            FOR t IN SELECT tablename FROM pg_policies WHERE schemaname = 'public' AND policyname = 'staff_grant'
            LOOP
                EXECUTE format('DROP POLICY staff_grant ON %I', t.tablename);
            END LOOP;
        END $$
        """
    )
    _authenticate(app_role, with_status=False)
    op.execute("ALTER TABLE tenants DROP CONSTRAINT IF EXISTS ck_tenants_status")
    op.drop_column("tenants", "suspension_reason")
    op.drop_column("tenants", "suspended_at")
    op.execute("DROP FUNCTION pdp_staff_grant_open()")
    op.execute("DROP FUNCTION pdp_staff_search(text, text)")
    op.execute("DROP FUNCTION pdp_staff_cases(text)")
    op.execute("DROP FUNCTION pdp_open_tenant_case(text, text, text, jsonb)")
    op.execute("DROP FUNCTION pdp_staff_resolve_case(text, text, text)")
    op.execute(f"DELETE FROM staff_cases WHERE kind IN {TENANT_CASES}")
    _replace_check("staff_cases", "kind", f"kind IN {CASE_KINDS}")
    op.execute(f"DROP FUNCTION {SIGNATURE}")
    op.drop_table("staff_sessions")
    op.execute("DROP FUNCTION pdp_staff_chorus_errors(text)")
    op.drop_table("chorus_exchanges")
    op.drop_table("staff_access_grants")
    op.drop_column("staff_users", "totp_enabled_at")
    op.drop_column("staff_users", "totp_secret_enc")
    _roles("'support', 'admin'")
