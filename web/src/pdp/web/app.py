"""The Litestar application: the composition root of the HTTP side."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme, Server
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from pdp.platform.logging import configure_logging
from pdp.platform.settings import Settings, get_settings
from pdp.web.api.account import AccountController
from pdp.web.api.events import EventsController
from pdp.web.api.invoice_batches import InvoiceBatchesController
from pdp.web.api.invoice_records import InvoiceRecordsController
from pdp.web.api.invoices import InvoicesController
from pdp.web.api.mandates import MandatesController
from pdp.web.api.providers import ProvidersController
from pdp.web.api.recipients import RecipientsController
from pdp.web.api.staff_access import StaffAccessController
from pdp.web.api.webhooks import WebhooksController
from pdp.web.api_docs import assets_router, docs_render_plugin
from pdp.web.api_keys import ApiKeyAuthenticator
from pdp.web.client_address import trusted_proxies
from pdp.web.console.routes import console_routers
from pdp.web.deps import provide_principal, provide_session
from pdp.web.errors import EXCEPTION_HANDLERS
from pdp.web.health import healthz, readyz
from pdp.web.json_request import PdpRequest
from pdp.web.observability import RequestLogMiddleware, add_request_id_header, log_response
from pdp.web.portal import assets as portal_assets
from pdp.web.portal import site as portal_site
from pdp.web.portal.mandates import RetiredAcceptanceLinks
from pdp.web.portal.pages import html_under_portal
from pdp.web.portal.proconnect import proconnect_return
from pdp.web.resources import Resources, open_resources
from pdp.web.scopes import KEY_SCHEME_HELP, document_scopes
from pdp.web.security_headers import add_security_headers, register_template_globals
from pdp.web.uow import UnitOfWorkMiddleware

API_BODY_LIMIT = 1024 * 1024
TEMPLATES = Path(__file__).resolve().with_name("templates")


def _template_globals(engine: JinjaTemplateEngine) -> None:
    register_template_globals(engine)  # csp_nonce
    portal_assets.register_template_globals(engine)  # portal_asset, htmx_config
    portal_site.register_template_globals(engine)  # _, amount, day, csrf_token, htmx_url…


def _csrf_config(settings: Settings) -> CSRFConfig:
    """CSRF protection for the server-rendered forms only: the Partner API authenticates with bearer keys, which
    a browser never sends on its own, so it needs none (and must not be asked for a cookie)."""
    # Derived from the master keys so that every API replica signs and checks the same tokens.
    material = settings.master_keys or secrets.token_hex(32)
    secret = hmac.new(material.encode(), b"pdp csrf v1", hashlib.sha256).hexdigest()
    return CSRFConfig(
        secret=secret,
        cookie_secure=settings.public_url.startswith("https://"),
        cookie_httponly=True,
        cookie_samesite="strict",
        # /static/: a public, cached file must carry no cookie.
        exclude=["^/v1/", "^/api", "^/static/", "^/healthz", "^/readyz"],
    )


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    trusted_proxies(settings.trusted_proxies)  # a malformed PDP_TRUSTED_PROXIES stops the start, not a request

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with open_resources(settings) as resources:
            app.state.resources = resources
            yield

    async def provide_resources(state: State) -> Resources:
        resources: Resources = state.resources
        return resources

    partner_api = Router(
        path="/",
        route_handlers=[
            AccountController,
            ProvidersController,
            MandatesController,
            InvoicesController,
            InvoiceRecordsController,
            InvoiceBatchesController,
            RecipientsController,
            WebhooksController,
            EventsController,
            StaffAccessController,
        ],
        middleware=[UnitOfWorkMiddleware(ApiKeyAuthenticator())],
        dependencies={"session": Provide(provide_session), "principal": Provide(provide_principal)},
        security=[{"apiKey": []}],
        request_max_body_size=API_BODY_LIMIT,
    )
    app = Litestar(
        route_handlers=[
            partner_api,
            RetiredAcceptanceLinks,
            proconnect_return,  # ProConnect's one redirect URI, shared by every tenant's portal
            assets_router(),
            portal_assets.static_router(),
            *portal_site.portal_routers(settings),
            *console_routers(settings),
            healthz,
            readyz,
        ],
        template_config=TemplateConfig(
            directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_template_globals
        ),
        csrf_config=_csrf_config(settings),
        request_class=PdpRequest,
        lifespan=[lifespan],
        dependencies={"resources": Provide(provide_resources)},
        exception_handlers=html_under_portal(EXCEPTION_HANDLERS),
        middleware=[RequestLogMiddleware()],
        before_send=[add_request_id_header, add_security_headers, log_response],
        openapi_config=OpenAPIConfig(
            title="pdp Partner API",
            version="1.0.0",
            description="Deposit invoices on Chorus Pro for the suppliers you serve. Conventions, lifecycles, "
            "events and error codes: docs/api.md in pdp's repository.",
            path="/api",
            render_plugins=[docs_render_plugin()],
            servers=[Server(url=settings.public_url)],
            components=Components(
                security_schemes={
                    "apiKey": SecurityScheme(type="http", scheme="bearer", description=KEY_SCHEME_HELP),
                }
            ),
        ),
        on_startup=[lambda: configure_logging(settings.log_level, json=settings.log_json)],
        debug=False,
    )
    document_scopes(app)
    return app


def app_factory() -> Litestar:
    """Entry point for ASGI servers (``uvicorn --factory pdp.web.app:app_factory``)."""
    return create_app()
