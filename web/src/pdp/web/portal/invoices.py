"""« Factures » (``/portal/{tenant_id}/factures``): the providers' invoices, filtered, exported, one by one.

The list is a plain ``GET`` form over a keyset-paginated table (:mod:`pdp.tenants.deposits.listing`); htmx,
when present, replaces only the results as the filters change (``HX-Target: resultats``). The CSV export writes
every invoice the same filters match, as it reads them. An invoice's page shows what the API shows
(:mod:`pdp.tenants.deposits.follow_up`), with what stopped it and what to do in plain French
(:mod:`pdp.tenants.deposits.advice`); its documents are served by the archive service, byte for byte.

What a portal user reads is their scope (repositories and RLS): another provider's or another tenant's invoice is
the portal's 404 page, whatever the URL says.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Stream, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.tenants.deposits import follow_up
from pdp.tenants.deposits.csv_export import csv_chunks
from pdp.tenants.deposits.lifecycle import STATUSES
from pdp.tenants.deposits.listing import InvoiceListing
from pdp.web.downloads import archived_attachment
from pdp.web.portal.access import may
from pdp.web.portal.i18n import locale_of, translate
from pdp.web.portal.i18n.statuses import status_label
from pdp.web.portal.invoice_query import PAGE_SIZE, ListQuery, parse_query
from pdp.web.portal.shell import Shell
from pdp.web.resources import Resources

RESULTS_TARGET = "resultats"

# What a notice= in the URL says after an action (French message ids).
NOTICES = {
    "retiree": "La facture est retirée : elle ne sera pas déposée sur Chorus Pro.",
    "recyclee": "La facture est recyclée : Chorus Pro la renvoie vers l'acheteur avec les nouvelles données.",
    "completee": "Les pièces sont envoyées : l'acheteur public peut reprendre le traitement de la facture.",
    "deposee": "La facture est déposée : pdp l'envoie à Chorus Pro et vous tiendra informé de son avancement.",
}


def _query(request: Request[Any, Any, Any], shell: Shell) -> ListQuery:
    """The filters of the page's query string: the list and its CSV export read the same ones."""
    return parse_query(request.query_params, shell.providers_in_view, frozenset(p.id for p in shell.providers))


class InvoicesController(Controller):
    path = "/factures"

    @get("/", name="portal_invoices")
    async def list_invoices(
        self, request: Request[Any, Any, Any], shell: NamedDependency[Shell], session: NamedDependency[AsyncSession]
    ) -> Template:
        query = _query(request, shell)
        listing = InvoiceListing(session)
        page = await listing.listed(query.filters, limit=PAGE_SIZE, starting_after=query.starting_after)
        context: dict[str, Any] = {
            "query": query,
            "page": page,
            "total": await listing.count(query.filters),
            "statuses": STATUSES,
            "provider_names": {p.id: p.name for p in shell.providers},
            "results_target": RESULTS_TARGET,
        }
        if shell.swapping(RESULTS_TARGET):
            return shell.page("portal/invoices/_results.html.jinja2", **context)
        return shell.page("portal/invoices/list.html.jinja2", **context)

    @get("/export.csv", name="portal_invoices_export")
    async def export(
        self, request: Request[Any, Any, Any], shell: NamedDependency[Shell], session: NamedDependency[AsyncSession]
    ) -> Stream:
        query = _query(request, shell)
        locale = locale_of(request)

        def text(french: str) -> str:
            return translate(french, locale)

        chunks: AsyncIterator[bytes] = csv_chunks(
            InvoiceListing(session).exported(query.filters),
            locale=locale,
            translate=text,
            status_text=lambda status: text(status_label(status)),
            provider_names={p.id: p.name for p in shell.providers},
        )
        name = f"factures-{clock.now():%Y-%m-%d}.csv"
        return Stream(
            chunks,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/{invoice_id:str}", name="portal_invoice")
    async def show(
        self,
        *,
        invoice_id: FromPath[str],
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        caller: NamedDependency[PortalUserCaller],
        resources: NamedDependency[Resources],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        detail = await follow_up.invoice_detail(session, invoice_id, resources.payment_terms())
        return shell.page(
            "portal/invoices/detail.html.jinja2",
            detail=detail,
            invoice=detail.record,
            shown=detail.shown,
            may_act=may(caller, detail.record.provider_id, PortalRole.DEPOSITOR),
            notice=NOTICES.get(notice or ""),
            today=clock.now().date(),
        )

    @get("/{invoice_id:str}/documents/{document_id:str}", name="portal_invoice_document")
    async def document(
        self,
        invoice_id: FromPath[str],
        document_id: FromPath[str],
        session: NamedDependency[AsyncSession],
        resources: NamedDependency[Resources],
    ) -> Response[bytes]:
        document, data = await follow_up.invoice_document(session, resources.archive, invoice_id, document_id)
        return archived_attachment(document, data)
