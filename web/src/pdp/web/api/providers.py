"""``/v1/providers`` (api.md § Providers)."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.accounts.service import Principal
from pdp.tenants.common import PRINTABLE
from pdp.tenants.providers import service
from pdp.tenants.providers.schemas import ProviderCreate, ProviderRead, ProviderUpdate
from pdp.web.api.pagination import Limit, ListResponse, StartingAfter
from pdp.web.api.problems import problems


class ProvidersController(Controller):
    path = "/v1/providers"
    tags = ["Providers"]

    @post(
        "/",
        responses=problems(400, 409, 422),
        summary="Create a provider",
        description="SIRET checked; SIREN and VAT number derived.",
    )
    async def create(
        self,
        data: JSONBody[ProviderCreate],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
    ) -> ProviderRead:
        return service.to_read(await service.create(session, data, principal.actor))

    @get("/", responses=problems(422), summary="List providers, newest first")
    async def list(
        self,
        *,
        session: NamedDependency[AsyncSession],
        limit: Limit = 10,
        starting_after: StartingAfter = None,
        status: Annotated[Literal["active", "inactive"] | None, QueryParameter()] = None,
        external_id: Annotated[str | None, QueryParameter(max_length=100, pattern=PRINTABLE.pattern)] = None,
        siret: Annotated[str | None, QueryParameter(pattern=r"^[0-9]{14}$")] = None,
    ) -> ListResponse[ProviderRead]:
        page = await service.search(
            session, status=status, external_id=external_id, siret=siret, limit=limit, starting_after=starting_after
        )
        return ListResponse([service.to_read(p) for p in page.items], page.has_more)

    @get("/{provider_id:str}", responses=problems(404), summary="Retrieve a provider")
    async def retrieve(self, provider_id: FromPath[str], session: NamedDependency[AsyncSession]) -> ProviderRead:
        return service.to_read(await service.get(session, provider_id))

    @patch("/{provider_id:str}", responses=problems(400, 404, 409, 422), summary="Update a provider")
    async def update(
        self,
        provider_id: FromPath[str],
        data: JSONBody[ProviderUpdate],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
    ) -> ProviderRead:
        return service.to_read(await service.update(session, provider_id, data, principal.actor))
