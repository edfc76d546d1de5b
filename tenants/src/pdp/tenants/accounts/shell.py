"""What every signed-in portal page shows around its content: the tenant's brand and the user's providers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.tenants.accounts.branding import Brand, BrandRepository
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository


@dataclass(frozen=True, slots=True)
class ProviderChoice:
    id: str
    name: str
    siret: str
    role: PortalRole


class ProviderNames(ProviderRepository):
    async def in_scope(self) -> list[Provider]:
        """The providers the session's caller may read, by name (a person belongs to a handful)."""
        query = self.select().order_by(Provider.name, Provider.id)
        return list((await self.session.execute(query)).scalars())


@dataclass(frozen=True, slots=True)
class ShellData:
    brand: Brand
    providers: list[ProviderChoice]


async def shell_data(session: AsyncSession, caller: PortalUserCaller) -> ShellData:
    """The brand and the caller's providers, each with the caller's role (session bound to ``caller``)."""
    brand = await BrandRepository(session).brand()
    providers = [
        ProviderChoice(p.id, p.name, p.siret, role)
        for p in await ProviderNames(session).in_scope()
        if (role := caller.role_on(p.id)) is not None
    ]
    return ShellData(brand, providers)
