"""The code step after a password or an e-mailed link (``/portal/{tenant_id}/connexion/code``), and signing out.

On the second-factor router: a session that still owes its code reaches these pages, and only these. A user who
has no code set up yet (an administrator must have one) sets it up here, which passes the step. A refused code is
shown on the form with status 200, so that its audit entry is kept (the unit of work commits below 400 only).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.errors import RateLimited, ValidationFailed
from pdp.tenants.accounts import sessions, totp
from pdp.tenants.accounts.guards import SignInGuards
from pdp.web.portal import redirects
from pdp.web.portal.auth import PortalAccount, clear_session_cookie, session_token
from pdp.web.portal.routing import Form
from pdp.web.portal.shell import Shell
from pdp.web.portal.throttled import wait_minutes
from pdp.web.resources import Resources

REFUSED = "Ce code n'est pas valable (ou a déjà servi). Saisissez le code affiché maintenant par votre application."
THROTTLED = "Trop de codes erronés. Patientez {minutes} minutes, puis réessayez."
SIGN_IN_CODE = "/connexion/code"  # the form's action; its set-up form posts to SIGN_IN_CODE + "/activation"


def code_form(
    shell: Shell,
    account: PortalAccount,
    resources: Resources,
    *,
    suite: str,
    error: str | None = None,
    minutes: int = 0,
    status: int = 200,
    action: str = SIGN_IN_CODE,
) -> Template:
    """The code form, or the set-up form (secret, QR code, first code) for a user who has none yet."""
    user = account.resumed.user
    enrolment = None
    if user.totp_enabled_at is None:
        enrolment = totp.start_enrolment(user, resources.require_envelope(), shell.brand.name)
    return shell.page(
        "portal/second_factor.html.jinja2",
        status=status,
        enrolment=enrolment,
        suite=suite,
        error=error,
        minutes=minutes,
        action=shell.url(action + ("/activation" if enrolment else "")),
    )


def refusal(error: Exception) -> tuple[str, int, int, dict[str, str]]:
    """(message, minutes, status, headers) of a refused code."""
    if isinstance(error, RateLimited):
        return THROTTLED, wait_minutes(error), 429, error.headers
    return REFUSED, 0, 200, {}


def refused_code_form(
    shell: Shell,
    account: PortalAccount,
    resources: Resources,
    error: Exception,
    *,
    suite: str,
    action: str = SIGN_IN_CODE,
) -> Template:
    """The code (or set-up) form again, saying why the code was refused; 429 with Retry-After while codes are held."""
    message, minutes, status, headers = refusal(error)
    page = code_form(
        shell, account, resources, suite=suite, error=message, minutes=minutes, status=status, action=action
    )
    page.headers.update(headers)
    return page


async def finish_enrolment(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    shell: Shell,
    account: PortalAccount,
    resources: Resources,
    *,
    data: dict[str, str],
    suite: str,
    action: str = SIGN_IN_CODE,
) -> Response[Any]:
    """The set-up form's post, at the first sign-in as in « Mon compte »: the sealed secret is stored once a first
    code checks, which also passes this session's second step, then on to ``suite``."""
    try:
        await totp.confirm_enrolment(
            session,
            SignInGuards.on(resources.redis),
            resources.require_envelope(),
            account.resumed.user,
            sealed=data.get("sealed", ""),
            code=data.get("code", ""),
        )
    except (ValidationFailed, RateLimited) as error:
        return refused_code_form(shell, account, resources, error, suite=suite, action=action)
    await sessions.pass_second_factor(session, account.resumed.record)
    return redirects.go(request, suite)


class SecondFactorController(Controller):
    @get("/connexion/code")
    async def show(
        self,
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
        suite: FromQuery[str | None] = None,
    ) -> Response[Any]:
        if account.resumed.second_factor_done:
            return redirects.go(shell.request, redirects.safe_suite(shell.tenant_id, suite))
        return code_form(shell, account, resources, suite=redirects.safe_suite(shell.tenant_id, suite))

    @post("/connexion/code", status_code=200)
    async def check(
        self,
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        suite = redirects.safe_suite(shell.tenant_id, data.get("suite"))
        user = account.resumed.user
        try:
            await totp.verify_code(
                session, SignInGuards.on(resources.redis), resources.require_envelope(), user, data.get("code", "")
            )
        except (ValidationFailed, RateLimited) as error:
            return refused_code_form(shell, account, resources, error, suite=suite)
        await sessions.pass_second_factor(session, account.resumed.record)
        return redirects.go(request, suite)

    @post("/connexion/code/activation", status_code=200)
    async def set_up(
        self,
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        suite = redirects.safe_suite(shell.tenant_id, data.get("suite"))
        return await finish_enrolment(request, session, shell, account, resources, data=data, suite=suite)

    @post("/deconnexion", status_code=200)
    async def sign_out(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession], shell: NamedDependency[Shell]
    ) -> Response[Any]:
        await sessions.close(session, session_token(request.scope))
        response = redirects.go(request, redirects.sign_in_url(shell.tenant_id))
        clear_session_cookie(response, shell.tenant_id)
        return response
