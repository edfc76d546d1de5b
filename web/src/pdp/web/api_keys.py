"""The Partner API's authenticator: a tenant's API key as a bearer credential, then the key's scopes."""

from __future__ import annotations

from typing import cast

from litestar.handlers import HTTPRouteHandler
from litestar.types import HTTPScope
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.accounts.service import Principal, authenticate
from pdp.web.scopes import authorize
from pdp.web.uow import header


class ApiKeyAuthenticator:
    """``Authorization: Bearer pdp_…``: the key's lookup binds the session to its tenant (the whole tenant)."""

    async def authenticate(self, session: AsyncSession, scope: HTTPScope) -> Principal:
        principal = await authenticate(session, header(scope, b"authorization"))
        # The key's scope before anything else, so that a replay needs what its first request needed.
        authorize(principal, cast("HTTPRouteHandler", scope["route_handler"]), scope["method"])
        return principal
