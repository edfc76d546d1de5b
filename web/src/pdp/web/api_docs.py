"""``/api/docs``: the API reference viewer (Scalar), served from pdp itself so that it works offline.

The viewer's script is vendored, pinned, under ``static/scalar/`` (with its licence); to upgrade it, take
``dist/browser/standalone.js`` from ``npm pack @scalar/api-reference@<version>``, rename it with the new version
and change ``SCALAR_VERSION``. Its default web fonts and telemetry are turned off: both would reach other hosts.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.static_files import create_static_files_router

STATIC = Path(__file__).resolve().with_name("static")
ASSETS_PATH = "/api/assets"
SCALAR_VERSION = "1.76.4"
SCALAR_SCRIPT = f"scalar/api-reference-{SCALAR_VERSION}.js"
ONE_YEAR = 365 * 24 * 3600


def docs_render_plugin() -> ScalarRenderPlugin:
    return ScalarRenderPlugin(
        path="/docs",
        js_url=f"{ASSETS_PATH}/{SCALAR_SCRIPT}",
        css_url=f"{ASSETS_PATH}/docs.css",
        favicon="",  # Litestar's default icon is fetched from another host
        options={"withDefaultFonts": False, "telemetry": False},
    )


def assets_router() -> Router:
    # The script's name carries its version, so browsers may keep it as long as they like.
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[STATIC],
        name="api_assets",
        cache_control=CacheControlHeader(max_age=ONE_YEAR, public=True),
    )
