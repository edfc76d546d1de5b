"""SQL of a provider's team: its portal users with their role, and its pending user invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, func
from sqlalchemy.orm import aliased

from pdp.tenants.accounts.models import Membership, PortalToken, PortalUser
from pdp.tenants.accounts.portal_repository import PortalTokenRepository, PortalUserRepository

INVITATION = "user_invitation"


class TeamRepository(PortalUserRepository):
    """A provider's users, read through :class:`PortalUserRepository` (the caller's scope: a portal user reads only
    the people who share one of its providers) and the provider's memberships (row-level security narrows those to
    the caller's providers too)."""

    async def members_of(self, provider_id: str, *, lock: bool = False) -> list[tuple[PortalUser, Membership]]:
        """The provider's users and their memberships, by name. ``lock``: the memberships are locked, so that two
        administrators changing roles at once are counted one after the other (a provider keeps an admin)."""
        # An alias: the scope's own condition is an EXISTS over memberships, which must not correlate with this join.
        member = aliased(Membership)
        query = (
            self.select()
            .add_columns(member)
            .join(member, and_(member.tenant_id == PortalUser.tenant_id, member.user_id == PortalUser.id))
            .where(member.provider_id == provider_id)
            .order_by(func.lower(PortalUser.full_name), PortalUser.id)
        )
        if lock:
            query = query.with_for_update(of=member)
        return [(user, membership) for user, membership in await self.session.execute(query)]

    async def remove(self, membership: Membership) -> None:
        await self.session.delete(membership)
        await self.session.flush()


class InvitationRepository(PortalTokenRepository):
    """User invitations are single-use links (``portal_tokens``, purpose ``user_invitation``) naming a provider
    and a role; the caller's scope narrows them to its providers."""

    def _pending(self, provider_id: str, now: datetime) -> Select[PortalToken]:
        return self.select().where(
            PortalToken.purpose == INVITATION,
            PortalToken.provider_id == provider_id,
            PortalToken.used_at.is_(None),
            PortalToken.expires_at > now,
        )

    async def pending(self, provider_id: str, now: datetime) -> list[PortalToken]:
        """The provider's invitations not yet accepted, withdrawn or expired, newest first."""
        query = self._pending(provider_id, now).order_by(PortalToken.id.desc())
        return list((await self.session.execute(query)).scalars())

    async def pending_one(self, provider_id: str, invitation_id: str, now: datetime) -> PortalToken | None:
        query = self._pending(provider_id, now).where(PortalToken.id == invitation_id).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def pending_for(self, provider_id: str, email: str, now: datetime) -> list[PortalToken]:
        query = self._pending(provider_id, now).where(PortalToken.email == email).with_for_update()
        return list((await self.session.execute(query)).scalars())
