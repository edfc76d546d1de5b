"""``/v1/me`` and ``/v1/api-keys``: who am I, and the tenant's keys (create, list, revoke: admin keys only)."""

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
from pdp.web.replay import SHOWS_SECRET
from pdp.web.scopes import ADMIN_ONLY

Scope = Literal["read", "deposit", "admin"]


class ApiKeyRead(msgspec.Struct):
    id: str
    name: str
    mode: str
    scopes: list[str]
    last4: str
    created_at: datetime
    revoked_at: datetime | None
    object: str = "api_key"


class ApiKeyCreated(ApiKeyRead, kw_only=True):
    secret: str


class ApiKeyCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, PRINTABLE, msgspec.Meta(min_length=1, max_length=100)]
    # Omitted: the calling key's mode and scopes. A key creates keys of its own mode, never wider than itself.
    mode: Literal["test", "live"] | None = None
    scopes: Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=3)] | None = None


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
    return ApiKeyRead(key.id, key.name, key.mode, list(key.scopes), key.last4, key.created_at, key.revoked_at)


class AccountController(Controller):
    path = "/v1"
    tags = ["Account"]

    @get("/me", responses=problems(), summary="The tenant and API key making this call")
    async def me(self, session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]) -> MeRead:
        tenant = await service.current_tenant(session)
        key = await service.get_api_key(session, principal.api_key_id)
        return MeRead(TenantRead(tenant.id, tenant.name, tenant.status, tenant.created_at), _key(key))

    @post(
        "/api-keys",
        responses=problems(400, 403, 409, 422),
        summary="Create an API key (the secret is shown once)",
        description="Of the calling key's mode, with at most its scopes (both default to the caller's). The secret "
        "is in this answer only: an Idempotency-Key replay answers 409 `idempotency_replay_unavailable` with the "
        "key's id instead (docs/api.md § Account).",
        opt=ADMIN_ONLY | SHOWS_SECRET,
    )
    async def create_key(
        self,
        data: JSONBody[ApiKeyCreate],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
    ) -> ApiKeyCreated:
        issued = await service.issue_api_key(session, principal, data.name, mode=data.mode, scopes=data.scopes)
        shown = _key(issued.key)
        return ApiKeyCreated(**msgspec.structs.asdict(shown), secret=issued.secret)

    @get("/api-keys", responses=problems(403, 422), summary="List API keys", opt=ADMIN_ONLY)
    async def list_keys(
        self, session: NamedDependency[AsyncSession], limit: Limit = 10, starting_after: StartingAfter = None
    ) -> ListResponse[ApiKeyRead]:
        page = await service.list_api_keys(session, limit=limit, starting_after=starting_after)
        return ListResponse([_key(k) for k in page.items], page.has_more)

    @post(
        "/api-keys/{key_id:str}/revoke",
        responses=problems(403, 404),
        summary="Revoke an API key, effective at once",
        status_code=200,
        opt=ADMIN_ONLY,
    )
    async def revoke_key(
        self, key_id: FromPath[str], session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]
    ) -> ApiKeyRead:
        return _key(await service.revoke_api_key(session, key_id, principal.actor))
