"""Where the portal sends a browser: after signing in (``?suite=``), and how (303, or ``HX-Redirect`` for htmx).

``suite`` ("what comes next") is only ever followed back when it is a path of the same portal: it starts with
``/portal/<tenant_id>/``, is not protocol-relative or a backslash trick, holds no control character, and still
lies inside the portal once its dot segments are resolved. Anything else — another site, another tenant's portal,
``//evil.example`` — is replaced by the dashboard: never an open redirect.
"""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.response import Redirect

SIGN_IN = "/connexion"
SECOND_FACTOR = "/connexion/code"
MAX_SUITE = 1000


def portal_base(tenant_id: str) -> str:
    return f"/portal/{tenant_id}"


def dashboard_url(tenant_id: str) -> str:
    return portal_base(tenant_id) + "/"


def safe_suite(tenant_id: str, suite: str | None, *, public: bool = False) -> str:
    """``suite`` if it is a path of this tenant's portal (and not a sign-in page), else the dashboard. ``public``:
    for a visitor (the language switch of the sign-in page): sign-in pages allowed, and the fallback."""
    base = portal_base(tenant_id)
    fallback = sign_in_url(tenant_id) if public else dashboard_url(tenant_id)
    if not suite or len(suite) > MAX_SUITE or "\\" in suite or any(ord(c) < 0x20 or ord(c) == 0x7F for c in suite):
        return fallback
    parts = urlsplit(suite)
    if parts.scheme or parts.netloc or not (parts.path == base or parts.path.startswith(base + "/")):
        return fallback
    normalised = posixpath.normpath(parts.path)
    if normalised != base and not normalised.startswith(base + "/"):
        return fallback
    if normalised.startswith(base + SIGN_IN) and not public:
        return fallback  # never back to the sign-in pages after signing in: a loop
    return suite


def here(request: Request[Any, Any, Any]) -> str | None:
    """The page being asked for, as a ``suite`` to come back to (a GET only: a form cannot be replayed)."""
    if request.method != "GET" or request.headers.get("hx-request"):
        return None
    query = request.scope.get("query_string", b"").decode("latin-1")
    return request.url.path + (f"?{query}" if query else "")


def _with_suite(url: str, suite: str | None) -> str:
    return f"{url}?suite={quote(suite, safe='/')}" if suite else url


def sign_in_url(tenant_id: str, suite: str | None = None) -> str:
    return _with_suite(portal_base(tenant_id) + SIGN_IN, suite)


def second_factor_url(tenant_id: str, suite: str | None = None) -> str:
    return _with_suite(portal_base(tenant_id) + SECOND_FACTOR, suite)


def go(request: Request[Any, Any, Any], url: str) -> Response[Any]:
    """Send the browser to ``url``: 303 See Other, or for an htmx request a 200 with ``HX-Redirect`` (its
    XMLHttpRequest would follow a 303 itself and swap the sign-in page into the fragment it asked for)."""
    if request.headers.get("hx-request") == "true":
        return Response(b"", status_code=200, headers={"HX-Redirect": url})
    return Redirect(url, status_code=303)
