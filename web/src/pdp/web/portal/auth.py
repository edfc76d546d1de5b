"""How the provider portal recognises its callers: the two :class:`pdp.web.uow.Authenticator` of its routes.

Every portal URL starts with its tenant, ``/portal/{tenant_id}/…``: each platform has its own portal, in its own
brand, and its users are its own (a person using two platforms has two accounts). The session cookie is scoped
to that path, so two portals open in one browser never see each other's cookie.

- :class:`PortalVisitorAuthenticator` serves the pages anyone may open (sign-in, an e-mailed link, the identity
  proof and ProConnect's return): the caller is pdp itself in that tenant, and the handler decides what the
  link or the form proves.
- :class:`PortalSessionAuthenticator` serves the signed-in pages: the cookie's session, its user's memberships
  (the provider scope the session is then bound to), and the second factor an administrator must have passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from litestar import Request, Response
from litestar.types import HTTPScope
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.callers import PortalRole, PortalUserCaller, SystemCaller
from pdp.platform.db import tenancy
from pdp.platform.errors import AppError, NotFound
from pdp.platform.settings import Settings
from pdp.tenants.accounts import sessions
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.accounts.service import TenantSuspended, portal_caller
from pdp.web.uow import cookie

COOKIE = "pdp_portal"
STATE_KEY = "portal_session"
# Sign-in methods after which an administrator must also give a TOTP code: a password, and every e-mailed link (a
# sign-in link, a team invitation: holding the mailbox is one factor); ProConnect's identity providers authenticate
# the person themselves, and the identity-proof channels are checked when they are used.
NEEDS_SECOND_FACTOR = frozenset({"password", "magic_link", "invitation"})


class SecondFactorRequired(AppError):
    """An administrator signed in by password or e-mailed link has not given a TOTP code yet."""

    default_code = "second_factor_required"
    status = 401
    title = "Enter the code of your authenticator app"


def lifetimes(settings: Settings) -> sessions.Lifetimes:
    return sessions.Lifetimes(
        idle=timedelta(minutes=settings.portal_session_idle_minutes),
        maximum=timedelta(hours=settings.portal_session_max_hours),
    )


def portal_base(tenant_id: str) -> str:
    return f"/portal/{tenant_id}"


def _tenant_in_path(scope: HTTPScope) -> str:
    tenant_id = str(scope.get("path_params", {}).get("tenant_id", ""))
    if not ids.has_prefix(tenant_id, "tenant"):
        raise NotFound("This portal does not exist.", code="portal_unknown")
    return tenant_id


async def _bind_portal_tenant(session: AsyncSession, scope: HTTPScope) -> str:
    tenant_id = _tenant_in_path(scope)
    tenancy.bind_tenant(session, tenant_id)
    tenant = await TenantsRepository(session).find_current()
    if tenant is None:
        raise NotFound("This portal does not exist.", code="portal_unknown")
    if tenant.status != "active":
        raise TenantSuspended("This platform is suspended.", why=tenant.suspension_reason or "")
    return tenant_id


def session_token(scope: HTTPScope) -> str:
    return cookie(scope, COOKIE)


class PortalVisitorAuthenticator:
    """Public portal pages: the tenant of the path must exist and be active; the caller is pdp in that tenant."""

    async def authenticate(self, session: AsyncSession, scope: HTTPScope) -> SystemCaller:
        return SystemCaller(await _bind_portal_tenant(session, scope), "portal")


@dataclass(frozen=True, slots=True)
class PortalAccount:
    """What a signed-in page knows of its caller beyond the caller itself: the session row and the user."""

    resumed: sessions.Resumed

    @property
    def user_id(self) -> str:
        return self.resumed.user.id


def needs_second_factor(caller: PortalUserCaller, resumed: sessions.Resumed) -> bool:
    """Whether this session still owes a TOTP code: signed in by password or e-mailed link, not yet given, and the
    user is an administrator (who must have one) or has turned one on (which would be pointless if skippable)."""
    return (
        resumed.record.method in NEEDS_SECOND_FACTOR
        and not resumed.second_factor_done
        and (PortalRole.ADMIN in caller.roles.values() or resumed.user.totp_enabled_at is not None)
    )


class PortalSessionAuthenticator:
    """Signed-in portal pages: a live session of an active user of this tenant, or 401 (the portal's error
    handler sends the browser to the sign-in page).

    ``second_factor_pending``: the pages where the second factor is given (or first set up) take a session that
    still owes it; every other page refuses it with 401 ``second_factor_required``."""

    def __init__(self, settings: Settings, *, second_factor_pending: bool = False) -> None:
        self.lifetimes = lifetimes(settings)
        self.second_factor_pending = second_factor_pending

    async def authenticate(self, session: AsyncSession, scope: HTTPScope) -> PortalUserCaller:
        await _bind_portal_tenant(session, scope)
        resumed = await sessions.resume(session, session_token(scope), self.lifetimes)
        caller = await portal_caller(session, resumed.user.id)
        if not self.second_factor_pending and needs_second_factor(caller, resumed):
            await session.commit()
            raise SecondFactorRequired("An administrator gives a TOTP code after signing in.")
        # Keep the session's refreshed last_seen_at, then narrow the rest of the request to the user's providers.
        await session.commit()
        tenancy.bind(session, caller)
        scope.setdefault("state", {})[STATE_KEY] = PortalAccount(resumed)
        return caller


def portal_account(request: Request[Any, Any, Any]) -> PortalAccount:
    account: PortalAccount = request.scope["state"][STATE_KEY]
    return account


def set_session_cookie(response: Response[Any], tenant_id: str, token: str, settings: Settings) -> None:
    """The session cookie: HttpOnly, Secure over https, SameSite=Lax so that a link from the platform or an
    e-mail arrives signed in (CSRF is the forms' token's job), limited to this tenant's portal."""
    response.set_cookie(
        COOKIE,
        token,
        path=portal_base(tenant_id),
        httponly=True,
        secure=settings.public_url.startswith("https://"),
        samesite="lax",
        max_age=settings.portal_session_max_hours * 3600,
    )


def clear_session_cookie(response: Response[Any], tenant_id: str) -> None:
    response.delete_cookie(COOKIE, path=portal_base(tenant_id))
