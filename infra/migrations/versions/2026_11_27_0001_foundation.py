"""Foundation: tenants, API keys, providers, portal and staff users, idempotency, outbox, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pdp.platform.db.migration_helpers import protect_tenant_table

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

FUNCTIONS = (
    "pdp_authenticate(text)",
    "pdp_outbox_claim(integer, integer)",
    "pdp_outbox_complete(text[], text[])",
    "pdp_purge_expired(integer)",
)


def _ts(name: str, *, nullable: bool = False, default: bool = False) -> sa.Column:
    return sa.Column(
        name, sa.DateTime(timezone=True), nullable=nullable, server_default=sa.func.now() if default else None
    )


def _keys() -> list[sa.Column]:
    return [
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("id", sa.String(30), nullable=False),
        _ts("created_at", default=True),
    ]


def upgrade(app_role: str) -> None:
    op.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {app_role}")

    op.create_table(
        "tenants",
        sa.Column("id", sa.String(30), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        _ts("created_at", default=True),
    )
    protect_tenant_table("tenants", app_role, "SELECT, INSERT, UPDATE", column="id")

    op.create_table(
        "api_keys",
        *_keys(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("mode", sa.String(4), nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("last4", sa.String(4), nullable=False),
        _ts("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_api_keys"),
        sa.UniqueConstraint("tenant_id", "key_sha256", name="uq_api_keys_tenant_id_key_sha256"),
        sa.CheckConstraint("mode IN ('test', 'live')", name="ck_api_keys_mode"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_api_keys_tenant_id_tenants"),
    )
    op.create_index("ix_api_keys_key_sha256", "api_keys", ["key_sha256"])
    protect_tenant_table("api_keys", app_role, "SELECT, INSERT, UPDATE")

    op.create_table(
        "providers",
        *_keys(),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("siren", sa.String(9), nullable=False),
        sa.Column("vat_number", sa.String(13), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("external_id", sa.String(100), nullable=True),
        sa.Column("address", postgresql.JSONB(), nullable=True),
        sa.Column("iban", sa.String(34), nullable=True),
        _ts("updated_at", default=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_providers"),
        sa.UniqueConstraint("tenant_id", "siret", name="uq_providers_tenant_id_siret"),
        sa.UniqueConstraint("tenant_id", "external_id", name="uq_providers_tenant_id_external_id"),
        sa.CheckConstraint("status IN ('active', 'inactive')", name="ck_providers_status"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_providers_tenant_id_tenants"),
    )
    protect_tenant_table("providers", app_role, "SELECT, INSERT, UPDATE")

    op.create_table(
        "portal_users",
        *_keys(),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_portal_users"),
        sa.UniqueConstraint("tenant_id", "email", name="uq_portal_users_tenant_id_email"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_portal_users_tenant_id_tenants"),
    )
    protect_tenant_table("portal_users", app_role, "SELECT, INSERT, UPDATE, DELETE")

    op.create_table(
        "memberships",
        *_keys(),
        sa.Column("user_id", sa.String(30), nullable=False),
        sa.Column("provider_id", sa.String(30), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_memberships"),
        sa.UniqueConstraint("tenant_id", "user_id", "provider_id", name="uq_memberships_tenant_id_user_id_provider_id"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["portal_users.tenant_id", "portal_users.id"],
            name="fk_memberships_tenant_id_portal_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "provider_id"],
            ["providers.tenant_id", "providers.id"],
            name="fk_memberships_tenant_id_providers",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("role IN ('admin', 'depositor', 'viewer')", name="ck_memberships_role"),
    )
    protect_tenant_table("memberships", app_role, "SELECT, INSERT, UPDATE, DELETE")

    op.create_table(
        "staff_users",
        sa.Column("id", sa.String(30), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        _ts("disabled_at", nullable=True),
        _ts("created_at", default=True),
        sa.CheckConstraint("role IN ('support', 'admin')", name="ck_staff_users_role"),
    )
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON staff_users TO {app_role}")

    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("response_content_type", sa.String(100), nullable=True),
        _ts("created_at", default=True),
        _ts("expires_at"),
        sa.PrimaryKeyConstraint("tenant_id", "key", name="pk_idempotency_keys"),
    )
    protect_tenant_table("idempotency_keys", app_role, "SELECT, INSERT, UPDATE, DELETE")

    op.create_table(
        "outbox",
        *_keys(),
        sa.Column("job_name", sa.String(80), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        _ts("available_at", default=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        _ts("relayed_at", nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_due", "outbox", ["available_at"], postgresql_where=sa.text("relayed_at IS NULL"))
    protect_tenant_table("outbox", app_role, "SELECT, INSERT")

    op.create_table(
        "audit_events",
        *_keys(),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        _ts("occurred_at"),
        sa.Column("actor_type", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("target_type", sa.String(40), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_audit_events"),
        sa.UniqueConstraint("tenant_id", "seq", name="uq_audit_events_tenant_id_seq"),
    )
    protect_tenant_table("audit_events", app_role, "SELECT, INSERT")
    # Append-only even for the owner: the trigger fires for every role, grants alone would not stop the owner.
    op.execute("""
        CREATE FUNCTION pdp_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege'; END $$
    """)
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION pdp_audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION pdp_audit_append_only()"
    )

    # Cross-tenant entry points. SECURITY DEFINER runs them as the owner (BYPASSRLS), so each does exactly one
    # narrow thing; a pinned search_path stops a caller from substituting its own tables.
    op.execute("""
        CREATE FUNCTION pdp_authenticate(digest text)
        RETURNS TABLE (api_key_id text, tenant_id text, mode text, revoked boolean)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
            SELECT k.id, k.tenant_id, k.mode, k.revoked_at IS NOT NULL
              INTO api_key_id, tenant_id, mode, revoked
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
    """)
    op.execute("""
        CREATE FUNCTION pdp_outbox_claim(batch integer, lease_seconds integer)
        RETURNS TABLE (tenant_id text, id text, job_name text, payload jsonb)
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            UPDATE outbox o
               SET available_at = now() + make_interval(secs => lease_seconds), attempts = o.attempts + 1
              FROM (SELECT c.tenant_id, c.id FROM outbox c
                     WHERE c.relayed_at IS NULL AND c.available_at <= now()
                     ORDER BY c.available_at LIMIT batch FOR UPDATE SKIP LOCKED) due
             WHERE o.tenant_id = due.tenant_id AND o.id = due.id
            RETURNING o.tenant_id::text, o.id::text, o.job_name::text, o.payload
        $$
    """)
    op.execute("""
        CREATE FUNCTION pdp_outbox_complete(tenant_ids text[], ids text[]) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            UPDATE outbox o SET relayed_at = now()
              FROM unnest(tenant_ids, ids) AS done(tenant_id, id)
             WHERE o.tenant_id = done.tenant_id AND o.id = done.id AND o.relayed_at IS NULL
        $$
    """)
    # Housekeeping across tenants, in bounded batches so one run never holds locks for long.
    op.execute("""
        CREATE FUNCTION pdp_purge_expired(batch integer) RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE keys integer; relayed integer;
        BEGIN
            DELETE FROM idempotency_keys k USING (
                SELECT tenant_id, key FROM idempotency_keys WHERE expires_at < now() LIMIT batch
            ) old WHERE k.tenant_id = old.tenant_id AND k.key = old.key;
            GET DIAGNOSTICS keys = ROW_COUNT;
            DELETE FROM outbox o USING (
                SELECT tenant_id, id FROM outbox WHERE relayed_at < now() - interval '7 days' LIMIT batch
            ) old WHERE o.tenant_id = old.tenant_id AND o.id = old.id;
            GET DIAGNOSTICS relayed = ROW_COUNT;
            RETURN keys + relayed;
        END
        $$
    """)
    for fn in FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO {app_role}")


def downgrade(app_role: str) -> None:
    for fn in FUNCTIONS:
        op.execute(f"DROP FUNCTION {fn}")
    for table in (
        "audit_events",
        "outbox",
        "idempotency_keys",
        "staff_users",
        "memberships",
        "portal_users",
        "providers",
        "api_keys",
        "tenants",
    ):
        op.drop_table(table)
    op.execute("DROP FUNCTION pdp_audit_append_only()")
