"""SQL for providers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.db.repository import Page, TenantRepository
from pdp.tenants.providers.models import Provider


class ProviderRepository(TenantRepository[Provider]):
    model = Provider
    provider_key = "id"

    async def by_siret(self, siret: str) -> Provider | None:
        result = await self.session.execute(self.select().where(Provider.siret == siret))
        return result.scalar_one_or_none()

    async def by_external_id(self, external_id: str) -> Provider | None:
        result = await self.session.execute(self.select().where(Provider.external_id == external_id))
        return result.scalar_one_or_none()

    async def search(
        self, *, status: str | None, external_id: str | None, siret: str | None, limit: int, starting_after: str | None
    ) -> Page[Provider]:
        query = self.select()
        if status:
            query = query.where(Provider.status == status)
        if external_id:
            query = query.where(Provider.external_id == external_id)
        if siret:
            query = query.where(Provider.siret == siret)
        return await self.page(query, limit=limit, starting_after=starting_after)


async def tenant_of_provider(owner_session: AsyncSession, provider_id: str) -> str | None:
    """Which tenant a provider belongs to. Crosses tenants: only for operator commands on the owner connection."""
    found = await owner_session.execute(select(Provider.tenant_id).where(Provider.id == provider_id))
    return found.scalar_one_or_none()
