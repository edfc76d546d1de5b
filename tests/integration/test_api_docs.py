"""``/api/docs`` works offline: the page and its assets come from pdp, pinned, and nothing from another host."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from pdp.web.api_docs import SCALAR_SCRIPT, STATIC


async def test_the_docs_page_references_only_local_urls(client: Any) -> None:
    page = await client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert re.findall(r"https?://", page.text) == []  # no CDN, no remote font, icon or stylesheet
    references = re.findall(r'(?:src|href|data-url)="([^"]+)"', page.text)
    assert "/api/openapi.json" in references
    assets = [url for url in references if url.startswith("/api/assets/")]
    assert len(assets) == 2, references
    for url in assets:
        served = await client.get(url)
        assert served.status_code == 200, url
        expected = "javascript" if url.endswith(".js") else "text/css"
        assert expected in served.headers["content-type"], served.headers["content-type"]
        assert "max-age" in served.headers["cache-control"]
    script = await client.get(f"/api/assets/{SCALAR_SCRIPT}")
    assert script.content == (STATIC / SCALAR_SCRIPT).read_bytes()


def test_the_vendored_viewer_carries_its_licence() -> None:
    licence = (STATIC / "scalar" / "LICENSE").read_text()
    assert "MIT License" in licence and SCALAR_SCRIPT.rsplit("/", 1)[1] in licence


async def test_the_viewer_is_told_not_to_call_its_vendors_services(client: Any) -> None:
    page = await client.get("/api/docs")
    found = re.search(r'data-configuration="([^"]+)"', page.text)
    assert found, page.text
    configuration = json.loads(html.unescape(found.group(1)))
    # Fonts, telemetry, the AI chat, MCP and the hosting toolbar would each reach Scalar's hosts.
    assert configuration["withDefaultFonts"] is False and configuration["telemetry"] is False
    assert configuration["agent"] == {"disabled": True} and configuration["mcp"] == {"disabled": True}
    assert configuration["showDeveloperTools"] == "never"
