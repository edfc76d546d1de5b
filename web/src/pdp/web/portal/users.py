"""« Utilisateurs » (``/portal/{tenant_id}/utilisateurs``): an administrator's page of each provider they
administer (among those in view): its users and roles, changing a role, removing someone, inviting by e-mail,
withdrawing an invitation.

The rules are the services' (:mod:`pdp.tenants.accounts.team`, :mod:`pdp.tenants.accounts.user_invitations`): a
user who administers none of the providers in view gets 403 ``portal_role_required``; another provider's ids in
a URL are 404. A refusal the user can fix (the last administrator, someone already in the team, a bad address)
is shown on the page with its status; nothing was written.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import AppError, Conflict, Forbidden, ValidationFailed
from pdp.tenants.accounts import team, user_invitations
from pdp.web.portal import redirects
from pdp.web.portal.i18n.users import ROLE_DUTIES, refusal_text
from pdp.web.portal.routing import Form
from pdp.web.portal.shell import Shell

NOTICES = {
    "invitation": "Invitation envoyée : elle est valable 7 jours.",
    "invitation-retiree": "Invitation retirée : son lien ne fonctionne plus.",
    "role": "Rôle modifié.",
    "retire": "Utilisateur retiré du fournisseur.",
}
ROLES = (PortalRole.ADMIN, PortalRole.DEPOSITOR, PortalRole.VIEWER)


def _administered(shell: Shell) -> list[str]:
    """The providers in view the user administers (403 when none)."""
    chosen = [p.id for p in shell.providers if p.id in shell.providers_in_view and p.role is PortalRole.ADMIN]
    if not chosen:
        raise Forbidden(
            "Only an administrator of a provider manages its users.",
            code="portal_role_required",
            needed_role=PortalRole.ADMIN.value,
        )
    return chosen


async def _page(
    shell: Shell,
    session: AsyncSession,
    caller: PortalUserCaller,
    *,
    notice: str | None = None,
    refused: tuple[str, AppError] | None = None,
    invite_form: dict[str, str] | None = None,
) -> Template:
    teams = [await team.team_of(session, caller, provider_id) for provider_id in _administered(shell)]
    errors = {refused[0]: [refusal_text(refused[1])]} if refused else {}
    return shell.page(
        "portal/users/index.html.jinja2",
        status=refused[1].status if refused else 200,
        teams=teams,
        roles=ROLES,
        role_duties=ROLE_DUTIES,
        notice=NOTICES.get(notice or ""),
        errors=errors,
        invite_form=invite_form or {},
        invite_for=refused[0] if refused and invite_form else None,
    )


def _done(request: Request[Any, Any, Any], shell: Shell, notice: str) -> Response[Any]:
    return redirects.go(request, shell.url(f"/utilisateurs?notice={notice}"))


class UsersController(Controller):
    path = "/utilisateurs"

    @get("/")
    async def index(
        self,
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await _page(shell, session, caller, notice=notice)

    @post("/{provider_id:str}/invitations", status_code=200)
    async def invite(
        self,
        *,
        request: Request[Any, Any, Any],
        provider_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        data: Form,
    ) -> Response[Any]:
        email, role = data.get("email", ""), data.get("role", "")
        try:
            await user_invitations.invite(session, caller, provider_id, email, role)
        except (Conflict, ValidationFailed) as refused:
            form = {"email": email, "role": role}
            return await _page(shell, session, caller, refused=(provider_id, refused), invite_form=form)
        return _done(request, shell, "invitation")

    @post("/{provider_id:str}/invitations/{invitation_id:str}/retrait", status_code=200)
    async def withdraw(
        self,
        *,
        request: Request[Any, Any, Any],
        provider_id: FromPath[str],
        invitation_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
    ) -> Response[Any]:
        await user_invitations.withdraw(session, caller, provider_id, invitation_id)
        return _done(request, shell, "invitation-retiree")

    @post("/{provider_id:str}/membres/{user_id:str}/role", status_code=200)
    async def change_role(
        self,
        *,
        request: Request[Any, Any, Any],
        provider_id: FromPath[str],
        user_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        data: Form,
    ) -> Response[Any]:
        try:
            await team.change_role(session, caller, provider_id, user_id, data.get("role", ""))
        except (Conflict, ValidationFailed) as refused:
            return await _page(shell, session, caller, refused=(provider_id, refused))
        return _done(request, shell, "role")

    @get("/{provider_id:str}/membres/{user_id:str}/retrait")
    async def confirm_removal(
        self,
        *,
        provider_id: FromPath[str],
        user_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
    ) -> Template:
        shown = await team.team_of(session, caller, provider_id)
        member = next((m for m in shown.members if m.user_id == user_id), None)
        if member is None:
            return await _page(shell, session, caller)  # gone meanwhile: the page shows who is left
        return shell.page("portal/users/remove.html.jinja2", team=shown, member=member)

    @post("/{provider_id:str}/membres/{user_id:str}/retrait", status_code=200)
    async def remove(
        self,
        *,
        request: Request[Any, Any, Any],
        provider_id: FromPath[str],
        user_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
    ) -> Response[Any]:
        try:
            await team.remove(session, caller, provider_id, user_id)
        except Conflict as refused:
            return await _page(shell, session, caller, refused=(provider_id, refused))
        if user_id == caller.user_id:  # the user took themself off: this page is no longer theirs
            return redirects.go(request, shell.url("/"))
        return _done(request, shell, "retire")
