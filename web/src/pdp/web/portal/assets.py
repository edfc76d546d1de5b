"""The provider portal's static files, served by pdp itself under ``/static/portal/`` (no CDN: the pages work
offline, and their CSP allows scripts from pdp's origin only).

``static/portal/`` holds htmx, vendored and pinned (with its licence; to upgrade it, take ``dist/htmx.min.js``
from ``npm pack htmx.org@<version>``, rename it with the new version, change ``HTMX_VERSION`` and the LICENSE's
header), and ``portal.css``. Every file is served with a one-year cache: templates link them through
``portal_asset(name)``, whose URL changes with the file's content (htmx's name carries its version; the others
get a digest of their bytes as query string), so a browser never keeps a stale copy.

htmx must be configured by ``<meta name="htmx-config" content="{{ htmx_config }}">`` before its script, for the
portal's CSP (pdp.web.security_headers): by default it injects an inline ``<style>`` (its indicators, which
``portal.css`` has instead), evaluates ``hx-on``/``js:`` code with ``Function`` and runs the ``<script>`` elements
of swapped-in HTML, all refused there; and it keeps snapshots of the pages in ``localStorage``, which the
portal's ``no-store`` pages (a mandate, its signatory) must not leave behind.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router

STATIC = Path(__file__).resolve().parents[1] / "static" / "portal"
PATH = "/static/portal"
HTMX_VERSION = "2.0.11"
HTMX = f"htmx-{HTMX_VERSION}.min.js"
HTMX_CONFIG = {
    "includeIndicatorStyles": False,
    "allowEval": False,
    "allowScriptTags": False,
    "historyCacheSize": 0,
    "refreshOnHistoryMiss": True,
}
ONE_YEAR = 365 * 24 * 3600


@functools.cache
def portal_asset(name: str) -> str:
    """The URL of ``static/portal/<name>``, which changes with its content (a template global)."""
    if name == HTMX:
        return f"{PATH}/{name}"
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"{PATH}/{name}?v={digest}"


def htmx_config() -> str:
    """``HTMX_CONFIG`` as JSON, for the ``content`` of htmx's ``<meta>`` (a template global; Jinja escapes it)."""
    return json.dumps(HTMX_CONFIG, separators=(",", ":"))


def register_template_globals(engine: JinjaTemplateEngine) -> None:
    engine.engine.globals["portal_asset"] = portal_asset
    engine.engine.globals["htmx_config"] = htmx_config()


def static_router() -> Router:
    return create_static_files_router(
        path=PATH,
        directories=[STATIC],
        name="portal_static",
        cache_control=CacheControlHeader(max_age=ONE_YEAR, public=True),
    )
