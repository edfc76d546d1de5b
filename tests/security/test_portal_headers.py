"""Portal pages and the API viewer carry browser security headers (issue 11 #8).

The probe found none on the mandate acceptance page, whose URL held a single-use token (as an invitation's does):
it could be framed (clickjacking the acceptance), cached, and its URL sent as a Referer. The viewer's policy must
not break it: it loads only same-origin scripts, and its configuration is no longer an inline script.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from pdp.platform.settings import Settings
from tests.conftest import TenantFixture
from tests.journeys import pending_invitation, post_form, prove_with_proconnect
from tests.security.test_log_scrubbing import TOKEN


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))
            self.found.append((tag, dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None and self.found:
            tag, attrs, text = self.found[-1]
            self.found[-1] = (tag, attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def _elements(page: str) -> list[tuple[str, dict[str, str | None], str]]:
    parser = _Elements()
    parser.feed(page)
    return parser.found


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def _assert_portal_headers(response: Any) -> dict[str, list[str]]:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert headers["x-frame-options"] == "DENY"
    policy = _directives(headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    return policy


async def _invitation(client: Any, tenant: TenantFixture) -> tuple[str, str]:
    siret = "73282932000074"
    _, path = await pending_invitation(client, tenant, siret=siret)
    return path, siret


async def test_the_invitation_page_is_locked_down_and_its_only_inline_style_is_nonced(
    client: Any, tenant: TenantFixture
) -> None:
    path, _ = await _invitation(client, tenant)
    page = await client.get(path)
    assert page.status_code == 200
    policy = _assert_portal_headers(page)
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-inline'" not in policy["script-src"]
    elements = _elements(page.text)
    scripts = [(attrs, text) for tag, attrs, text in elements if tag == "script"]
    assert all(str(attrs.get("src")).startswith("/static/portal/") and not text.strip() for attrs, text in scripts)
    styles = [attrs for tag, attrs, _ in elements if tag == "style"]
    assert styles and all(f"'nonce-{attrs['nonce']}'" in policy["style-src"] for attrs in styles)
    again = await client.get(path)
    assert _directives(again.headers["content-security-policy"])["style-src"] != policy["style-src"]  # per response


async def test_the_document_the_answer_and_error_pages_are_not_kept_nor_framed(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    path, siret = await _invitation(client, tenant)
    returned = await prove_with_proconnect(client, path, settings.proconnect_issuer, siret=siret)
    _assert_portal_headers(returned)
    document = await client.get(f"{path}/document")
    assert document.status_code == 200
    _assert_portal_headers(document)
    accepted = await post_form(client, path, full_name="Jeanne Dupont", consent="yes")
    assert accepted.status_code == 303
    _assert_portal_headers(accepted)
    for failure in (
        await client.get(path),  # used: 410
        await client.get(f"/portal/{tenant.id}/invitation/{TOKEN}"),  # unknown: 404
        await client.post(f"/portal/{tenant.id}/invitation/{TOKEN}", data={"full_name": "x"}),  # no CSRF: 403
        await client.get("/portal/proconnect/callback", params={"state": TOKEN}),  # no sign-in started: 400
    ):
        assert failure.status_code in (400, 403, 404, 410) and failure.headers["content-type"].startswith("text/html")
        policy = _assert_portal_headers(failure)
        assert "style-src" in policy


async def test_api_responses_are_not_framed_and_not_sniffed(client: Any, tenant: TenantFixture) -> None:
    me = await client.get("/v1/me", headers=tenant.headers)
    assert me.headers["x-content-type-options"] == "nosniff"
    assert _directives(me.headers["content-security-policy"])["frame-ancestors"] == ["'none'"]


async def test_the_api_viewer_loads_same_origin_scripts_only_and_no_inline_code(client: Any) -> None:
    page = await client.get("/api/docs")
    assert page.status_code == 200
    policy = _directives(page.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    # The viewer injects <style> elements and fetches the OpenAPI document: allowed, same origin.
    assert "'unsafe-inline'" in policy["style-src"] and "connect-src" not in policy  # default-src 'self'
    elements = _elements(page.text)
    scripts = [(attrs, text) for tag, attrs, text in elements if tag == "script"]
    assert [attrs.get("src") for attrs, _ in scripts if attrs.get("src")] == [
        re.search(r'<script src="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    ]
    assert all(not text.strip() for _, text in scripts)  # no inline code: the config is an attribute
    assert not [tag for tag, _, _ in elements if tag == "style"]
    [reference] = [attrs for attrs, _ in scripts if attrs.get("id") == "api-reference"]
    configuration = json.loads(reference["data-configuration"] or "")
    assert configuration["withDefaultFonts"] is False and configuration["telemetry"] is False
    assert reference["data-url"] == "/api/openapi.json"
    served = await client.get(next(attrs["src"] for attrs, _ in scripts if attrs.get("src")))
    # The vendored bundle needs nothing the policy forbids: no eval, no code from strings, no workers.
    for needs_more in (b"new Function(", b"eval(", b"new Worker(", b"importScripts("):
        assert needs_more not in served.content, needs_more
