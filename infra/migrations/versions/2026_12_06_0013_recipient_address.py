"""The recipients directory keeps each structure's postal address (Chorus's adressePostaleDuSiege): pdp writes
it as the buyer's address (BG-8) of the Factur-X it generates, since French law wants both parties' addresses.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = (("address_line", 300), ("postal_code", 20), ("city", 200), ("country_code", 2))


def upgrade(app_role: str) -> None:
    for name, length in COLUMNS:
        op.add_column("chorus_recipients", sa.Column(name, sa.String(length), nullable=True))


def downgrade(app_role: str) -> None:
    for name, _ in COLUMNS:
        op.drop_column("chorus_recipients", name)
