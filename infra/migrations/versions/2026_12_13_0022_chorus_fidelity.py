"""Every Chorus Pro state has a place: validation circuits, stalled invoices, the staff queue for them.

- ``invoices.status`` gains ``awaiting_validation`` (billing frames with a validator, works contracts) and
  ``stalled`` (a non-final status held past its maximum age: pdp stops and says so);
- ``invoices.status_changed_at``: when the status last moved (``updated_at`` moves with every poll), from which a
  status's age is measured; ``invoices.chorus_checked_at``: the Chorus time up to which the account's change feed
  has covered the invoice (the next feed asks for changes since then), and an index by Chorus id for the feed;
- ``invoices.validator_siret``: the validator of a subcontractor's or co-contractor's invoice (frames A9, A12),
  sent with ``soumettre`` (``codeStructureValideur``);
- ``staff_cases`` takes invoice cases (``invoice_stalled``, ``chorus_state_unknown``) keyed by ``subject_id``;
  the app role opens one only for an invoice of its own tenant, through ``pdp_open_invoice_case``;
- ``pdp_invoices_claim_due`` also returns the status, so the sweep sends deposits one by one and groups the
  tracking of a tenant's invoices into one job.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-13
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pdp.platform.db.migration_helpers import TENANT

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

PATH = "pg_catalog, public, pg_temp"
OLD_STATUSES = (
    "received",
    "invalid",
    "queued",
    "submitted",
    "deposited",
    "delivered",
    "in_process",
    "suspended",
    "completed",
    "to_recycle",
    "approved",
    "payment_sent",
    "paid",
    "rejected",
    "withdrawn",
    "failed",
)
NEW_STATUSES = (*OLD_STATUSES, "awaiting_validation", "stalled")
INVOICE_CASES = ("invoice_stalled", "chorus_state_unknown")


def _claim_function(*, with_status: bool) -> str:
    returns = "tenant_id text, id text, status text" if with_status else "tenant_id text, id text"
    returning = "o.tenant_id::text, o.id::text, o.status::text" if with_status else "o.tenant_id::text, o.id::text"
    return f"""
        CREATE FUNCTION pdp_invoices_claim_due(batch integer, lease_seconds integer)
        RETURNS TABLE ({returns})
        LANGUAGE sql SECURITY DEFINER SET search_path = {PATH} AS $$
            WITH due AS (
                SELECT i.tenant_id, i.id,
                       row_number() OVER (PARTITION BY i.tenant_id ORDER BY i.next_check_at) AS turn
                  FROM invoices i
                 WHERE i.next_check_at IS NOT NULL AND i.next_check_at <= now()
            ), picked AS (
                SELECT d.tenant_id, d.id FROM due d ORDER BY d.turn, d.tenant_id LIMIT batch
            )
            UPDATE invoices o
               SET next_check_at = now() + make_interval(secs => lease_seconds)
              FROM picked p
             WHERE o.tenant_id = p.tenant_id AND o.id = p.id AND o.next_check_at <= now()
            RETURNING {returning}
        $$
    """


def _replace_claim_function(app_role: str, *, with_status: bool) -> None:
    op.execute("DROP FUNCTION pdp_invoices_claim_due(integer, integer)")
    op.execute(_claim_function(with_status=with_status))
    op.execute("REVOKE ALL ON FUNCTION pdp_invoices_claim_due(integer, integer) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_invoices_claim_due(integer, integer) TO {app_role}")


def _replace_check(table: str, name: str, condition: str) -> None:
    """A check constraint anew. A name given to a constraint inside ``create_table`` went through the naming
    convention once more (``ck_<table>_ck_<table>_<name>``): drop whichever spelling the database has."""
    for spelling in (f"ck_{table}_{name}", f"ck_{table}_ck_{table}_{name}"):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {spelling}")
    op.create_check_constraint(name, table, condition)


def _status_check(statuses: tuple[str, ...]) -> None:
    _replace_check("invoices", "status", f"status IN {statuses}")


def upgrade(app_role: str) -> None:
    _status_check(NEW_STATUSES)
    op.add_column("invoices", sa.Column("status_changed_at", sa.DateTime(timezone=True), server_default=sa.func.now()))
    op.execute("UPDATE invoices SET status_changed_at = updated_at")
    op.alter_column("invoices", "status_changed_at", nullable=False)
    op.add_column("invoices", sa.Column("chorus_checked_at", sa.DateTime(timezone=True)))
    op.add_column("invoices", sa.Column("validator_siret", sa.String(14)))
    op.create_index(
        "ix_invoices_chorus_invoice_id",
        "invoices",
        ["tenant_id", "chorus_invoice_id"],
        postgresql_where=sa.text("chorus_invoice_id IS NOT NULL"),
    )
    _replace_claim_function(app_role, with_status=True)

    op.add_column("staff_cases", sa.Column("subject_id", sa.String(30)))
    _replace_check("staff_cases", "kind", f"kind IN {('siret_contested', *INVOICE_CASES)}")
    op.execute(
        "CREATE UNIQUE INDEX ux_staff_cases_open_subject ON staff_cases (kind, subject_id) "
        "WHERE resolved_at IS NULL AND subject_id IS NOT NULL"
    )
    # An invoice case names its tenant; the app role opens one for an invoice of the tenant bound to its
    # transaction only, and a case still open for the same invoice and kind takes the new detail instead.
    op.execute(f"""
        CREATE FUNCTION pdp_open_invoice_case(p_kind text, p_invoice_id text, p_case_id text, p_detail jsonb)
        RETURNS text
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {PATH} AS $$
        DECLARE
            me text := {TENANT};
            opened text;
        BEGIN
            IF me IS NULL OR p_kind NOT IN {INVOICE_CASES} OR NOT EXISTS (
                SELECT 1 FROM public.invoices i WHERE i.tenant_id = me AND i.id = p_invoice_id
            ) THEN
                RETURN NULL;
            END IF;
            INSERT INTO public.staff_cases AS c (id, kind, subject_id, tenant_ids, detail)
            VALUES (p_case_id, p_kind, p_invoice_id, ARRAY[me], p_detail)
            ON CONFLICT (kind, subject_id) WHERE resolved_at IS NULL AND subject_id IS NOT NULL
            DO UPDATE SET detail = EXCLUDED.detail
            RETURNING c.id INTO opened;
            RETURN opened;
        END
        $$
    """)
    op.execute("REVOKE ALL ON FUNCTION pdp_open_invoice_case(text, text, text, jsonb) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION pdp_open_invoice_case(text, text, text, jsonb) TO {app_role}")


def downgrade(app_role: str) -> None:
    op.execute("DROP FUNCTION pdp_open_invoice_case(text, text, text, jsonb)")
    op.execute("DELETE FROM staff_cases WHERE subject_id IS NOT NULL")
    op.execute("DROP INDEX ux_staff_cases_open_subject")
    _replace_check("staff_cases", "kind", "kind IN ('siret_contested')")
    op.drop_column("staff_cases", "subject_id")
    _replace_claim_function(app_role, with_status=False)
    op.drop_index("ix_invoices_chorus_invoice_id", "invoices")
    op.drop_column("invoices", "validator_siret")
    op.drop_column("invoices", "chorus_checked_at")
    op.drop_column("invoices", "status_changed_at")
    op.execute("UPDATE invoices SET status = 'in_process' WHERE status IN ('awaiting_validation', 'stalled')")
    _status_check(OLD_STATUSES)
