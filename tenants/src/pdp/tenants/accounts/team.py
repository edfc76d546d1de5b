"""A provider's portal users, managed by its administrators: who they are, their role, changing it, removing them.
Inviting someone is :mod:`pdp.tenants.accounts.user_invitations`. Callers own the transaction.

Rules, whatever page or API calls them: only an administrator of the provider manages its users (403
``portal_role_required``); another provider's users are not found (404: the caller's scope reads only its own
providers' memberships); a provider always keeps at least one active administrator (409 ``last_admin``), checked
with the provider's memberships locked so that two administrators demoting each other at once cannot both succeed.
Every change is audited with the portal user who made it as the actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.audit import AuditRepository
from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pdp.tenants.accounts.models import Membership, PortalToken, PortalUser
from pdp.tenants.accounts.team_repository import InvitationRepository, TeamRepository
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository


class LastAdmin(Conflict):
    default_code = "last_admin"
    title = "A provider keeps at least one administrator"


@dataclass(frozen=True, slots=True)
class Member:
    user_id: str
    full_name: str
    email: str
    role: PortalRole
    status: str  # active | invited | disabled
    last_sign_in_at: datetime | None
    is_caller: bool


@dataclass(frozen=True, slots=True)
class Team:
    provider: Provider
    members: list[Member]
    invitations: list[PortalToken]  # pending: not accepted, withdrawn or expired

    @property
    def admins(self) -> int:
        return sum(1 for m in self.members if m.role is PortalRole.ADMIN and m.status == "active")


def role_of(value: str) -> PortalRole:
    try:
        return PortalRole(value)
    except ValueError:
        raise ValidationFailed(
            "A role is admin, depositor or viewer.",
            code="role_unknown",
            errors=[
                {
                    "rule": "PDP-ROLE",
                    "severity": "error",
                    "message": "Choose a role: administrator, depositor or viewer.",
                    "message_fr": "Choisissez un rôle : administrateur, déposant ou gestionnaire.",
                    "path": "$.role",
                }
            ],
        ) from None


async def administered(session: AsyncSession, caller: PortalUserCaller, provider_id: str) -> Provider:
    """The provider, if ``caller`` administers it: 404 when the caller cannot see it, 403 when it may only read."""
    provider = await ProviderRepository(session).get(provider_id)
    if caller.role_on(provider.id) is not PortalRole.ADMIN:
        raise Forbidden(
            "Only an administrator of the provider manages its users and mandates.",
            code="portal_role_required",
            needed_role=PortalRole.ADMIN.value,
        )
    return provider


def _member(user: PortalUser, membership: Membership, caller: PortalUserCaller) -> Member:
    return Member(
        user.id,
        user.full_name,
        user.email,
        PortalRole(membership.role),
        user.status,
        user.last_sign_in_at,
        user.id == caller.user_id,
    )


async def team_of(session: AsyncSession, caller: PortalUserCaller, provider_id: str) -> Team:
    provider = await administered(session, caller, provider_id)
    rows = await TeamRepository(session).members_of(provider.id)
    invitations = await InvitationRepository(session).pending(provider.id, clock.now())
    return Team(provider, [_member(user, membership, caller) for user, membership in rows], invitations)


async def _locked_membership(
    session: AsyncSession, provider_id: str, user_id: str
) -> tuple[Membership, list[tuple[PortalUser, Membership]]]:
    rows = await TeamRepository(session).members_of(provider_id, lock=True)
    found = next((membership for user, membership in rows if user.id == user_id), None)
    if found is None:
        raise NotFound(f"No such user of this provider: {user_id}")
    return found, rows


def _active_admins(rows: list[tuple[PortalUser, Membership]], *, besides: str) -> int:
    return sum(1 for user, m in rows if m.role == PortalRole.ADMIN and user.status == "active" and user.id != besides)


async def change_role(
    session: AsyncSession, caller: PortalUserCaller, provider_id: str, user_id: str, role: str
) -> Membership:
    """Give ``user_id`` another role on the provider; audited ``membership.changed``."""
    new_role = role_of(role)
    provider = await administered(session, caller, provider_id)
    membership, rows = await _locked_membership(session, provider.id, user_id)
    previous = membership.role
    if previous == new_role.value:
        return membership
    if previous == PortalRole.ADMIN and _active_admins(rows, besides=user_id) == 0:
        raise LastAdmin("This user is the provider's last administrator: make someone else one first.")
    membership.role = new_role.value
    await session.flush()
    await AuditRepository(session).append(
        caller.actor,
        "membership.changed",
        "membership",
        membership.id,
        {"user_id": user_id, "provider_id": provider.id, "role": new_role.value, "previous": previous},
    )
    return membership


async def remove(session: AsyncSession, caller: PortalUserCaller, provider_id: str, user_id: str) -> None:
    """Take ``user_id`` off the provider (their account stays, with their other providers); audited
    ``membership.revoked``. Their next request is served without this provider: a caller's scope is read from
    the memberships at every request."""
    provider = await administered(session, caller, provider_id)
    membership, rows = await _locked_membership(session, provider.id, user_id)
    if membership.role == PortalRole.ADMIN and _active_admins(rows, besides=user_id) == 0:
        raise LastAdmin("This user is the provider's last administrator: make someone else one first.")
    await TeamRepository(session).remove(membership)
    await AuditRepository(session).append(
        caller.actor,
        "membership.revoked",
        "membership",
        membership.id,
        {"user_id": user_id, "provider_id": provider.id, "role": membership.role},
    )
