"""The provider portal's pages, by who may open them, and what their templates share.

To add pages, add the controller (or handler) to one of the three lists; its paths are under
``/portal/{tenant_id}``; its handlers take ``session``, ``shell`` and, signed in, ``caller`` and ``account``
(:mod:`pdp.web.portal.routing`). A signed-in page whose path is one of the navigation's
(:data:`pdp.web.portal.shell.NAVIGATION`) appears in the menu by itself.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from litestar import Router
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.types import ControllerRouterHandler
from litestar.utils.scope.state import ScopeState

from pdp.platform.settings import Settings
from pdp.web.portal import i18n
from pdp.web.portal.account import AccountController, PublicLanguageController, SwitchesController
from pdp.web.portal.assets import HTMX, portal_asset
from pdp.web.portal.dashboard import show_dashboard
from pdp.web.portal.i18n.statuses import role_label, status_label
from pdp.web.portal.invitation import InvitationController
from pdp.web.portal.invoice_pages import INVOICE_PAGES
from pdp.web.portal.logo import tenant_logo
from pdp.web.portal.proconnect import ProConnectSignInController
from pdp.web.portal.record_pages import RECORD_PAGES, RECORD_PUBLIC_PAGES
from pdp.web.portal.routing import public_router, second_factor_router, signed_in_router
from pdp.web.portal.second_factor import SecondFactorController
from pdp.web.portal.sign_in import SignInController

# Anyone may open these: the caller is pdp in the tenant of the path.
PUBLIC_PAGES: list[ControllerRouterHandler] = [
    SignInController,
    PublicLanguageController,
    tenant_logo,
    InvitationController,
    ProConnectSignInController,
    *RECORD_PUBLIC_PAGES,
]
# A signed-in user who still owes a TOTP code reaches these, and only these.
SECOND_FACTOR_PAGES: list[ControllerRouterHandler] = [SecondFactorController]
# Everything else a signed-in user sees, bound to the user's providers.
SIGNED_IN_PAGES: list[ControllerRouterHandler] = [
    show_dashboard,
    AccountController,
    SwitchesController,
    *INVOICE_PAGES,
    *RECORD_PAGES,
]


def portal_routers(settings: Settings) -> list[Router]:
    return [
        public_router(PUBLIC_PAGES),
        second_factor_router(settings, SECOND_FACTOR_PAGES),
        signed_in_router(settings, SIGNED_IN_PAGES),
    ]


@pass_context
def _csrf_token(context: Any) -> str:
    """The request's CSRF token (for htmx's ``x-csrftoken`` header; forms use ``csrf_input``)."""
    token = ScopeState.from_scope(context["request"].scope).csrf_token
    return token if isinstance(token, str) else ""


def register_template_globals(engine: JinjaTemplateEngine) -> None:
    """What portal templates use besides Litestar's: ``_`` and the formats (i18n), ``csrf_token()``, ``htmx_url``,
    ``status_label``, ``role_label``."""
    i18n.register_template_globals(engine)
    engine.engine.globals.update(
        {
            "csrf_token": _csrf_token,
            "htmx_url": portal_asset(HTMX),
            "status_label": status_label,
            "role_label": role_label,
        }
    )
