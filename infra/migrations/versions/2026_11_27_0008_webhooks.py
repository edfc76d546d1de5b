"""Webhooks: endpoints, one delivery per event and endpoint, the attempt log, and the fair cross-tenant sweep.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pdp.platform.db.migration_helpers import protect_tenant_table

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CLAIM = "pdp_webhook_deliveries_claim_due(integer, integer)"


def _keys() -> list[sa.Column]:
    return [
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("id", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def upgrade(app_role: str) -> None:
    op.create_table(
        "webhook_endpoints",
        *_keys(),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("events", postgresql.ARRAY(sa.String(40)), nullable=False),
        sa.Column("secret_enc", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_webhook_endpoints"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_webhook_endpoints_tenant_id_tenants"),
    )
    protect_tenant_table("webhook_endpoints", app_role, "SELECT, INSERT, UPDATE")

    op.create_table(
        "webhook_deliveries",
        *_keys(),
        sa.Column("endpoint_id", sa.String(30), nullable=False),
        sa.Column("event_id", sa.String(30), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replay_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_webhook_deliveries"),
        sa.UniqueConstraint(
            "tenant_id", "endpoint_id", "event_id", name="uq_webhook_deliveries_tenant_id_endpoint_id_event_id"
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_webhook_deliveries_tenant_id_tenants"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "endpoint_id"],
            ["webhook_endpoints.tenant_id", "webhook_endpoints.id"],
            name="fk_webhook_deliveries_tenant_id_webhook_endpoints",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "event_id"], ["events.tenant_id", "events.id"], name="fk_webhook_deliveries_tenant_id_events"
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed', 'canceled')", name="ck_webhook_deliveries_status"
        ),
    )
    op.create_index(
        "ix_webhook_deliveries_next_attempt_at",
        "webhook_deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("next_attempt_at IS NOT NULL"),
    )
    protect_tenant_table("webhook_deliveries", app_role, "SELECT, INSERT, UPDATE")

    op.create_table(
        "webhook_attempts",
        *_keys(),
        sa.Column("delivery_id", sa.String(30), nullable=False),
        sa.Column("trigger", sa.String(10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_webhook_attempts"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_webhook_attempts_tenant_id_tenants"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "delivery_id"],
            ["webhook_deliveries.tenant_id", "webhook_deliveries.id"],
            name="fk_webhook_attempts_tenant_id_webhook_deliveries",
        ),
        sa.CheckConstraint("trigger IN ('automatic', 'replay')", name="ck_webhook_attempts_trigger"),
    )
    op.create_index("ix_webhook_attempts_tenant_id_delivery_id", "webhook_attempts", ["tenant_id", "delivery_id"])
    protect_tenant_table("webhook_attempts", app_role, "SELECT, INSERT")

    # The sweep runs across tenants (SECURITY DEFINER, like the outbox relay and the invoice sweep) and takes due
    # deliveries turn by turn, each tenant's oldest first: one tenant's dead receiver with 10,000 pending
    # deliveries cannot hold back another tenant's retries. Claiming moves next_attempt_at one lease ahead and
    # returns it: the job sends only while the row still carries that value, so one claim makes one attempt.
    op.execute(f"""
        CREATE FUNCTION {CLAIM.replace("integer, integer", "batch integer, lease_seconds integer")}
        RETURNS TABLE (tenant_id text, id text, claimed_until timestamptz)
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            WITH due AS (
                SELECT d.tenant_id, d.id,
                       row_number() OVER (PARTITION BY d.tenant_id ORDER BY d.next_attempt_at) AS turn
                  FROM webhook_deliveries d
                 WHERE d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= now() AND d.status = 'pending'
            ), picked AS (
                SELECT p.tenant_id, p.id FROM due p ORDER BY p.turn, p.tenant_id LIMIT batch
            )
            UPDATE webhook_deliveries o
               SET next_attempt_at = now() + make_interval(secs => lease_seconds)
              FROM picked p
             WHERE o.tenant_id = p.tenant_id AND o.id = p.id AND o.next_attempt_at <= now()
            RETURNING o.tenant_id::text, o.id::text, o.next_attempt_at
        $$
    """)
    op.execute(f"REVOKE ALL ON FUNCTION {CLAIM} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {CLAIM} TO {app_role}")


def downgrade(app_role: str) -> None:
    op.execute(f"DROP FUNCTION {CLAIM}")
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
