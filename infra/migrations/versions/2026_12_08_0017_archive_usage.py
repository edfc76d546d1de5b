"""Archive usage per tenant: the bytes it has locked in S3, so that a quota is checked before the next PUT.

Documents are locked under COMPLIANCE for ten years: nobody can delete them, so an unlimited tenant could fill
the bucket for a decade. Summing ``documents.size`` on every deposit grows with the archive; one counter row per
tenant would make every deposit of a tenant wait on the previous one's commit. So the counter is split over 16
rows per tenant (as the audit log's lanes are), a document adds its size to one of them, chosen by its id, in a
trigger (no statement more per deposit), and the check sums at most 16 rows. Existing documents are counted here.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pdp.platform.db.migration_helpers import protect_tenant_table

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

SHARDS = 16


def upgrade(app_role: str) -> None:
    op.create_table(
        "archive_usage",
        sa.Column("tenant_id", sa.String(30), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "shard", name="pk_archive_usage"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_archive_usage_tenant_id_tenants"),
    )
    # Read-only to the app: only the trigger counts, so the app role cannot lower its own usage.
    protect_tenant_table("archive_usage", app_role, "SELECT")
    # SECURITY DEFINER so that it writes what the app may not; it only adds the size of the row just inserted,
    # whose tenant_id row-level security has already checked.
    op.execute(f"""
        CREATE FUNCTION pdp_archive_usage_add() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        BEGIN
            INSERT INTO public.archive_usage AS u (tenant_id, shard, bytes)
            VALUES (NEW.tenant_id, abs(hashtext(NEW.id)) % {SHARDS}, NEW.size)
            ON CONFLICT (tenant_id, shard) DO UPDATE SET bytes = u.bytes + EXCLUDED.bytes;
            RETURN NULL;
        END $$
    """)
    op.execute("REVOKE ALL ON FUNCTION pdp_archive_usage_add() FROM PUBLIC")
    op.execute(
        "CREATE TRIGGER documents_archive_usage AFTER INSERT ON documents "
        "FOR EACH ROW EXECUTE FUNCTION pdp_archive_usage_add()"
    )
    op.execute("""
        INSERT INTO archive_usage (tenant_id, shard, bytes)
        SELECT tenant_id, 0, sum(size) FROM documents GROUP BY tenant_id
    """)


def downgrade(app_role: str) -> None:
    op.execute("DROP TRIGGER documents_archive_usage ON documents")
    op.execute("DROP FUNCTION pdp_archive_usage_add()")
    op.drop_table("archive_usage")
