"""The console's Équipe page (``/console/equipe``): an admin manages the other staff accounts
(:mod:`pdp.tenants.staff.team`), and reads what staff did (``/console/activite``): sign-ins, access grants opened
on tenants, account changes."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.errors import ValidationFailed
from pdp.tenants.accounts.models import STAFF_ROLES, StaffUser
from pdp.tenants.staff import actions, grants, team
from pdp.tenants.staff.operations import staff_activity
from pdp.web.console.auth import BASE, staff_of
from pdp.web.portal.routing import Form
from pdp.web.resources import Resources

TEAM = f"{BASE}/equipe"


async def _admin_of(request: Request[Any, Any, Any], session: AsyncSession) -> StaffUser:
    admin = await grants.staff_member(session, staff_of(request).staff_id)
    actions.require_role(admin, "admin")
    return admin


def _team_page(members: list[StaffUser], shown: dict[str, str] | None = None, error: str | None = None) -> Template:
    context = {"members": members, "roles": STAFF_ROLES, "shown": shown, "error": error}
    return Template("console/team.html.jinja2", context=context)


@get("/equipe")
async def team_page(request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Template:
    await _admin_of(request, session)
    return _team_page(await team.members(session))


@post("/equipe", status_code=200)
async def add_member(
    request: Request[Any, Any, Any],
    data: Form,
    session: NamedDependency[AsyncSession],
    resources: NamedDependency[Resources],
) -> Template:
    """A new staff account: its first password and TOTP secret are on this page, once."""
    admin = await _admin_of(request, session)
    try:
        made = await team.create_member(
            session,
            admin,
            resources.require_envelope(),
            email=data.get("email", ""),
            full_name=data.get("full_name", ""),
            role=data.get("role", "support"),
        )
    except ValidationFailed as exc:
        return _team_page(await team.members(session), error=exc.detail)
    shown = {"email": made.staff.email, "password": made.password, "totp_secret": made.totp_secret}
    return _team_page(await team.members(session), shown=shown)


@post("/equipe/{staff_id:str}/role", status_code=303)
async def change_role(
    request: Request[Any, Any, Any], staff_id: FromPath[str], data: Form, session: NamedDependency[AsyncSession]
) -> Response[Any]:
    await team.set_role(session, await _admin_of(request, session), staff_id, data.get("role", ""))
    return Redirect(TEAM, status_code=303)


@post("/equipe/{staff_id:str}/code", status_code=200)
async def reset_code(
    request: Request[Any, Any, Any],
    staff_id: FromPath[str],
    session: NamedDependency[AsyncSession],
    resources: NamedDependency[Resources],
) -> Template:
    """Another staff member's new TOTP secret (a lost phone), shown once; their sessions end."""
    secret = await team.reset_totp(session, await _admin_of(request, session), resources.require_envelope(), staff_id)
    target = next(m for m in await team.members(session) if m.id == staff_id)
    return _team_page(await team.members(session), shown={"email": target.email, "totp_secret": secret})


@post("/equipe/{staff_id:str}/desactivation", status_code=303)
async def disable_member(
    request: Request[Any, Any, Any], staff_id: FromPath[str], session: NamedDependency[AsyncSession]
) -> Response[Any]:
    await team.disable(session, await _admin_of(request, session), staff_id)
    return Redirect(TEAM, status_code=303)


@get("/activite")
async def activity_page(request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Template:
    admin = await _admin_of(request, session)
    return Template("console/activity.html.jinja2", context={"activity": await staff_activity(session, admin.id)})


TEAM_PAGES = [team_page, add_member, change_role, reset_code, disable_member, activity_page]
