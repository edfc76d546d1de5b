"""Chorus Pro technical accounts' passwords expire: when, and what pdp has said about it.

- ``providers`` gain, for the provider's own technical account, ``chorus_password_expires_at`` (Chorus Pro's
  ``dateExpirationMotPasseCompteTech``), ``chorus_password_read_at`` (when pdp last read it) and
  ``chorus_password_notice`` (the last warning sent for that date, ``expiring`` or ``expired``: each is sent once);
- ``chorus_platform_accounts``: the same for the platform's own accounts, one per environment (``test`` is
  qualification, ``live`` production). They belong to no tenant and the table holds no tenant data, so it has no
  row-level security; the app role reads and writes it (the daily job runs as pdp, outside any tenant).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

NOTICES = "IN ('expiring', 'expired')"


def upgrade(app_role: str) -> None:
    op.add_column("providers", sa.Column("chorus_password_expires_at", sa.DateTime(timezone=True)))
    op.add_column("providers", sa.Column("chorus_password_read_at", sa.DateTime(timezone=True)))
    op.add_column("providers", sa.Column("chorus_password_notice", sa.String(10)))
    op.create_check_constraint("chorus_password_notice", "providers", f"chorus_password_notice {NOTICES}")

    op.create_table(
        "chorus_platform_accounts",
        sa.Column("mode", sa.String(4), nullable=False),
        sa.Column("login", sa.String(200), nullable=False),
        sa.Column("structure_siret", sa.String(14)),
        sa.Column("password_expires_at", sa.DateTime(timezone=True)),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.Column("notice", sa.String(10)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("mode", "login", name="pk_chorus_platform_accounts"),
        sa.CheckConstraint("mode IN ('test', 'live')", name="ck_chorus_platform_accounts_mode"),
        sa.CheckConstraint(f"notice {NOTICES}", name="ck_chorus_platform_accounts_notice"),
    )
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON chorus_platform_accounts TO {app_role}")


def downgrade(app_role: str) -> None:
    op.drop_table("chorus_platform_accounts")
    op.drop_constraint("ck_providers_chorus_password_notice", "providers")
    for column in ("chorus_password_notice", "chorus_password_read_at", "chorus_password_expires_at"):
        op.drop_column("providers", column)
