"""The retired acceptance links (``/portal/mandates/accept/{token}``): a page that says where acceptance went.

Tenants used to receive a link that accepted a mandate by itself; anyone holding it could. Acceptance now goes
through the invitation pdp e-mails to the provider, with a proof of identity (:mod:`pdp.web.portal.invitation`).
Links handed out before keep answering, with 410 and the way forward, rather than a bare 404.
"""

from __future__ import annotations

from litestar import Controller, route
from litestar.params import FromPath

from pdp.tenants.accounts.sessions import LinkGone
from pdp.web.errors import EXCEPTION_HANDLERS
from pdp.web.portal.pages import portal_error_page

BASE = "/portal/mandates/accept"


class RetiredAcceptanceLinks(Controller):
    path = BASE
    include_in_schema = False
    # Every kind the app handles, not just Exception: Litestar picks the most specific handler across layers.
    exception_handlers = dict.fromkeys(EXCEPTION_HANDLERS, portal_error_page)

    @route(["/{token:str}", "/{token:str}/document"], http_method=["GET", "POST"])
    async def retired(self, token: FromPath[str]) -> None:
        raise LinkGone(
            "Mandates are no longer accepted through this link: pdp e-mails the provider an invitation.",
            code="acceptance_link_retired",
        )
