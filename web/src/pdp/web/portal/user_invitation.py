"""The page an invited user opens from their e-mail (``/portal/{tenant_id}/invitation-utilisateur/{token}``,
public: holding the link is the proof): they choose a name and a password — or, with an account on this portal
already, just join — and are signed in.

A refused form (name, password) is shown again with its messages; nothing was written. A link used, withdrawn,
superseded or expired gets its own page, telling who can send another one.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.errors import NotFound, ValidationFailed
from pdp.tenants.accounts import sessions, user_invitations
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.web.portal import redirects
from pdp.web.portal.auth import lifetimes, set_session_cookie
from pdp.web.portal.i18n.users import refusal_text
from pdp.web.portal.routing import Form
from pdp.web.portal.shell import Shell
from pdp.web.portal.visitors import client_of
from pdp.web.resources import Resources


def _unusable(shell: Shell, error: NotFound | sessions.LinkGone) -> Template:
    gone = isinstance(error, sessions.LinkGone)
    return shell.page("portal/users/invitation_unusable.html.jinja2", status=error.status, gone=gone)


async def _form(
    shell: Shell,
    session: AsyncSession,
    invitation: user_invitations.UserInvitation,
    *,
    errors: list[str] | None = None,
    full_name: str = "",
    status: int = 200,
) -> Template:
    tenant = await TenantsRepository(session).current()
    return shell.page(
        "portal/users/invitation.html.jinja2",
        status=status,
        invitation=invitation,
        tenant_name=tenant.name,
        errors=errors or [],
        full_name=full_name,
    )


class UserInvitationController(Controller):
    path = "/invitation-utilisateur"

    @get("/{token:str}")
    async def show(
        self, token: FromPath[str], shell: NamedDependency[Shell], session: NamedDependency[AsyncSession]
    ) -> Template:
        try:
            invitation = await user_invitations.open_invitation(session, token)
        except (NotFound, sessions.LinkGone) as error:
            return _unusable(shell, error)
        return await _form(shell, session, invitation)

    @post("/{token:str}", status_code=200)
    async def accept(
        self,
        *,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        resources: NamedDependency[Resources],
        data: Form,
    ) -> Response[Any]:
        try:
            invitation = await user_invitations.open_invitation(session, token)
        except (NotFound, sessions.LinkGone) as error:
            return _unusable(shell, error)
        account = None
        if invitation.needs_password:
            account = user_invitations.NewAccount(
                data.get("full_name", ""), data.get("password", ""), data.get("confirmation", "")
            )
        client = client_of(request, resources, shell.tenant_id)
        try:
            joined = await user_invitations.accept(
                session,
                token,
                account,
                lifetimes=lifetimes(resources.settings),
                ip=client.ip,
                user_agent=client.user_agent,
            )
        except ValidationFailed as refused:
            messages = [e.get("message_fr") or refusal_text(refused) for e in refused.errors] or [refusal_text(refused)]
            return await _form(
                shell, session, invitation, errors=messages, full_name=data.get("full_name", ""), status=422
            )
        # To the dashboard; an administrator first gives (or sets up) the code, as after any e-mailed link.
        response = redirects.go(request, redirects.dashboard_url(shell.tenant_id))
        set_session_cookie(response, shell.tenant_id, joined.session_token, resources.settings)
        return response
