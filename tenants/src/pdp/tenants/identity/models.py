"""Proofs that a person acts for a SIRET: the precondition of accepting a mandate in a provider's name.

Three channels (which ones a deployment allows is a setting): ProConnect, the State's OpenID Connect federation
for professionals, whose ``siret`` claim names the establishment the person signed in for; the supplier's own
Chorus Pro account, whose attachments (``monCompte/recuperer/rattachements``) include the SIRET; and a code sent
by post to the address SIRENE registers for the SIRET, entered within 30 days. A proof is ``verified`` once the
channel answered for this SIRET; the evidence (subject, claims, time, IP) stays on the row and is archived with
the mandate it served.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, Index, SmallInteger, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pdp.platform.db.base import Base, TenantScoped

CHANNELS = ("proconnect", "chorus_account", "postal_code")
STATUSES = ("pending", "verified", "failed", "expired")


class IdentityProof(TenantScoped, Base):
    __tablename__ = "identity_proofs"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "provider_id"], ["providers.tenant_id", "providers.id"]),
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        Index("ix_identity_proofs_tenant_id_provider_id", "tenant_id", "provider_id"),
    )

    provider_id: Mapped[str] = mapped_column(String(30))
    siret: Mapped[str] = mapped_column(String(14))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    mandate_id: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    # ProConnect `sub`, the Chorus Pro login, or the letter's reference.
    subject: Mapped[str | None] = mapped_column(String(255))
    claims: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    code_sha256: Mapped[str | None] = mapped_column(String(64))  # postal code: keyed digest, never the code
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    letter_reference: Mapped[str | None] = mapped_column(String(60))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(45))
