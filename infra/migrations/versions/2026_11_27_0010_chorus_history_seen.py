"""How many of an invoice's Chorus history entries pdp has applied, so each status is reported once, in order.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade(app_role: str) -> None:
    op.add_column("invoices", sa.Column("chorus_history_seen", sa.Integer(), nullable=False, server_default="0"))


def downgrade(app_role: str) -> None:
    op.drop_column("invoices", "chorus_history_seen")
