"""A provider's own Chorus Pro technical account: login, encrypted password, last check.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STATUSES = "('unchecked', 'valid', 'refused', 'not_attached')"


def upgrade(app_role: str) -> None:
    op.add_column("providers", sa.Column("chorus_login", sa.String(200), nullable=True))
    # Envelope-encrypted (AES-GCM, bound to tenant and provider): a database dump alone reveals no password.
    op.add_column("providers", sa.Column("chorus_password_enc", sa.Text(), nullable=True))
    op.add_column("providers", sa.Column("chorus_account_status", sa.String(20), nullable=True))
    op.add_column("providers", sa.Column("chorus_account_checked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint(
        "ck_providers_chorus_account_status", "providers", f"chorus_account_status IN {STATUSES}"
    )


def downgrade(app_role: str) -> None:
    op.drop_constraint("ck_providers_chorus_account_status", "providers")
    for column in ("chorus_account_checked_at", "chorus_account_status", "chorus_password_enc", "chorus_login"):
        op.drop_column("providers", column)
