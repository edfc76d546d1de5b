"""``/v1/providers`` (docs/api.md § Providers)."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.accounts.service import Principal
from pdp.tenants.common import PRINTABLE
from pdp.tenants.providers import chorus_account, service
from pdp.tenants.providers.schemas import (
    ChorusAccountCheck,
    ChorusAccountSet,
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
)
from pdp.web.api.pagination import Limit, ListResponse, StartingAfter
from pdp.web.api.problems import problems
from pdp.web.resources import Resources


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

    @put(
        "/{provider_id:str}/chorus-account",
        responses=problems(400, 404, 422, 503),
        summary="Set the provider's own Chorus Pro technical account",
        description="Stored encrypted and never returned; deposits for this provider then use it instead of the "
        "tenant's account. Check it with POST …/chorus-account/check.",
    )
    async def set_chorus_account(
        self,
        provider_id: FromPath[str],
        data: JSONBody[ChorusAccountSet],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> ProviderRead:
        provider = await chorus_account.set_account(
            session, provider_id, data, resources.require_envelope(), principal.actor
        )
        return service.to_read(provider)

    @post(
        "/{provider_id:str}/chorus-account/check",
        status_code=200,
        responses=problems(404, 409, 502, 503),
        summary="Check the provider's Chorus Pro account with Chorus Pro",
        description="`valid`: accepted and attached to the provider's SIRET; `not_attached`: accepted for other "
        "structures only; `refused`: Chorus rejects the login or password.",
    )
    async def check_chorus_account(
        self,
        provider_id: FromPath[str],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> ChorusAccountCheck:
        return await chorus_account.check_account(
            session, provider_id, resources.require_envelope(), resources.chorus, principal.actor, mode=principal.mode
        )
