"""« Notifications » (``/portal/{tenant_id}/notifications``): which e-mails the signed-in user gets, for themself.

Every user may open it, whatever their role. The choices and their defaults are the service's
(:mod:`pdp.tenants.notifications.preferences`); this page shows them and stores what the user ticks.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import PortalUserCaller
from pdp.tenants.notifications import preferences
from pdp.web.portal import redirects
from pdp.web.portal.auth import PortalAccount
from pdp.web.portal.i18n.notifications import GROUP_WORDS
from pdp.web.portal.routing import Form
from pdp.web.portal.shell import Shell

NOTICES = {
    "enregistre": "Vos choix sont enregistrés.",
    "defaut": "Vous recevez de nouveau les e-mails prévus pour votre rôle.",
}


class NotificationsController(Controller):
    path = "/notifications"

    @get("/")
    async def show(
        self,
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        caller: NamedDependency[PortalUserCaller],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        user = account.resumed.user
        role = preferences.highest(caller.roles.values())
        return shell.page(
            "portal/notifications/index.html.jinja2",
            user=user,
            role=role,
            choices=preferences.choices_of(user.notifications, role),
            customised=preferences.customised(user.notifications),
            groups=preferences.GROUPS,
            group_words=GROUP_WORDS,
            notice=NOTICES.get(notice or ""),
        )

    @post("/", status_code=200)
    async def choose(
        self,
        *,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        caller: NamedDependency[PortalUserCaller],
        data: Form,
    ) -> Response[Any]:
        groups = [group for group in preferences.GROUPS if data.get(group) == "on"]
        await preferences.choose(session, account.resumed.user, groups, data.get("mandates") == "on", caller.actor)
        return redirects.go(request, shell.url("/notifications?notice=enregistre"))

    @post("/defaut", status_code=200)
    async def follow_role(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        shell: NamedDependency[Shell],
        account: NamedDependency[PortalAccount],
        caller: NamedDependency[PortalUserCaller],
    ) -> Response[Any]:
        await preferences.follow_role(session, account.resumed.user, caller.actor)
        return redirects.go(request, shell.url("/notifications?notice=defaut"))
