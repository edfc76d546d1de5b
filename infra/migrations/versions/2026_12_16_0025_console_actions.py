"""The console's remaining actions: webhook secret rotation, manual follow-up, and the audit of staff activity.

- ``webhook_endpoints.previous_secret_enc`` / ``previous_secret_expires_at``: a rotated endpoint keeps its former
  secret (sealed like the current one) until then, and each delivery is signed with both (two ``v1`` values, as
  Stripe and Svix do while a secret rolls), so that receivers move to the new secret without a failed delivery.
- ``staff_cases`` takes ``manual_follow_up``: a staff member marks an invoice that needs a person (a call to a
  buyer's service, a paper follow-up), opened in the tenant's transaction by ``pdp_open_tenant_case``.
- ``staff_activity``: every change an admin makes to a staff account (created, role changed, TOTP reset,
  disabled), written by ``pdp_staff_account_change`` — the only way the app role now has to ``pdp_staff_admin``,
  which it calls and records in the same transaction: the console cannot change an account without the change
  being recorded, and the app role can neither write nor edit the table.
- ``pdp_staff_activity(staff_id)``: for an active admin only, the newest staff activity across the platform —
  sign-ins (``staff_sessions``), access grants opened on tenants (reason, ticket, pages read, expiry) and account
  changes.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-16
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

PATH = "pg_catalog, public, pg_temp"
ADMIN_ARGS = "text, text, text, text, text, text, text, text"
OLD_TENANT_CASES = ("archive_mismatch", "audit_chain_broken")
NEW_TENANT_CASES = (*OLD_TENANT_CASES, "manual_follow_up")
CASE_KINDS = ("siret_contested", "invoice_stalled", "chorus_state_unknown")


def _open_tenant_case(kinds: tuple[str, ...]) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION pdp_open_tenant_case(p_kind text, p_subject_id text, p_case_id text, p_detail jsonb)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {PATH} AS $$
    DECLARE
        me text := nullif(current_setting('app.tenant_id', true), '');
        opened text;
    BEGIN
        IF me IS NULL OR p_kind NOT IN {kinds} THEN
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


# pdp_staff_admin's body names its arguments by its own name: it stays as it is, wrapped.
RECORDING_ADMIN = f"""
    CREATE FUNCTION pdp_staff_account_change(
        admin_id text, action text, target_id text,
        email text DEFAULT NULL, full_name text DEFAULT NULL, role text DEFAULT NULL,
        password_hash text DEFAULT NULL, totp_secret_enc text DEFAULT NULL
    ) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {PATH} AS $$
    DECLARE
        done boolean := pdp_staff_admin(admin_id, action, target_id, email, full_name, role, password_hash,
                                        totp_secret_enc);
    BEGIN
        IF done THEN
            INSERT INTO staff_activity (admin_id, action, target_id, detail)
            VALUES (admin_id, action, target_id,
                    jsonb_strip_nulls(jsonb_build_object('email', email, 'role', role)));
        END IF;
        RETURN done;
    END
    $$
"""
ACTIVITY = f"""
    CREATE FUNCTION pdp_staff_activity(staff_id text)
    RETURNS TABLE (at timestamptz, staff_name text, kind text, tenant_id text, tenant_name text, detail jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {PATH} AS $$
        WITH admin AS (
            SELECT 1 FROM staff_users a
             WHERE a.id = pdp_staff_activity.staff_id AND a.role = 'admin' AND a.disabled_at IS NULL
        ), activity AS (
            SELECT s.created_at AS at, s.staff_id, 'sign_in' AS kind, NULL::text AS tenant_id,
                   jsonb_build_object('last_seen_at', s.last_seen_at, 'ended', s.revoked_at IS NOT NULL) AS detail
              FROM staff_sessions s
            UNION ALL
            SELECT g.created_at, g.staff_id, 'grant', g.tenant_id,
                   jsonb_strip_nulls(jsonb_build_object(
                       'grant', g.id, 'reason', g.reason, 'ticket', g.ticket, 'reads', g.reads,
                       'expires_at', g.expires_at, 'revoked_at', g.revoked_at,
                       'provider_id', g.provider_id, 'invoice_id', g.invoice_id))
              FROM staff_access_grants g
            UNION ALL
            SELECT x.at, x.admin_id, 'account', NULL,
                   x.detail || jsonb_build_object('action', x.action, 'target', coalesce(t.full_name, x.target_id))
              FROM staff_activity x LEFT JOIN staff_users t ON t.id = x.target_id
        )
        SELECT a.at, coalesce(u.full_name, a.staff_id)::text, a.kind, a.tenant_id::text, t.name::text, a.detail
          FROM activity a
          LEFT JOIN staff_users u ON u.id = a.staff_id
          LEFT JOIN tenants t ON t.id = a.tenant_id
         WHERE EXISTS (SELECT 1 FROM admin)
         ORDER BY a.at DESC
         LIMIT 200
    $$
"""


def upgrade(app_role: str) -> None:
    op.add_column("webhook_endpoints", sa.Column("previous_secret_enc", sa.Text()))
    op.add_column("webhook_endpoints", sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True)))
    op.execute("ALTER TABLE staff_cases DROP CONSTRAINT IF EXISTS ck_staff_cases_kind")
    op.create_check_constraint("kind", "staff_cases", f"kind IN {(*CASE_KINDS, *NEW_TENANT_CASES)}")
    op.execute(_open_tenant_case(NEW_TENANT_CASES))
    op.create_table(
        "staff_activity",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("admin_id", sa.String(30), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("target_id", sa.String(30), nullable=False),
        sa.Column("detail", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.PrimaryKeyConstraint("id", name="pk_staff_activity"),
    )
    op.create_index("ix_staff_activity_at", "staff_activity", ["at"])
    op.execute(f"REVOKE ALL ON FUNCTION pdp_staff_admin({ADMIN_ARGS}) FROM PUBLIC, {app_role}")
    op.execute(RECORDING_ADMIN)
    op.execute(f"REVOKE ALL ON FUNCTION pdp_staff_account_change({ADMIN_ARGS}) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_staff_account_change({ADMIN_ARGS}) TO {app_role}")
    op.execute(ACTIVITY)
    op.execute("REVOKE ALL ON FUNCTION pdp_staff_activity(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_staff_activity(text) TO {app_role}")


def downgrade(app_role: str) -> None:
    op.execute("DROP FUNCTION pdp_staff_activity(text)")
    op.execute(f"DROP FUNCTION pdp_staff_account_change({ADMIN_ARGS})")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_staff_admin({ADMIN_ARGS}) TO {app_role}")
    op.drop_table("staff_activity")
    op.execute(_open_tenant_case(OLD_TENANT_CASES))
    op.execute("DELETE FROM staff_cases WHERE kind = 'manual_follow_up'")
    op.execute("ALTER TABLE staff_cases DROP CONSTRAINT IF EXISTS ck_staff_cases_kind")
    op.create_check_constraint("kind", "staff_cases", f"kind IN {(*CASE_KINDS, *OLD_TENANT_CASES)}")
    op.drop_column("webhook_endpoints", "previous_secret_expires_at")
    op.drop_column("webhook_endpoints", "previous_secret_enc")
