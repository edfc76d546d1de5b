"""``/api/docs``: the API reference viewer (Scalar), served from pdp itself so that it works offline.

The viewer's script is vendored, pinned, under ``static/scalar/`` (with its licence); to upgrade it, take
``dist/browser/standalone.js`` from ``npm pack @scalar/api-reference@<version>``, rename it with the new version
and change ``SCALAR_VERSION``. Its default web fonts, telemetry, AI chat, MCP and developer toolbar are turned off:
each would reach other hosts.
The page holds no inline script or style, so that its Content-Security-Policy (pdp.web.security_headers) can
allow scripts from pdp's origin only: Litestar's plugin sets the viewer's options from an inline script, which
:class:`ViewerPlugin` replaces with the ``data-configuration`` attribute the viewer reads as well.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.static_files import create_static_files_router

STATIC = Path(__file__).resolve().with_name("static")
ASSETS_PATH = "/api/assets"
SCALAR_VERSION = "1.76.4"
SCALAR_SCRIPT = f"scalar/api-reference-{SCALAR_VERSION}.js"
ONE_YEAR = 365 * 24 * 3600


class ViewerPlugin(ScalarRenderPlugin):
    """Litestar's Scalar page without its inline script and style (docs.css has the style)."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        spec_url = html.escape(self.get_openapi_json_route(request), quote=True)
        options = html.escape(msgspec.json.encode(self.options or {}).decode(), quote=True)
        return f"""<!DOCTYPE html>
<html>
  <head>
    <title>{title}</title>
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="stylesheet" type="text/css" href="{self.css_url}">
  </head>
  <body>
    <noscript>The API reference needs JavaScript.</noscript>
    <script id="api-reference" data-url="{spec_url}" data-configuration="{options}"></script>
    <script src="{self.js_url}"></script>
  </body>
</html>
""".encode()


def docs_render_plugin() -> ScalarRenderPlugin:
    return ViewerPlugin(
        path="/docs",
        js_url=f"{ASSETS_PATH}/{SCALAR_SCRIPT}",
        css_url=f"{ASSETS_PATH}/docs.css",
        favicon="",  # Litestar's default icon is fetched from another host
        style="",
        # Everything the viewer offers that talks to Scalar's own services is off: an offline page, and an API
        # description that never leaves the platform (its AI chat, MCP and SDK generators, hosting toolbar).
        options={
            "withDefaultFonts": False,
            "telemetry": False,
            "agent": {"disabled": True},
            "mcp": {"disabled": True},
            "showDeveloperTools": "never",
        },
    )


def assets_router() -> Router:
    # The script's name carries its version, so browsers may keep it as long as they like.
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[STATIC],
        name="api_assets",
        cache_control=CacheControlHeader(max_age=ONE_YEAR, public=True),
    )
