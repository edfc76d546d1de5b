"""Browser security headers, added to every response as it is sent (error pages and refusals included).

The portal's pages carry a single-use token in their URL and show a mandate to its signatory: nothing may frame
them (clickjacking the acceptance), keep them (``no-store``: a shared computer's history or cache), send their
URL to another site (``no-referrer``), or run what pdp did not write (CSP: same-origin resources only; the
inline ``<style>`` of the templates carries a per-response nonce). The API viewer at ``/api/docs`` loads only
pdp's vendored script and the OpenAPI document from the same origin; the script injects ``<style>`` elements, so
inline styles are allowed there, and its configuration is an attribute, not an inline script (pdp.web.api_docs).
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.types import Message, Scope

NONCE_KEY = "pdp.csp_nonce"
PORTAL = "/portal/"
CONSOLE = "/console"
DOCS = "/api/docs"
_COMMON = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; img-src 'self' data:; "
PORTAL_POLICY = _COMMON + "form-action 'self'; script-src 'self'{nonce}; style-src 'self'{nonce}"
DOCS_POLICY = _COMMON + "form-action 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:"
# Anything else (JSON, a PDF shown inline): not to be framed. A stricter policy could stop a browser's PDF viewer.
OTHER_POLICY = "frame-ancestors 'none'"


def csp_nonce(request: Any) -> str:
    """The response's CSP nonce (a template global: ``<style nonce="{{ csp_nonce(request) }}">``)."""
    scope = request.scope
    nonce: str | None = scope.get(NONCE_KEY)
    if nonce is None:
        nonce = scope[NONCE_KEY] = secrets.token_urlsafe(16)
    return nonce


def register_template_globals(engine: JinjaTemplateEngine) -> None:
    """``TemplateConfig.engine_callback``."""
    engine.engine.globals["csp_nonce"] = csp_nonce


def _policy(path: str, content_type: bytes, nonce: str | None) -> str:
    html = content_type.startswith(b"text/html")
    if html and path.startswith((PORTAL, CONSOLE)):
        return PORTAL_POLICY.format(nonce=f" 'nonce-{nonce}'" if nonce else "")
    if html and path.startswith(DOCS):
        return DOCS_POLICY
    return OTHER_POLICY


async def add_security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook."""
    if message["type"] != "http.response.start":
        return
    path: str = scope["path"]
    headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    nonce: str | None = scope.get(NONCE_KEY)  # type: ignore[assignment]
    added = {
        b"content-security-policy": _policy(path, content_type, nonce),
        b"x-content-type-options": "nosniff",
        b"referrer-policy": "no-referrer",
    }
    if path.startswith(CONSOLE):  # another tenant's data under a grant: kept by no cache, framed by nobody
        added[b"x-frame-options"] = "DENY"
        added[b"cache-control"] = "no-store"
    if path.startswith(PORTAL):
        added[b"x-frame-options"] = "DENY"  # frame-ancestors' predecessor, for browsers without CSP 2
        # The URL holds a token; the page, a mandate and its signatory. Not an image: the tenant's logo is public
        # and cached under a URL that changes with it (pdp.web.portal.logo).
        if not content_type.startswith(b"image/"):
            added[b"cache-control"] = "no-store"
    kept = [(name, value) for name, value in headers if name.lower() not in added]
    message["headers"] = [*kept, *((name, value.encode()) for name, value in added.items())]
