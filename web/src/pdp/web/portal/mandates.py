"""The mandate acceptance page: a provider's signatory reads the mandate, sees its SHA-256, and accepts it.

Reached through the single-use link of ``acceptance_url``; the form is CSRF-protected (Litestar's CSRF
middleware: a signed cookie and a hidden field). This edge owns its transaction like the API's middleware does.
Its pages are French, its failures too (``pages``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template

from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import ValidationFailed
from pdp.tenants.archive import service as archive
from pdp.tenants.mandates import service
from pdp.web.client_address import client_address, trusted_proxies
from pdp.web.errors import EXCEPTION_HANDLERS
from pdp.web.portal.pages import portal_error_page
from pdp.web.resources import Resources

BASE = "/portal/mandates/accept"


def _form(page: service.AcceptancePage, token: str, *, errors: list[str], full_name: str = "") -> Template:
    return Template(
        "portal/mandate_accept.html.jinja2",
        context={
            "page": page,
            "errors": errors,
            "full_name": full_name,
            "action_url": f"{BASE}/{token}",
            "document_url": f"{BASE}/{token}/document",
        },
        status_code=422 if errors else 200,
    )


class MandateAcceptanceController(Controller):
    path = BASE
    include_in_schema = False
    # Every kind the app handles, not just Exception: Litestar picks the most specific handler across layers.
    exception_handlers = dict.fromkeys(EXCEPTION_HANDLERS, portal_error_page)

    @get("/{token:str}")
    async def show(self, token: FromPath[str], resources: NamedDependency[Resources]) -> Template:
        async with unit_of_work(resources.sessionmaker) as session:
            return _form(await service.open_link(session, token), token, errors=[])

    @get("/{token:str}/document", media_type="application/pdf")
    async def document(self, token: FromPath[str], resources: NamedDependency[Resources]) -> Response[bytes]:
        async with unit_of_work(resources.sessionmaker) as session:
            page = await service.open_link(session, token)
            _, data = await archive.content(session, resources.archive, page.mandate.document_id)
        return Response(
            data,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="mandat-{page.mandate.id}.pdf"'},
        )

    @post("/{token:str}", status_code=200)
    async def accept(
        self,
        token: FromPath[str],
        request: Request[Any, Any, Any],
        resources: NamedDependency[Resources],
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template:
        signature = service.Signature(
            full_name=data.get("full_name", ""),
            consent=data.get("consent") == "yes",
            ip=client_address(
                request.client.host if request.client else "",
                request.headers.getall("x-forwarded-for", []),
                trusted_proxies(resources.settings.trusted_proxies),
            ),
            user_agent=request.headers.get("user-agent", ""),
        )
        try:
            async with unit_of_work(resources.sessionmaker) as session:
                mandate = await service.accept(
                    session,
                    resources.archive,
                    token,
                    signature,
                    retention_days=resources.settings.archive_retention_days,
                )
        except ValidationFailed as error:
            async with unit_of_work(resources.sessionmaker) as session:
                page = await service.open_link(session, token)
            messages = [item["message_fr"] for item in error.errors]
            return _form(page, token, errors=messages, full_name=signature.full_name)
        return Template("portal/mandate_accepted.html.jinja2", context={"mandate": mandate})
