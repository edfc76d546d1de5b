"""The console's routers: the sign-in pages outside the shared unit of work, every other page and action inside it
with a :class:`~pdp.platform.callers.StaffMember` as the caller, and how the console answers an error."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router
from litestar.di import Provide
from litestar.response import Redirect, Template

from pdp.platform.errors import AppError
from pdp.platform.settings import Settings
from pdp.tenants.staff import auth, grants
from pdp.web.console.actions import (
    close_access,
    follow_up,
    open_access,
    reactivate_tenant,
    redrive_invoice,
    replay_delivery,
    resend_email,
    resolve,
    revoke_key,
    rotate_webhook_secret,
    suspend_tenant,
)
from pdp.web.console.auth import (
    BASE,
    ConsoleAuthenticator,
    clear_cookie,
)
from pdp.web.console.pages import PAGE_OF_ACTION, home, invoice_page, provider_page, sign_out, tenant_page
from pdp.web.console.sign_in import SIGN_IN, sign_in, sign_in_form
from pdp.web.console.team import TEAM_PAGES
from pdp.web.deps import provide_session
from pdp.web.errors import EXCEPTION_HANDLERS, problem_for
from pdp.web.portal.routing import FORM_BODY_LIMIT
from pdp.web.uow import UnitOfWorkMiddleware


def _console_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """An ended session goes back to the sign-in page; a grant that closed meanwhile, to the tenant's page (its
    form); anything else is the app's usual answer."""
    code = exc.code if isinstance(exc, AppError) else None
    if code in (auth.SessionEnded.default_code, "staff_disabled"):
        response: Response[Any] = Redirect(SIGN_IN, status_code=303)
        clear_cookie(response)
        return response
    if code == grants.GrantClosed.default_code:
        # A page asked again shows the grant form; an action (POST-only) goes to the page it was taken from.
        page = PAGE_OF_ACTION.match(request.url.path) if request.method != "GET" else None
        return Redirect(page.group(0) if page else request.url.path, status_code=303)
    if isinstance(exc, AppError) and 400 <= exc.status < 500 and exc.status != 404:
        # An action refused (bad input, wrong role, conflict): a page that says why, in the console's own words,
        # with the stable code, and the way back to the page the form was on.
        page = PAGE_OF_ACTION.match(request.url.path)
        back = page.group(0) if page else f"{BASE}/"
        context = {"detail": exc.detail, "errors": exc.errors, "code": exc.code, "back": back, "staff": None}
        return Template("console/refused.html.jinja2", context=context, status_code=exc.status)
    return problem_for(request, exc)


def console_routers(settings: Settings) -> list[Router]:
    public = Router(
        path="/",
        route_handlers=[sign_in_form, sign_in],
        include_in_schema=False,
        request_max_body_size=FORM_BODY_LIMIT,
    )
    signed_in = Router(
        path=BASE,
        route_handlers=[
            home,
            tenant_page,
            invoice_page,
            provider_page,
            open_access,
            close_access,
            suspend_tenant,
            reactivate_tenant,
            redrive_invoice,
            revoke_key,
            replay_delivery,
            resend_email,
            follow_up,
            rotate_webhook_secret,
            resolve,
            *TEAM_PAGES,
            sign_out,
        ],
        middleware=[UnitOfWorkMiddleware(ConsoleAuthenticator(settings))],
        dependencies={"session": Provide(provide_session)},
        exception_handlers=dict.fromkeys(EXCEPTION_HANDLERS, _console_exception),
        include_in_schema=False,
        request_max_body_size=FORM_BODY_LIMIT,
    )
    return [public, signed_in]
