"""SQL for tenants, API keys, portal users, memberships and staff users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.callers import ApiKeyCaller
from pdp.platform.db import tenancy
from pdp.platform.db.repository import TenantRepository
from pdp.platform.db.tenancy import tenant_of
from pdp.platform.errors import TenantContextMissing
from pdp.tenants.accounts.models import ApiKey, Membership, StaffUser, Tenant


@dataclass(frozen=True, slots=True)
class KeyLookup:
    api_key_id: str
    tenant_id: str
    mode: str
    scopes: frozenset[str]
    revoked: bool
    tenant_status: str = "active"


async def lookup_api_key(session: AsyncSession, digest: str) -> KeyLookup | None:
    """Find a key by digest across tenants; on success the transaction is bound to the key's tenant."""
    row = (await session.execute(text("SELECT * FROM pdp_authenticate(:digest)"), {"digest": digest})).first()
    if row is None:
        return None
    found = KeyLookup(row.api_key_id, row.tenant_id, row.mode, frozenset(row.scopes), row.revoked, row.tenant_status)
    if (
        not found.revoked and found.tenant_status == "active"
    ):  # later transactions of this session keep the key's tenant
        tenancy.adopt(session, ApiKeyCaller(found.tenant_id, found.api_key_id, found.mode, found.scopes))
    return found


class TenantsRepository:
    """The tenant row itself: visible only to a session bound to that tenant (RLS on ``tenants.id``)."""

    def __init__(self, session: AsyncSession) -> None:
        tenant_id = tenant_of(session)
        if tenant_id is None:
            raise TenantContextMissing("TenantsRepository needs a tenant context")
        self.session, self.tenant_id = session, tenant_id

    async def current(self) -> Tenant:
        return (await self.session.execute(select(Tenant).where(Tenant.id == self.tenant_id))).scalar_one()

    async def find_current(self) -> Tenant | None:
        return (await self.session.execute(select(Tenant).where(Tenant.id == self.tenant_id))).scalar_one_or_none()

    async def add(self, name: str) -> Tenant:
        tenant = Tenant(id=self.tenant_id, name=name, status="active")
        self.session.add(tenant)
        await self.session.flush()
        return tenant


class ApiKeyRepository(TenantRepository[ApiKey]):
    model = ApiKey

    async def revoke(self, key_id: str) -> ApiKey:
        key = await self.get(key_id)
        if key.revoked_at is None:
            await self.session.execute(
                update(ApiKey)
                .where(ApiKey.tenant_id == self.tenant_id, ApiKey.id == key_id)
                .values(revoked_at=clock.now())
            )
            await self.session.refresh(key)
        return key

    async def every_key(self) -> list[ApiKey]:
        """The tenant's keys, revoked ones included, oldest first (a tenant has a handful, not pages)."""
        result = await self.session.execute(self.select().order_by(ApiKey.created_at, ApiKey.id))
        return list(result.scalars())


class MembershipRepository(TenantRepository[Membership]):
    model = Membership
    provider_key = "provider_id"

    async def for_user(self, user_id: str) -> list[Membership]:
        result = await self.session.execute(self.select().where(Membership.user_id == user_id))
        return list(result.scalars())


class StaffRepository:
    """Staff users are global: no tenant filter, by design (their tenant access is audited elsewhere)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_email(self, email: str) -> StaffUser | None:
        return (await self.session.execute(select(StaffUser).where(StaffUser.email == email))).scalar_one_or_none()

    async def add(self, user: StaffUser) -> StaffUser:
        self.session.add(user)
        await self.session.flush()
        return user


async def active_tenant_ids(session: AsyncSession) -> list[str]:
    """Every active tenant's id (through pdp_active_tenants: the app role cannot list tenants itself)."""
    return list((await session.execute(text("SELECT * FROM pdp_active_tenants()"))).scalars())


@dataclass(frozen=True, slots=True)
class TenantSummary:
    id: str
    name: str
    status: str
    created_at: datetime
    active_keys: int


# The functions below cross tenants: operator commands only, on the owner connection (the app role sees one tenant).


async def every_tenant(owner_session: AsyncSession) -> list[TenantSummary]:
    """Every tenant, oldest first, with how many of its API keys are not revoked."""
    active_keys = func.count(ApiKey.id).filter(ApiKey.revoked_at.is_(None))
    query = (
        select(Tenant.id, Tenant.name, Tenant.status, Tenant.created_at, active_keys)
        .outerjoin(ApiKey, ApiKey.tenant_id == Tenant.id)
        .group_by(Tenant.id)
        .order_by(Tenant.created_at, Tenant.id)
    )
    return [TenantSummary(*row) for row in await owner_session.execute(query)]


async def existing_tenant(owner_session: AsyncSession, tenant_id: str) -> str | None:
    """``tenant_id`` if such a tenant exists."""
    return (await owner_session.execute(select(Tenant.id).where(Tenant.id == tenant_id))).scalar_one_or_none()


async def tenant_of_api_key(owner_session: AsyncSession, key_id: str) -> str | None:
    """Which tenant an API key belongs to."""
    return (await owner_session.execute(select(ApiKey.tenant_id).where(ApiKey.id == key_id))).scalar_one_or_none()
