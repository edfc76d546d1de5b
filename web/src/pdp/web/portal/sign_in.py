"""The sign-in page (``/portal/{tenant_id}/connexion``): e-mail and password, a link by e-mail, or ProConnect.

Refusals are shown on the form itself with status 200, not 401: the unit of work commits only answers below 400,
and a refused attempt must stay in the audit log. The same words answer a wrong password and an unknown e-mail;
a link request gets the same page whether or not the address has an account.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import PortalRole
from pdp.platform.errors import RateLimited, ValidationFailed
from pdp.tenants.accounts import sessions
from pdp.tenants.accounts import sign_in as service
from pdp.tenants.accounts.guards import SignInGuards
from pdp.tenants.accounts.service import portal_caller
from pdp.web.portal import redirects
from pdp.web.portal.auth import lifetimes, set_session_cookie
from pdp.web.portal.routing import Form
from pdp.web.portal.shell import Shell
from pdp.web.portal.throttled import wait_minutes
from pdp.web.portal.visitors import client_of
from pdp.web.resources import Resources

WRONG = "Adresse e-mail ou mot de passe incorrect."
INVALID_EMAIL = "Saisissez une adresse e-mail valide."
THROTTLED = "Trop de tentatives. Patientez {minutes} minutes, puis réessayez."


async def _after_sign_in(
    *,
    request: Request[Any, Any, Any],
    session: AsyncSession,
    shell: Shell,
    signed_in: service.SignedIn,
    suite: str | None,
    resources: Resources,
) -> Response[Any]:
    """To the page asked for (or the dashboard); to the code page first when the session owes one (the signed-in
    pages would send it there anyway: this saves a hop)."""
    target = redirects.safe_suite(shell.tenant_id, suite)
    user = signed_in.user
    caller = await portal_caller(session, user.id)
    if user.totp_enabled_at is not None or PortalRole.ADMIN in caller.roles.values():
        target = redirects.second_factor_url(shell.tenant_id, target)
    response = redirects.go(request, target)
    set_session_cookie(response, shell.tenant_id, signed_in.token, resources.settings)
    return response


class SignInController(Controller):
    path = "/connexion"

    @get("/")
    async def show(
        self, shell: NamedDependency[Shell], resources: NamedDependency[Resources], suite: FromQuery[str | None] = None
    ) -> Template:
        return _form(shell, resources, suite=suite)

    @post("/", status_code=200)
    async def with_password(
        self,
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        email, suite = data.get("email", ""), data.get("suite") or None
        try:
            signed_in = await service.sign_in_with_password(
                session,
                SignInGuards.on(resources.redis),
                lifetimes(resources.settings),
                client_of(request, resources, shell.tenant_id),
                email=email,
                password=data.get("password", ""),
            )
        except service.SignInRefused:
            return _form(shell, resources, suite=suite, email=email, error=WRONG)
        except RateLimited as refused:
            minutes = wait_minutes(refused)
            page = _form(shell, resources, suite=suite, email=email, error=THROTTLED, minutes=minutes, status=429)
            page.headers.update(refused.headers)
            return page
        return await _after_sign_in(
            request=request, session=session, shell=shell, signed_in=signed_in, suite=suite, resources=resources
        )

    @post("/lien", status_code=200)
    async def ask_for_link(
        self,
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Template:
        email, suite = data.get("email", ""), redirects.safe_suite(shell.tenant_id, data.get("suite"))
        try:
            await service.request_sign_in_link(
                session, SignInGuards.on(resources.redis), client_of(request, resources, shell.tenant_id), email, suite
            )
        except ValidationFailed:
            return _form(
                shell, resources, suite=suite, link_email=email, link_error="Saisissez une adresse e-mail valide."
            )
        except RateLimited as refused:
            minutes = wait_minutes(refused)
            page = _form(
                shell, resources, suite=suite, link_email=email, link_error=THROTTLED, minutes=minutes, status=429
            )
            page.headers.update(refused.headers)
            return page
        return shell.page(
            "portal/sign_in_link_sent.html.jinja2", minutes=resources.settings.portal_sign_in_link_minutes
        )

    @get("/lien/{token:str}")
    async def open_link(
        self,
        token: FromPath[str],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        suite: FromQuery[str | None] = None,
    ) -> Template:
        # A GET only shows the button: mail scanners open links, and must not use this one up.
        await sessions.peek_link(session, token, "sign_in")
        return shell.page("portal/sign_in_link.html.jinja2", token=token, suite=suite or "")

    @post("/lien/{token:str}", status_code=200)
    async def use_link(
        self,
        *,
        token: FromPath[str],
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        signed_in = await service.sign_in_with_link(
            session, token, lifetimes(resources.settings), client_of(request, resources, shell.tenant_id)
        )
        suite = data.get("suite") or None
        return await _after_sign_in(
            request=request, session=session, shell=shell, signed_in=signed_in, suite=suite, resources=resources
        )


def _form(
    shell: Shell,
    resources: Resources,
    *,
    suite: str | None,
    email: str = "",
    error: str | None = None,
    link_email: str = "",
    link_error: str | None = None,
    minutes: int = 0,
    status: int = 200,
) -> Template:
    safe = redirects.safe_suite(shell.tenant_id, suite)
    return shell.page(
        "portal/sign_in.html.jinja2",
        status=status,
        suite=safe if safe != redirects.dashboard_url(shell.tenant_id) else "",
        email=email,
        error=error,
        link_email=link_email,
        link_error=link_error,
        minutes=minutes,
        proconnect=bool(resources.settings.proconnect_issuer),
    )
