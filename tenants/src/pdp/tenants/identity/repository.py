"""SQL for proofs of identity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from pdp.platform.db.repository import TenantRepository
from pdp.tenants.identity.models import IdentityProof


class IdentityProofRepository(TenantRepository[IdentityProof]):
    model = IdentityProof
    provider_key = "provider_id"

    async def for_update(self, proof_id: str) -> IdentityProof | None:
        """Locked: two code entries on one letter are counted one after the other."""
        query = self.select().where(IdentityProof.id == proof_id).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def open_letter(self, mandate_id: str, now: datetime) -> IdentityProof | None:
        """The letter sent for this mandate whose code can still be entered (the newest, locked)."""
        query = (
            self.select()
            .where(
                IdentityProof.mandate_id == mandate_id,
                IdentityProof.channel == "postal_code",
                IdentityProof.status == "pending",
                IdentityProof.expires_at > now,
            )
            .order_by(IdentityProof.created_at.desc())
            .limit(1)
            .with_for_update()
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def letters_since(self, provider_id: str, since: datetime) -> int:
        query = select(func.count()).where(
            IdentityProof.tenant_id == self.tenant_id,
            IdentityProof.provider_id == provider_id,
            IdentityProof.channel == "postal_code",
            IdentityProof.created_at >= since,
        )
        return int((await self.session.execute(query)).scalar_one())
