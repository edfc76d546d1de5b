"""« Mandats » (``/portal/{tenant_id}/mandats``): each provider in view with the mandates this tenant holds or
asks for (state, scope, validity, how it was accepted; the PDF and the acceptance evidence, downloaded from the
archive byte-identical), the other platforms that hold or ask for its SIRET's mandate (with a link to their own
portals), and, for its administrators, refusing a pending mandate or revoking an active one after a confirmation
(``/mandats/{id}/revocation``).

The rules are the service's (:mod:`pdp.tenants.mandates.overview`): another provider's mandate is 404, a viewer or
depositor 403, a mandate no longer pending or active is said so.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import Conflict
from pdp.tenants.mandates import overview
from pdp.web.portal import redirects
from pdp.web.portal.i18n.mandates import CHANNELS, INVOICE_TYPES, STATES
from pdp.web.portal.routing import Form
from pdp.web.portal.shell import Shell

NOTICES = {
    "refuse": ("Mandat refusé : {tenant} ne peut pas déposer de factures en votre nom avec lui.", "alert-ok"),
    "revoque": ("Mandat révoqué : les dépôts de {tenant} en votre nom s'arrêtent dès maintenant.", "alert-ok"),
    "deja": ("Ce mandat n'est plus ni en attente ni actif : il n'y a plus rien à refuser.", "alert-error"),
}


class MandatesController(Controller):
    path = "/mandats"

    @get("/")
    async def index(
        self,
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        admin_of = {p.id for p in shell.providers if p.role is PortalRole.ADMIN}
        return shell.page(
            "portal/mandates/index.html.jinja2",
            providers=await overview.overview(session, shell.providers_in_view),
            admin_of=admin_of,
            states=STATES,
            channels=CHANNELS,
            invoice_types=INVOICE_TYPES,
            notice=NOTICES.get(notice or ""),
        )

    @get("/{mandate_id:str}/revocation")
    async def confirm(
        self,
        *,
        request: Request[Any, Any, Any],
        mandate_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
    ) -> Response[Any]:
        try:
            line = await overview.answerable(session, caller, mandate_id)
        except Conflict:
            return redirects.go(request, shell.url("/mandats?notice=deja"))
        return shell.page("portal/mandates/confirm.html.jinja2", line=line)

    @post("/{mandate_id:str}/revocation", status_code=200)
    async def say_no(
        self,
        *,
        request: Request[Any, Any, Any],
        mandate_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        data: Form,
    ) -> Response[Any]:
        try:
            answer = await overview.say_no(session, caller, mandate_id, data.get("motif"))
        except Conflict:
            return redirects.go(request, shell.url("/mandats?notice=deja"))
        return redirects.go(request, shell.url(f"/mandats?notice={'refuse' if answer.refused else 'revoque'}"))
