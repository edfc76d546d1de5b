"""« Archive » (``/portal/{tenant_id}/archive``): every archived document of the providers in view, by period and
kind, each downloadable byte-identical (``/archive/documents/{id}``) with its SHA-256 and the date it is kept
until, and a period's documents as one zip with its manifest (``/archive/export``), streamed.

Every user of a provider may read its archive (viewers included). What a page reads is the caller's scope: a
document of another provider, or another tenant's, is 404 whatever its URL. Downloads are reads, not audited,
as the Partner API's are.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Stream, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.errors import ValidationFailed
from pdp.tenants.archive import service as archive_service
from pdp.tenants.archive.browse import EXPORT_MAX_DAYS, ArchiveFilter, archive_filter, browse, plan_period_export
from pdp.tenants.archive.export import zip_chunks
from pdp.tenants.archive.models import KINDS, ArchivedDocument
from pdp.web.downloads import archived_attachment
from pdp.web.portal.i18n.archive import kind_label
from pdp.web.portal.shell import Shell
from pdp.web.resources import Resources


def _page(
    shell: Shell,
    chosen: ArchiveFilter,
    documents: list[ArchivedDocument],
    *,
    has_more: bool,
    after: str | None,
    filter_errors: list[str] | None = None,
    export_errors: list[str] | None = None,
    status: int = 200,
) -> Template:
    names = {p.id: p.name for p in shell.providers}
    return shell.page(
        "portal/archive/index.html.jinja2",
        status=status,
        chosen=chosen,
        documents=documents,
        has_more=has_more,
        after=after,
        first_url=_listing_url(shell, chosen, None),
        next_url=_listing_url(shell, chosen, documents[-1].id if documents else None),
        kinds=KINDS,
        kind_label=kind_label,
        provider_names=names,
        several=len(shell.providers_in_view) > 1,
        export_days=EXPORT_MAX_DAYS,
        filter_errors=filter_errors or [],
        export_errors=export_errors or [],
    )


def _listing_url(shell: Shell, chosen: ArchiveFilter, after: str | None) -> str:
    fields = {"du": chosen.first_day, "au": chosen.last_day, "type": chosen.kind, "apres": after}
    query = urlencode({name: str(value) for name, value in fields.items() if value})
    return shell.url("/archive") + (f"?{query}" if query else "")


def _messages(refused: ValidationFailed) -> list[str]:
    return [error.get("message_fr", error["message"]) for error in refused.errors] or [refused.detail]


class ArchiveController(Controller):
    path = "/archive"

    @get("/")
    async def index(
        self,
        *,
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        du: FromQuery[str | None] = None,
        au: FromQuery[str | None] = None,
        type: FromQuery[str | None] = None,  # noqa: A002 - the form's field, as the URL shows it
        apres: FromQuery[str | None] = None,
    ) -> Template:
        try:
            chosen = archive_filter(du, au, type)
        except ValidationFailed as refused:
            return _page(shell, ArchiveFilter(), [], has_more=False, after=None, filter_errors=_messages(refused))
        found = await browse(session, shell.providers_in_view, chosen, starting_after=apres)
        return _page(shell, chosen, found.items, has_more=found.has_more, after=apres)

    @get("/documents/{document_id:str}")
    async def download(
        self,
        document_id: FromPath[str],
        session: NamedDependency[AsyncSession],
        resources: NamedDependency[Resources],
    ) -> Response[bytes]:
        document, data = await archive_service.content(session, resources.archive, document_id)
        return archived_attachment(document, data)

    @get("/export")
    async def export(
        self,
        *,
        shell: NamedDependency[Shell],
        session: NamedDependency[AsyncSession],
        resources: NamedDependency[Resources],
        du: FromQuery[str | None] = None,
        au: FromQuery[str | None] = None,
        type: FromQuery[str | None] = None,  # noqa: A002
    ) -> Response[Any]:
        try:
            chosen = archive_filter(du, au, type)
            export = await plan_period_export(session, shell.providers_in_view, chosen)
        except ValidationFailed as refused:
            found = await browse(session, shell.providers_in_view, ArchiveFilter())
            return _page(
                shell,
                ArchiveFilter(),
                found.items,
                has_more=found.has_more,
                after=None,
                export_errors=_messages(refused),
                status=422,
            )
        # The list is read; the zip comes from S3 alone. End the (read-only) transaction now, so that a download
        # of minutes holds no database connection (the unit of work would only roll it back afterwards).
        await session.rollback()
        name = f"archive-{chosen.first_day}-{chosen.last_day}.zip"
        return Stream(
            zip_chunks(resources.archive, export),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
