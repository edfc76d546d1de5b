"""``/v1/me`` and ``/v1/api-keys``: who am I, and the tenant's keys (create, list, revoke)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.accounts import service
from pdp.tenants.accounts.models import ApiKey
from pdp.tenants.accounts.service import Principal
from pdp.tenants.common import PRINTABLE
from pdp.web.api.pagination import Limit, ListResponse, StartingAfter
from pdp.web.api.problems import problems


class ApiKeyRead(msgspec.Struct):
    id: str
    name: str
    mode: str
    last4: str
    created_at: datetime
    revoked_at: datetime | None
    object: str = "api_key"


class ApiKeyCreated(ApiKeyRead, kw_only=True):
    secret: str


class ApiKeyCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, PRINTABLE, msgspec.Meta(min_length=1, max_length=100)]
    mode: Literal["test", "live"] = "test"


class TenantRead(msgspec.Struct):
    id: str
    name: str
    status: str
    created_at: datetime


class MeRead(msgspec.Struct):
    tenant: TenantRead
    api_key: ApiKeyRead
    object: str = "me"


def _key(key: ApiKey) -> ApiKeyRead:
    return ApiKeyRead(key.id, key.name, key.mode, key.last4, key.created_at, key.revoked_at)


class AccountController(Controller):
    path = "/v1"
    tags = ["Account"]

    @get("/me", responses=problems(), summary="The tenant and API key making this call")
    async def me(self, session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]) -> MeRead:
        tenant = await service.current_tenant(session)
        key = await service.get_api_key(session, principal.api_key_id)
        return MeRead(TenantRead(tenant.id, tenant.name, tenant.status, tenant.created_at), _key(key))

    @post("/api-keys", responses=problems(400, 409, 422), summary="Create an API key (the secret is shown once)")
    async def create_key(
        self,
        data: JSONBody[ApiKeyCreate],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
    ) -> ApiKeyCreated:
        issued = await service.create_api_key(session, data.name, data.mode, principal.actor)
        k = issued.key
        return ApiKeyCreated(k.id, k.name, k.mode, k.last4, k.created_at, k.revoked_at, secret=issued.secret)

    @get("/api-keys", responses=problems(422), summary="List API keys")
    async def list_keys(
        self, session: NamedDependency[AsyncSession], limit: Limit = 10, starting_after: StartingAfter = None
    ) -> ListResponse[ApiKeyRead]:
        page = await service.list_api_keys(session, limit=limit, starting_after=starting_after)
        return ListResponse([_key(k) for k in page.items], page.has_more)

    @post(
        "/api-keys/{key_id:str}/revoke",
        responses=problems(404),
        summary="Revoke an API key, effective at once",
        status_code=200,
    )
    async def revoke_key(
        self, key_id: FromPath[str], session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]
    ) -> ApiKeyRead:
        return _key(await service.revoke_api_key(session, key_id, principal.actor))
