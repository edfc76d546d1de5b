"""Tenants, API keys, portal users and staff: the use cases. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.callers import ApiKeyCaller, PortalUserCaller
from pdp.platform.db.repository import Page
from pdp.platform.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from pdp.platform.security import apikeys
from pdp.tenants.accounts import scopes as key_scopes
from pdp.tenants.accounts.models import ApiKey, Membership, PortalUser, Role, StaffUser, Tenant
from pdp.tenants.accounts.portal_repository import PortalUserRepository
from pdp.tenants.accounts.repository import (
    ApiKeyRepository,
    MembershipRepository,
    StaffRepository,
    TenantsRepository,
    lookup_api_key,
)
from pdp.tenants.common import normalize_email
from pdp.tenants.providers.repository import ProviderRepository

SYSTEM = Actor("system", "cli")


@dataclass(frozen=True, slots=True)
class Principal(ApiKeyCaller):
    """Who is calling the Partner API: an API key caller that checks its own scopes."""

    def require(self, scope: str) -> None:
        """Raise 403 ``insufficient_scope`` unless this key holds ``scope``."""
        key_scopes.require(self.scopes, scope)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKey
    secret: str  # shown once, never stored


async def create_tenant(session: AsyncSession, name: str, *, key_mode: str = "test") -> tuple[Tenant, IssuedKey]:
    """Create the session's tenant (its id was chosen by the caller) with a first API key, an admin one: the
    operator hands it to the tenant, which creates narrower keys with it."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationFailed("A tenant needs a name of 1 to 200 characters.")
    tenant = await TenantsRepository(session).add(name)
    issued = await create_api_key(session, "default", key_mode, key_scopes.ADMIN, SYSTEM)
    await AuditRepository(session).append(SYSTEM, "tenant.created", "tenant", tenant.id, {"name": name})
    return tenant, issued


async def issue_api_key(
    session: AsyncSession, principal: Principal, name: str, *, mode: str | None, scopes: Sequence[str] | None
) -> IssuedKey:
    """A key created through the API: of the caller's mode and at most the caller's scopes (omitted: the same)."""
    try:
        granted = principal.scopes if scopes is None else key_scopes.closure(scopes)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="scope_unknown") from exc
    if not granted:
        raise ValidationFailed("A key needs at least one scope.", code="scope_unknown")
    mode = mode or principal.mode
    key_scopes.check_grant(creator_mode=principal.mode, creator_scopes=principal.scopes, mode=mode, scopes=granted)
    return await create_api_key(session, name, mode, granted, principal.actor)


async def create_api_key(
    session: AsyncSession, name: str, mode: str, scopes: frozenset[str], actor: Actor
) -> IssuedKey:
    """A key of ``mode`` holding ``scopes`` (closed: pass the result of ``scopes.closure``); no permission check."""
    secret = apikeys.generate(mode)
    repo = ApiKeyRepository(session)
    key = await repo.add(
        ApiKey(
            id=ids.new_id("api_key"),
            name=name,
            mode=mode,
            scopes=key_scopes.ordered(scopes),
            key_sha256=apikeys.digest(secret),
            last4=apikeys.hint(secret),
        )
    )
    await AuditRepository(session).append(
        actor, "api_key.created", "api_key", key.id, {"name": name, "mode": mode, "scopes": key.scopes}
    )
    return IssuedKey(key, secret)


async def revoke_api_key(session: AsyncSession, key_id: str, actor: Actor) -> ApiKey:
    key = await ApiKeyRepository(session).revoke(key_id)
    await AuditRepository(session).append(actor, "api_key.revoked", "api_key", key.id)
    return key


@dataclass(frozen=True, slots=True)
class KeyUse:
    key: ApiKey
    last_action_at: datetime | None  # its last audited action (deposits, changes); reads are not audited


async def inspect_tenant(session: AsyncSession, actor: Actor) -> tuple[Tenant, list[KeyUse]]:
    """The session's tenant and every API key it has had, for an operator; the look is audited."""
    tenant = await TenantsRepository(session).find_current()
    if tenant is None:
        raise NotFound("No such tenant.")
    keys = await ApiKeyRepository(session).every_key()
    audit = AuditRepository(session)
    last_acts = await audit.last_acts("api_key", [key.id for key in keys])
    await audit.append(actor, "tenant.inspected", "tenant", tenant.id)
    return tenant, [KeyUse(key, last_acts.get(key.id)) for key in keys]


