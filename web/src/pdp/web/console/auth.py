"""The console's door: a staff session cookie, its authenticator for the shared unit of work, and the grant a
tenant page reads under.

The cookie (``pdp_console``) is HttpOnly, Secure over https, SameSite=Strict (the console is never reached from
a link elsewhere), limited to ``/console``. A signed-in request's caller is a
:class:`~pdp.platform.callers.StaffMember`: bound to no tenant, it reads no tenant row. A tenant page first
finds the staff member's open grant on that tenant, counts and audits the read in the tenant's transaction
(committed before anything is read), then reads in a session of its own as the staff role
(:class:`~pdp.platform.callers.StaffCaller`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, Response
from litestar.types import HTTPScope
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import StaffCaller, StaffMember
from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.staff import auth, grants
from pdp.tenants.staff.models import StaffAccessGrant
from pdp.web.client_address import client_address, trusted_proxies
from pdp.web.resources import Resources
from pdp.web.uow import SCOPE_KEY, RequestContext, cookie

COOKIE = "pdp_console"
BASE = "/console"


def session_token(scope: HTTPScope) -> str:
    return cookie(scope, COOKIE)


def set_cookie(response: Response[Any], token: str, settings: Settings) -> None:
    response.set_cookie(
        COOKIE,
        token,
        path=BASE,
        httponly=True,
        secure=settings.public_url.startswith("https://"),
        samesite="strict",
        max_age=int(auth.MAXIMUM_AGE.total_seconds()),
    )


def clear_cookie(response: Response[Any]) -> None:
    response.delete_cookie(COOKIE, path=BASE)


def address_of(request: Request[Any, Any, Any], settings: Settings) -> str:
    return client_address(
        request.client.host if request.client else "",
        request.headers.getall("x-forwarded-for", []),
        trusted_proxies(settings.trusted_proxies),
    )


class ConsoleAuthenticator:
    """Signed-in console pages: a live staff session of an active staff member, or 401 ``staff_session_invalid``
    (the console's error handler sends the browser to the sign-in page)."""

    def __init__(self, settings: Settings) -> None:
        self.idle = timedelta(minutes=settings.staff_idle_minutes)

    async def authenticate(self, session: AsyncSession, scope: HTTPScope) -> StaffMember:
        staff = await auth.resume(session, session_token(scope), self.idle)
        await session.commit()  # the session's refreshed last_seen_at, whatever the page does next
        return StaffMember(staff.id, staff.role)


def staff_of(request: Request[Any, Any, Any]) -> StaffMember:
    context: RequestContext = request.scope[SCOPE_KEY]  # type: ignore[literal-required]
    caller = context.caller
    if not isinstance(caller, StaffMember):
        raise TypeError(f"a console page was reached by a {type(caller).__name__}")
    return caller


async def open_grant_on(resources: Resources, staff: StaffMember, tenant_id: str) -> StaffAccessGrant | None:
    """The staff member's open grant on ``tenant_id`` (the newest), or None."""
    async with unit_of_work(resources.sessionmaker, tenant_id=tenant_id) as session:
        return await grants.GrantRepository(session).open_of(staff.staff_id)


async def read_under_grant(resources: Resources, grant: StaffAccessGrant, page: str) -> StaffCaller:
    """Count and audit the read of ``page`` (committed), then the caller to read it as."""
    caller = grants.caller_of(grant)
    async with unit_of_work(resources.sessionmaker, tenant_id=grant.tenant_id) as session:
        await grants.record_read(session, caller, page)
    return caller
