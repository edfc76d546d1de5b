"""Which scope each Partner API operation needs, enforced in one place and shown in the OpenAPI description.

The rule (the scopes themselves: :mod:`pdp.tenants.accounts.scopes`): a GET needs ``read``, any other method
``deposit``, unless the handler (or its controller) declares ``opt=ADMIN_ONLY`` — API keys and webhook endpoints.
The unit of work calls :func:`authorize` right after authentication, before an ``Idempotency-Key`` is looked
at, so a replay needs the scope its first request needed: a read key cannot replay a deposit's answer, let
alone make one.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from pdp.tenants.accounts.service import Principal

SCOPE_OPT = "pdp_scope"
ADMIN_ONLY: dict[str, Any] = {SCOPE_OPT: "admin"}
SECURITY_SCHEME = "apiKey"
KEY_SCHEME_HELP = (
    "An API key, `pdp_test_…` or `pdp_live_…`: test keys deposit on Chorus Pro's qualification environment, live "
    "keys on production. Each operation lists the scope it needs: `read` (every GET but the key list), `deposit` "
    "(read, plus providers, mandates, invoices, batches and invoice actions), `admin` (everything, API keys and "
    "webhook endpoints included). A key without it gets 403 `insufficient_scope` naming `needed_scope`."
)


def required_scope(handler: HTTPRouteHandler, method: str) -> str:
    declared = handler.opt.get(SCOPE_OPT)
    if isinstance(declared, str):
        return declared
    return "read" if method in ("GET", "HEAD") else "deposit"


def authorize(principal: Principal, handler: HTTPRouteHandler, method: str) -> None:
    """403 ``insufficient_scope`` (naming the scope needed) unless the key may call this operation."""
    principal.require(required_scope(handler, method))


def document_scopes(app: Litestar) -> None:
    """Write each ``/v1`` operation's scope into its OpenAPI ``security`` requirement (OpenAPI 3.1 lets a
    bearer scheme list role names there), from the same :func:`required_scope` that is enforced."""
    schema = app.openapi_schema
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/v1/"):
            continue
        item = (schema.paths or {}).get(route.path_format)
        if item is None:
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                if operation is not None:
                    operation.security = [{SECURITY_SCHEME: [required_scope(handler, method)]}]
