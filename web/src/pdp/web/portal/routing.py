"""The portal's routers: who may open a page, and what its handler is given.

Every portal page lives under ``/portal/{tenant_id}`` and runs in the shared unit of work
(:class:`pdp.web.uow.UnitOfWorkMiddleware`: transaction, per-tenant admission, commit only below 400), with the
portal's exception handler (:func:`pdp.web.portal.pages.portal_exception_page`: sign-in redirects, French or
English error pages). Three kinds of pages, three routers:

- public (:func:`public_router`): sign-in, e-mailed links, the logo; the caller is pdp in that tenant;
- second factor (:func:`second_factor_router`): where a signed-in user who still owes a TOTP code gives it;
- signed in (:func:`signed_in_router`): everything else; the session is bound to the user's providers.

Handlers declare what they need by name: ``session`` (the request's :class:`AsyncSession`), ``shell``
(:class:`pdp.web.portal.shell.Shell`), and on signed-in pages ``caller`` (:class:`PortalUserCaller`) and
``account`` (:class:`pdp.web.portal.auth.PortalAccount`: the session row and the user); a form post's fields
come as ``data: Form``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Request, Router
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.base import instance_state

from pdp.platform.callers import PortalUserCaller
from pdp.platform.settings import Settings
from pdp.tenants.accounts.branding import BrandRepository
from pdp.tenants.accounts.shell import shell_data
from pdp.web.deps import provide_session
from pdp.web.errors import EXCEPTION_HANDLERS
from pdp.web.portal.auth import (
    PortalAccount,
    PortalSessionAuthenticator,
    PortalVisitorAuthenticator,
    portal_account,
)
from pdp.web.portal.pages import portal_exception_page
from pdp.web.portal.shell import Shell
from pdp.web.uow import SCOPE_KEY, Authenticator, RequestContext, UnitOfWorkMiddleware

PATH = "/portal/{tenant_id:str}"
FORM_BODY_LIMIT = 64 * 1024  # the portal's forms are a few fields; a page that uploads files sets its own
# A form's fields, as a handler takes them (``data: Form``): the portal's forms post URL-encoded.
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def provide_caller(request: Request[Any, Any, Any]) -> PortalUserCaller:
    context: RequestContext = request.scope[SCOPE_KEY]  # type: ignore[literal-required]
    caller = context.caller
    if not isinstance(caller, PortalUserCaller):
        raise TypeError(f"a signed-in portal page was reached by a {type(caller).__name__}")
    return caller


async def provide_account(request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> PortalAccount:
    """The session row and the user; reloaded when a rollback expired them (the unit of work ends its first
    transaction before it receives a request's body)."""
    account = portal_account(request)
    for row in (account.resumed.record, account.resumed.user):
        if instance_state(row).expired_attributes:
            await session.refresh(row)
    return account


async def provide_signed_in_shell(
    request: Request[Any, Any, Any],
    session: NamedDependency[AsyncSession],
    caller: NamedDependency[PortalUserCaller],
    account: NamedDependency[PortalAccount],
) -> Shell:
    data = await shell_data(session, caller)
    return Shell(request, data.brand, account.resumed.user, caller, data.providers)


async def provide_public_shell(request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Shell:
    return Shell(request, await BrandRepository(session).brand())


def _router(
    authenticator: Authenticator, handlers: Sequence[ControllerRouterHandler], dependencies: dict[str, Provide]
) -> Router:
    return Router(
        path=PATH,
        route_handlers=list(handlers),
        middleware=[UnitOfWorkMiddleware(authenticator)],
        dependencies={"session": Provide(provide_session), **dependencies},
        # Every kind the app handles, not just Exception: Litestar picks the most specific handler across layers.
        exception_handlers=dict.fromkeys(EXCEPTION_HANDLERS, portal_exception_page),
        include_in_schema=False,
        request_max_body_size=FORM_BODY_LIMIT,
    )


def public_router(handlers: Sequence[ControllerRouterHandler]) -> Router:
    return _router(PortalVisitorAuthenticator(), handlers, {"shell": Provide(provide_public_shell)})


def _signed_in_dependencies() -> dict[str, Provide]:
    return {
        "caller": Provide(provide_caller),
        "account": Provide(provide_account),
        "shell": Provide(provide_signed_in_shell),
    }


def second_factor_router(settings: Settings, handlers: Sequence[ControllerRouterHandler]) -> Router:
    authenticator = PortalSessionAuthenticator(settings, second_factor_pending=True)
    return _router(authenticator, handlers, _signed_in_dependencies())


def signed_in_router(settings: Settings, handlers: Sequence[ControllerRouterHandler]) -> Router:
    return _router(PortalSessionAuthenticator(settings), handlers, _signed_in_dependencies())
