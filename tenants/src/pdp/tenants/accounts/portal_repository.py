"""SQL of the portal's people: its users (scoped through memberships), sessions and single-use links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists, select, update

from pdp.platform.db.repository import TenantRepository
from pdp.tenants.accounts.models import Membership, PortalSession, PortalToken, PortalUser


class PortalUserRepository(TenantRepository[PortalUser]):
    """Portal users; a caller scoped to providers reads the users who belong to one of them (a person has no
    provider column of its own: it reaches its providers through memberships)."""

    model = PortalUser

    @classmethod
    def of_providers(cls, providers: frozenset[str]) -> ColumnElement[bool]:
        return exists().where(
            Membership.tenant_id == PortalUser.tenant_id,
            Membership.user_id == PortalUser.id,
            Membership.provider_id.in_(providers),
        )

    async def by_email(self, email: str) -> PortalUser | None:
        result = await self.session.execute(self.select().where(PortalUser.email == email))
        return result.scalar_one_or_none()

    async def by_proconnect_subject(self, subject: str) -> PortalUser | None:
        result = await self.session.execute(self.select().where(PortalUser.proconnect_sub == subject))
        return result.scalars().first()


class PortalSessionRepository(TenantRepository[PortalSession]):
    """Sessions are read by their token, before the caller (and so its scope) is known: whole-tenant sessions only."""

    model = PortalSession

    async def by_token(self, digest: str) -> PortalSession | None:
        query = select(PortalSession).where(
            PortalSession.tenant_id == self.tenant_id, PortalSession.token_sha256 == digest
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def revoke_all(self, user_id: str, at: datetime) -> int:
        result = await self.session.execute(
            update(PortalSession)
            .where(
                PortalSession.tenant_id == self.tenant_id,
                PortalSession.user_id == user_id,
                PortalSession.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class PortalTokenRepository(TenantRepository[PortalToken]):
    model = PortalToken
    provider_key = "provider_id"

    async def by_token_for_update(self, digest: str) -> PortalToken | None:
        query = (
            select(PortalToken)
            .where(PortalToken.tenant_id == self.tenant_id, PortalToken.token_sha256 == digest)
            .with_for_update()
        )
        return (await self.session.execute(query)).scalar_one_or_none()
