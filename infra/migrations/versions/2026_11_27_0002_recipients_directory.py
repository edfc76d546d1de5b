"""Recipients directory: Chorus Pro's public structures and their services, cached for every tenant.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade(app_role: str) -> None:
    # Public reference data, identical for every tenant: no tenant_id and no RLS, by design.
    op.create_table(
        "chorus_recipients",
        sa.Column("siret", sa.String(14), primary_key=True),
        sa.Column("known", sa.Boolean(), nullable=False),
        sa.Column("chorus_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(300), nullable=False, server_default=""),
        _flag("active"),
        _flag("service_code_required"),
        _flag("engagement_required"),
        _flag("engagement_or_service_required"),
        _flag("payment_status_hidden"),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chorus_recipients_fetched_at", "chorus_recipients", ["fetched_at"])
    op.create_table(
        "chorus_recipient_services",
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("chorus_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(300), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), nullable=False),
        _flag("engagement_required"),
        sa.PrimaryKeyConstraint("siret", "code"),
        sa.ForeignKeyConstraint(["siret"], ["chorus_recipients.siret"], ondelete="CASCADE"),
    )
    for table in ("chorus_recipients", "chorus_recipient_services"):
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {app_role}")


def downgrade(app_role: str) -> None:
    op.drop_table("chorus_recipient_services")
    op.drop_table("chorus_recipients")