class TenantSuspended(Forbidden):
    default_code = "tenant_suspended"
    title = "This account is suspended"


async def authenticate(session: AsyncSession, authorization: str | None) -> Principal:
    """Resolve ``Authorization: Bearer <key>`` and bind the session's transaction to the key's tenant."""
    scheme, _, raw = (authorization or "").partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        raise Unauthenticated("Send your API key as 'Authorization: Bearer pdp_…'.", code="api_key_missing")
    if not apikeys.looks_like_key(raw):
        raise Unauthenticated("The API key is malformed.", code="api_key_invalid")
    found = await lookup_api_key(session, apikeys.digest(raw))
    if found is None:
        raise Unauthenticated("The API key is not valid.", code="api_key_invalid")
    if found.revoked:
        raise Unauthenticated("The API key was revoked.", code="api_key_revoked")
    if found.tenant_status != "active":
        raise TenantSuspended(
            "This account is suspended by pdp; its API keys work again once it is reactivated. Contact pdp's support."
        )
    return Principal(found.tenant_id, found.api_key_id, found.mode, found.scopes)


async def current_tenant(session: AsyncSession) -> Tenant:
    return await TenantsRepository(session).current()


async def create_portal_user(session: AsyncSession, email: str, full_name: str, actor: Actor) -> PortalUser:
    repo = PortalUserRepository(session)
    email = normalize_email(email)
    if await repo.by_email(email) is not None:
        raise Conflict("A portal user with this e-mail already exists.", code="portal_user_exists")
    user = await repo.add(PortalUser(id=ids.new_id("portal_user"), email=email, full_name=full_name.strip()))
    await AuditRepository(session).append(actor, "portal_user.created", "portal_user", user.id)
    return user


async def grant_membership(
    session: AsyncSession, user_id: str, provider_id: str, role: Role, actor: Actor
) -> Membership:
    """Give a portal user a role on a provider; both must belong to the session's tenant."""
    await PortalUserRepository(session).get(user_id)
    await ProviderRepository(session).get(provider_id)
    membership = await MembershipRepository(session).add(
        Membership(id=ids.new_id("membership"), user_id=user_id, provider_id=provider_id, role=role.value)
    )
    await AuditRepository(session).append(
        actor,
        "membership.granted",
        "membership",
        membership.id,
        {"user_id": user_id, "provider_id": provider_id, "role": role.value},
    )
    return membership


async def portal_caller(session: AsyncSession, user_id: str) -> PortalUserCaller:
    """The caller a signed-in portal user is: its role on each provider it belongs to. Read through a session that
    sees the whole tenant; the sessions that then serve the user are bound to what this returns."""
    user = await PortalUserRepository(session).find(user_id)
    if user is None or user.status != "active":
        raise Unauthenticated("This portal account does not exist or is disabled.", code="portal_user_inactive")
    memberships = await MembershipRepository(session).for_user(user_id)
    return PortalUserCaller(user.tenant_id, user.id, {m.provider_id: Role(m.role) for m in memberships})


async def create_staff_user(session: AsyncSession, email: str, full_name: str, role: str) -> StaffUser:
    repo = StaffRepository(session)
    email = normalize_email(email)
    if role not in ("support", "admin"):
        raise ValidationFailed("Staff role must be 'support' or 'admin'.")
    if await repo.by_email(email) is not None:
        raise Conflict("A staff user with this e-mail already exists.", code="staff_user_exists")
    return await repo.add(StaffUser(id=ids.new_id("staff_user"), email=email, full_name=full_name.strip(), role=role))


async def get_api_key(session: AsyncSession, key_id: str) -> ApiKey:
    return await ApiKeyRepository(session).get(key_id)


async def list_api_keys(session: AsyncSession, *, limit: int, starting_after: str | None) -> Page[ApiKey]:
    return await ApiKeyRepository(session).page(limit=limit, starting_after=starting_after)
