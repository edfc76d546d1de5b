"""Chorus Pro's copy of an invoice is one of its documents: kind ``chorus_copy``, one per invoice.

- ``documents.kind`` accepts ``chorus_copy`` (the pivot file ``telecharger/groupe`` returns for the invoice,
  archived by the ``invoices.archive_chorus_copies`` job);
- ``ux_documents_chorus_copy``: at most one per invoice. The job checks before archiving, under a lock; this
  index is the guarantee underneath, and what its "no copy yet" anti-join reads.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-14
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "invoice_original",
    "invoice_facturx",
    "validation_report",
    "mandate",
    "mandate_evidence",
    "chorus_receipt",
    "attachment",
)
NEW_KINDS = (*OLD_KINDS, "chorus_copy")


def _kinds(kinds: tuple[str, ...], *, named: str) -> None:
    op.drop_constraint(named, "documents")
    op.create_check_constraint("ck_documents_kind", "documents", f"kind IN {kinds}")


def upgrade(app_role: str) -> None:
    # 0004's create_table put the naming convention's prefix before a name that already had it.
    _kinds(NEW_KINDS, named="ck_documents_ck_documents_kind")
    op.execute(
        "CREATE UNIQUE INDEX ux_documents_chorus_copy ON documents (tenant_id, subject_id) WHERE kind = 'chorus_copy'"
    )


def downgrade(app_role: str) -> None:
    # Archived rows are never deleted by the app (no DELETE grant); the owner running a downgrade decides.
    op.execute("DROP INDEX ux_documents_chorus_copy")
    op.execute("DELETE FROM documents WHERE kind = 'chorus_copy'")
    _kinds(OLD_KINDS, named="ck_documents_kind")
