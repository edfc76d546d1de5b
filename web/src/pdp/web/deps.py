"""Dependencies handlers receive: the request's session, caller and body, set up by the unit-of-work middleware."""

from __future__ import annotations

from typing import Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.accounts.service import Principal
from pdp.web.body import SpooledBody
from pdp.web.uow import SCOPE_KEY, RequestContext


def _context(request: Request[Any, Any, Any]) -> RequestContext:
    context: RequestContext = request.scope[SCOPE_KEY]  # type: ignore[literal-required]
    return context


async def provide_session(request: Request[Any, Any, Any]) -> AsyncSession:
    return _context(request).session


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The API key of a Partner API request (the routes that take one are behind :class:`ApiKeyAuthenticator`)."""
    caller = _context(request).caller
    if not isinstance(caller, Principal):
        raise TypeError(f"a Partner API route was reached by a {type(caller).__name__}")
    return caller


def request_body(request: Request[Any, Any, Any]) -> SpooledBody | None:
    """The body the unit of work received into a spooled file (None when the request had none)."""
    return _context(request).body
