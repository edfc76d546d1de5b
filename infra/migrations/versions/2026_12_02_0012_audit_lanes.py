"""Audit chains per tenant and lane: the events of one target in one chain, a tenant's targets over 16 chains.

Existing events stay in lane 0, where they hash as before.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade(app_role: str) -> None:
    op.add_column("audit_events", sa.Column("lane", sa.SmallInteger(), nullable=False, server_default="0"))
    op.drop_constraint("uq_audit_events_tenant_id_seq", "audit_events")
    op.create_unique_constraint("uq_audit_events_tenant_id_lane_seq", "audit_events", ["tenant_id", "lane", "seq"])


def downgrade(app_role: str) -> None:
    # Only possible while every event is in lane 0 (the unique constraint would refuse the rest).
    op.drop_constraint("uq_audit_events_tenant_id_lane_seq", "audit_events")
    op.create_unique_constraint("uq_audit_events_tenant_id_seq", "audit_events", ["tenant_id", "seq"])
    op.drop_column("audit_events", "lane")
