"""The provider portal: sessions, single-use links, proofs of identity, branding, and contested SIRETs.

- ``portal_sessions``: a signed-in browser. Only the SHA-256 of the cookie's token is kept; a session ends after
  inactivity or at its hard expiry, and records when its second factor (TOTP) was passed.
- ``portal_tokens``: every single-use link pdp e-mails (sign-in link, invitation of a user, invitation to accept
  a mandate, password reset), stored by digest like API keys, with what it grants.
- ``identity_proofs``: how a person proved that they act for a SIRET (ProConnect, the supplier's own Chorus Pro
  account, a code sent by post), with the evidence; a mandate is accepted only on a verified proof.
- ``portal_users`` gain a language, a TOTP secret (envelope-encrypted), a ProConnect subject, notification
  choices; ``tenants`` gain their portal's brand (colour, logo); ``mandates`` record the invitation, the proof
  and the portal user who accepted, or why the provider refused.
- ``staff_cases``: the staff queue (a SIRET two tenants ask mandates for). It spans tenants, so the app role
  reaches it only through ``pdp_flag_contested_siret``; ``pdp_platforms_for_siret`` shows a provider every
  platform that holds or asks for its mandate, and only for a SIRET of a provider in the caller's scope.

Row-level security: each new tenant table is isolated by tenant; under a portal user's provider scope
(``app.provider_ids``, migration 0018) links and proofs are narrowed to its providers. Users and sessions belong
to a person, not a provider, so no column scopes them: a policy through ``memberships`` would hide the row an
invitation has just inserted from its own ``RETURNING`` (PostgreSQL applies SELECT policies to it), before its
membership exists. Their narrowing is the repositories' (``PortalUserRepository.readable``), and what a user can
reach through them (memberships, providers, invoices) is narrowed here.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pdp.platform.db.migration_helpers import TENANT, protect_tenant_table

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

PROVIDERS = "nullif(current_setting('app.provider_ids', true), '')"
IN_SCOPE = f"= ANY (string_to_array({PROVIDERS}, ','))"
PATH = "pg_catalog, public, pg_temp"


def _ts(name: str, *, default: bool = False, nullable: bool = True) -> sa.Column:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable and not default,
        server_default=sa.func.now() if default else None,
    )


def _keys() -> list[sa.Column]:
    return [
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("id", sa.String(30), nullable=False),
        _ts("created_at", default=True),
    ]


def _restrict(table: str, condition: str) -> None:
    rule = f"({PROVIDERS} IS NULL OR {condition})"
    op.execute(f"CREATE POLICY provider_scope ON {table} AS RESTRICTIVE USING {rule} WITH CHECK {rule}")


def upgrade(app_role: str) -> None:
    op.add_column("tenants", sa.Column("brand_colour", sa.String(7)))
    op.add_column("tenants", sa.Column("brand_logo", sa.LargeBinary()))
    op.add_column("tenants", sa.Column("brand_logo_type", sa.String(20)))
    op.create_check_constraint("brand_colour", "tenants", "brand_colour ~ '^#[0-9a-f]{6}$'")
    op.create_check_constraint("brand_logo_type", "tenants", "brand_logo_type IN ('image/png', 'image/jpeg')")

    op.add_column("portal_users", sa.Column("locale", sa.String(2), nullable=False, server_default="fr"))
    op.add_column("portal_users", sa.Column("totp_secret_enc", sa.Text()))
    op.add_column("portal_users", sa.Column("totp_enabled_at", sa.DateTime(timezone=True)))
    op.add_column("portal_users", sa.Column("proconnect_sub", sa.String(255)))
    op.add_column("portal_users", sa.Column("last_sign_in_at", sa.DateTime(timezone=True)))
    op.add_column(
        "portal_users",
        sa.Column("notifications", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.create_check_constraint("locale", "portal_users", "locale IN ('fr', 'en')")
    op.create_check_constraint("status", "portal_users", "status IN ('invited', 'active', 'disabled')")

    op.create_table(
        "portal_sessions",
        *_keys(),
        sa.Column("user_id", sa.String(30), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("second_factor_at", sa.DateTime(timezone=True)),
        _ts("last_seen_at", default=True),
        _ts("expires_at", nullable=False),
        _ts("revoked_at"),
        sa.Column("ip", sa.String(45)),
        sa.Column("user_agent", sa.String(500)),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_portal_sessions"),
        sa.UniqueConstraint("tenant_id", "token_sha256", name="uq_portal_sessions_tenant_id_token_sha256"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["portal_users.tenant_id", "portal_users.id"],
            name="fk_portal_sessions_tenant_id_portal_users",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "method IN ('password', 'magic_link', 'proconnect', 'chorus_account', 'postal_code', 'invitation')",
            name="ck_portal_sessions_method",
        ),
    )
    protect_tenant_table("portal_sessions", app_role, "SELECT, INSERT, UPDATE, DELETE")

    op.create_table(
        "portal_tokens",
        *_keys(),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("user_id", sa.String(30)),
        sa.Column("provider_id", sa.String(30)),
        sa.Column("mandate_id", sa.String(30)),
        sa.Column("role", sa.String(20)),
        _ts("expires_at", nullable=False),
        _ts("used_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_portal_tokens"),
        sa.UniqueConstraint("tenant_id", "token_sha256", name="uq_portal_tokens_tenant_id_token_sha256"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_portal_tokens_tenant_id_tenants"),
        sa.CheckConstraint(
            "purpose IN ('sign_in', 'user_invitation', 'mandate_invitation', 'password_reset')",
            name="ck_portal_tokens_purpose",
        ),
        sa.CheckConstraint("role IS NULL OR role IN ('admin', 'depositor', 'viewer')", name="ck_portal_tokens_role"),
    )
    protect_tenant_table("portal_tokens", app_role, "SELECT, INSERT, UPDATE")
    _restrict("portal_tokens", f"provider_id {IN_SCOPE}")

    op.create_table(
        "identity_proofs",
        *_keys(),
        sa.Column("provider_id", sa.String(30), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("mandate_id", sa.String(30)),
        sa.Column("email", sa.String(254)),
        sa.Column("subject", sa.String(255)),  # ProConnect `sub`, Chorus Pro login, or the letter's reference
        sa.Column("claims", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("code_sha256", sa.String(64)),  # postal code: only its keyed digest
        sa.Column("attempts", sa.SmallInteger(), nullable=False, server_default="0"),
        sa.Column("letter_reference", sa.String(60)),
        _ts("expires_at"),
        _ts("verified_at"),
        sa.Column("ip", sa.String(45)),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_identity_proofs"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "provider_id"],
            ["providers.tenant_id", "providers.id"],
            name="fk_identity_proofs_tenant_id_providers",
        ),
        sa.CheckConstraint(
            "channel IN ('proconnect', 'chorus_account', 'postal_code')", name="ck_identity_proofs_channel"
        ),
        sa.CheckConstraint("status IN ('pending', 'verified', 'failed', 'expired')", name="ck_identity_proofs_status"),
    )
    op.create_index("ix_identity_proofs_tenant_id_provider_id", "identity_proofs", ["tenant_id", "provider_id"])
    protect_tenant_table("identity_proofs", app_role, "SELECT, INSERT, UPDATE")
    _restrict("identity_proofs", f"provider_id {IN_SCOPE}")

    op.add_column("mandates", sa.Column("invited_at", sa.DateTime(timezone=True)))
    op.add_column("mandates", sa.Column("identity_proof_id", sa.String(30)))
    op.add_column("mandates", sa.Column("accepted_by_user_id", sa.String(30)))
    op.add_column("mandates", sa.Column("refusal_reason", sa.String(500)))

    op.create_table(
        "staff_cases",
        sa.Column("id", sa.String(30), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("siret", sa.String(14)),
        sa.Column("tenant_ids", postgresql.ARRAY(sa.String(30)), nullable=False),
        sa.Column("detail", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        _ts("opened_at", default=True),
        _ts("resolved_at"),
        sa.Column("resolution", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_staff_cases"),
        sa.CheckConstraint("kind IN ('siret_contested')", name="ck_staff_cases_kind"),
    )
    # One open case per contested SIRET: a third tenant joins the open case rather than opening another.
    op.execute("CREATE UNIQUE INDEX ux_staff_cases_open_siret ON staff_cases (kind, siret) WHERE resolved_at IS NULL")
    # No grant to the app role: it reaches the queue only through the function below.

    op.execute(f"""
        CREATE FUNCTION pdp_flag_contested_siret(p_siret text, p_case_id text)
        RETURNS TABLE (case_id text, other_tenants integer)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {PATH} AS $$
        DECLARE
            me text := {TENANT};
            others text[];
        BEGIN
            -- Only for a SIRET that the calling tenant itself asks a mandate for.
            IF me IS NULL OR NOT EXISTS (
                SELECT 1 FROM public.providers p JOIN public.mandates m
                    ON m.tenant_id = p.tenant_id AND m.provider_id = p.id
                 WHERE p.tenant_id = me AND p.siret = p_siret AND m.status IN ('pending', 'active')
            ) THEN
                RETURN;
            END IF;
            SELECT coalesce(array_agg(DISTINCT p.tenant_id), '{{}}') INTO others
              FROM public.providers p JOIN public.mandates m ON m.tenant_id = p.tenant_id AND m.provider_id = p.id
             WHERE p.siret = p_siret AND p.tenant_id <> me AND m.status IN ('pending', 'active');
            IF cardinality(others) = 0 THEN
                RETURN;
            END IF;
            INSERT INTO public.staff_cases AS c (id, kind, siret, tenant_ids)
            VALUES (p_case_id, 'siret_contested', p_siret, array_append(others, me))
            ON CONFLICT (kind, siret) WHERE resolved_at IS NULL DO UPDATE
               SET tenant_ids = ARRAY(SELECT DISTINCT unnest(c.tenant_ids || EXCLUDED.tenant_ids) ORDER BY 1)
            RETURNING c.id INTO case_id;
            other_tenants := cardinality(others);
            RETURN NEXT;
        END
        $$
    """)
    op.execute(f"""
        CREATE FUNCTION pdp_platforms_for_siret(p_siret text)
        RETURNS TABLE (tenant_id text, tenant_name text, mandate_id text, status text,
                       requested_at timestamptz, accepted_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {PATH} AS $$
            SELECT t.id::text, t.name::text, m.id::text, m.status::text, m.created_at, m.accepted_at
              FROM public.providers p
              JOIN public.mandates m ON m.tenant_id = p.tenant_id AND m.provider_id = p.id
              JOIN public.tenants t ON t.id = p.tenant_id
             WHERE p.siret = p_siret
               -- the caller is a portal user of a provider with this SIRET (its scope is bound), never a key
               AND EXISTS (
                   SELECT 1 FROM public.providers mine
                    WHERE mine.tenant_id = {TENANT}
                      AND mine.id = ANY (string_to_array({PROVIDERS}, ','))
                      AND mine.siret = p_siret)
             ORDER BY m.created_at
        $$
    """)
    for signature in ("pdp_flag_contested_siret(text, text)", "pdp_platforms_for_siret(text)"):
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {app_role}")


def downgrade(app_role: str) -> None:
    op.execute("DROP FUNCTION pdp_platforms_for_siret(text)")
    op.execute("DROP FUNCTION pdp_flag_contested_siret(text, text)")
    op.drop_table("staff_cases")
    for column in ("refusal_reason", "accepted_by_user_id", "identity_proof_id", "invited_at"):
        op.drop_column("mandates", column)
    op.drop_table("identity_proofs")
    op.drop_table("portal_tokens")
    op.drop_table("portal_sessions")
    op.drop_constraint("ck_portal_users_status", "portal_users")
    op.drop_constraint("ck_portal_users_locale", "portal_users")
    for column in ("notifications", "last_sign_in_at", "proconnect_sub", "totp_enabled_at", "totp_secret_enc"):
        op.drop_column("portal_users", column)
    op.drop_column("portal_users", "locale")
    op.drop_constraint("ck_tenants_brand_logo_type", "tenants")
    op.drop_constraint("ck_tenants_brand_colour", "tenants")
    for column in ("brand_logo_type", "brand_logo", "brand_colour"):
        op.drop_column("tenants", column)
