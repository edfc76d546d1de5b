"""« Mon compte » (``/portal/{tenant_id}/compte``): the user's password, two-step sign-in, language, sessions; and
the two switches of the layout (language, provider).

A refused form is shown again with status 200 and its messages (see ``second_factor``: audit entries of refusals
are kept).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import RateLimited, ValidationFailed
from pdp.tenants.accounts import passwords, preferences, sessions, totp
from pdp.tenants.accounts.guards import SignInGuards
from pdp.tenants.staff.grants import GrantRepository
from pdp.tenants.staff.models import StaffAccessGrant
from pdp.web.portal import redirects
from pdp.web.portal.auth import PortalAccount, clear_session_cookie, lifetimes, set_session_cookie
from pdp.web.portal.i18n import COOKIE as LANGUAGE_COOKIE
from pdp.web.portal.i18n import COOKIE_MAX_AGE, LOCALES, remember
from pdp.web.portal.routing import Form
from pdp.web.portal.second_factor import code_form, finish_enrolment, refusal
from pdp.web.portal.shell import PROVIDER_COOKIE, Shell
from pdp.web.portal.visitors import client_of
from pdp.web.resources import Resources

TOTP_SET_UP = "/compte/double-authentification"  # the set-up form, which posts to TOTP_SET_UP + "/activation"
WRONG_PASSWORD = "Le mot de passe actuel est incorrect."  # noqa: S105 - a message, not a password


def _page(
    shell: Shell,
    account: PortalAccount,
    *,
    notice: FromQuery[str | None] = None,
    password_errors: list[str] | None = None,
    totp_error: str | None = None,
    status: int = 200,
    staff_access: list[StaffAccessGrant] | None = None,
) -> Template:
    user = account.resumed.user
    return shell.page(
        "portal/account.html.jinja2",
        status=status,
        user=user,
        notice=notice,
        password_errors=password_errors or [],
        totp_error=totp_error,
        totp_required=shell.has_role(PortalRole.ADMIN),
        staff_access=staff_access,
    )


def _portal_cookie(
    response: Response[Any], shell: Shell, resources: Resources, name: str, value: str, *, max_age: int | None = None
) -> None:
    """A cookie of this portal's pages (its path is the portal's base), out of scripts' reach, over https only when
    pdp is served over https."""
    secure = resources.settings.public_url.startswith("https://")
    response.set_cookie(name, value, path=shell.base, max_age=max_age, httponly=True, samesite="lax", secure=secure)


def _language_switched(
    request: Request[Any, Any, Any], shell: Shell, resources: Resources, data: dict[str, str], *, public: bool
) -> Response[Any]:
    """Back to the page the switch was on, the language chosen kept for this browser (a preference, not a secret:
    a year); an unknown language is ignored."""
    locale = data.get("langue", "")
    response = redirects.go(request, redirects.safe_suite(shell.tenant_id, data.get("suite"), public=public))
    if locale in LOCALES:
        _portal_cookie(response, shell, resources, LANGUAGE_COOKIE, locale, max_age=COOKIE_MAX_AGE)
    return response


class AccountController(Controller):
    path = "/compte"

    @get("/")
    async def show(
        self,
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        notices = {
            "mot-de-passe": "Votre mot de passe est enregistré. Vos autres sessions sont fermées.",
            "double-authentification": "La validation en deux étapes est activée.",
            "double-authentification-desactivee": "La validation en deux étapes est désactivée.",
        }
        # When pdp's support read this supplier's data, and why: as the platform sees it in GET /v1/staff-access.
        staff_access = await GrantRepository(session).seen_by_providers(limit=20)
        return _page(shell, account, notice=notices.get(notice or ""), staff_access=staff_access)

    @post("/mot-de-passe", status_code=200)
    async def change_password(
        self,
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        caller: NamedDependency[PortalUserCaller],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        user = account.resumed.user
        if user.password_hash is not None and not await passwords.verify_password(
            user.password_hash, data.get("current", "")
        ):
            return _page(shell, account, password_errors=[WRONG_PASSWORD])
        try:
            passwords.check_new_password(data.get("password", ""), data.get("confirmation", ""), user.email)
        except ValidationFailed as refused:
            return _page(shell, account, password_errors=[e["message_fr"] for e in refused.errors])
        await passwords.set_password(session, user, data["password"], caller.actor)
        # Every other browser signed in with the old password is signed out; this one gets a fresh session.
        record = account.resumed.record
        await sessions.close_all(session, user.id)
        token = await sessions.open_session(
            session,
            user,
            record.method,
            lifetimes(resources.settings),
            ip=client_of(request, resources, shell.tenant_id).ip,
            user_agent=request.headers.get("user-agent"),
            second_factor=record.second_factor_at is not None,
        )
        response = redirects.go(request, shell.url("/compte?notice=mot-de-passe"))
        set_session_cookie(response, shell.tenant_id, token, resources.settings)
        return response

    @get("/double-authentification")
    async def totp_form(
        self,
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
    ) -> Response[Any]:
        if account.resumed.user.totp_enabled_at is not None:
            return redirects.go(shell.request, shell.url("/compte"))
        return code_form(
            shell,
            account,
            resources,
            suite=shell.url("/compte?notice=double-authentification"),
            action=TOTP_SET_UP,
        )

    @post("/double-authentification/activation", status_code=200)
    async def enable_totp(
        self,
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        suite = shell.url("/compte?notice=double-authentification")
        return await finish_enrolment(
            request,
            session,
            shell,
            account,
            resources,
            data=data,
            suite=suite,
            action=TOTP_SET_UP,
        )

    @post("/double-authentification/desactivation", status_code=200)
    async def disable_totp(
        self,
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        if shell.has_role(PortalRole.ADMIN):
            return _page(shell, account, totp_error="Un administrateur garde la validation en deux étapes.")
        try:
            await totp.disable(
                session,
                SignInGuards.on(resources.redis),
                resources.require_envelope(),
                account.resumed.user,
                data.get("code", ""),
            )
        except (ValidationFailed, RateLimited) as error:
            message, _, status, headers = refusal(error)
            page = _page(shell, account, totp_error=message, status=status)
            page.headers.update(headers)
            return page
        return redirects.go(request, shell.url("/compte?notice=double-authentification-desactivee"))

    @post("/deconnexion-partout", status_code=200)
    async def sign_out_everywhere(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
    ) -> Response[Any]:
        await preferences.sign_out_everywhere(session, account.resumed.user)
        response = redirects.go(request, redirects.sign_in_url(shell.tenant_id))
        clear_session_cookie(response, shell.tenant_id)
        return response

    @post("/langue", status_code=200)
    async def language(
        self,
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        locale = data.get("langue", "")
        if locale in LOCALES:  # the user's own language too, wherever they sign in next
            await preferences.set_locale(session, account.resumed.user, locale)
            remember(request, locale)
        return _language_switched(request, shell, resources, data, public=False)


class SwitchesController(Controller):
    """The provider switch of the signed-in layout."""

    @post("/fournisseur", status_code=200)
    async def provider(
        self,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        chosen = data.get("fournisseur", "")
        response = redirects.go(request, redirects.safe_suite(shell.tenant_id, data.get("suite")))
        if any(p.id == chosen for p in shell.providers):
            _portal_cookie(response, shell, resources, PROVIDER_COOKIE, chosen)
        else:  # "all my providers"
            response.delete_cookie(PROVIDER_COOKIE, path=shell.base)
        return response


class PublicLanguageController(Controller):
    """The language switch of the public pages: a cookie only (nobody is signed in)."""

    @post("/langue", status_code=200)
    async def language(
        self,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        return _language_switched(request, shell, resources, data, public=True)
