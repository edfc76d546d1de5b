"""The vendored htmx runs on a portal page under the portal's Content-Security-Policy, configured as
pdp.web.portal.assets says (the pages' <meta name="htmx-config">); without that configuration, its inline
indicator style is refused."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, Route
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.settings import Settings
from pdp.web.portal.assets import HTMX_VERSION
from tests.browser.harness import watch
from tests.conftest import TenantFixture
from tests.journeys import pending_invitation


@pytest.fixture
async def invitation(
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> str:
    """The path of a pending mandate's invitation: a portal page that loads htmx (and its configuration)."""
    _, path = await pending_invitation(portal_api, tenant, sessionmaker=sessionmaker, settings=settings)
    return path


async def _open(page: Page, path: str) -> None:
    response = await page.goto(path)
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]


async def test_htmx_loads_and_swaps_under_the_portal_csp(page: Page, invitation: str) -> None:
    await _open(page, invitation)
    await page.wait_for_function("typeof htmx === 'object'")  # the page's own script (deferred)
    assert await page.evaluate("htmx.version") == HTMX_VERSION
    # A request and a swap, as an hx-get would do (same origin: the CSP's default-src 'self').
    await page.evaluate(
        """async () => { const out = Object.assign(document.createElement('div'), {id: 'out'});
                         out.innerHTML = '<span class="htmx-indicator">…</span>';
                         document.querySelector('main').append(out);
                         await htmx.ajax('GET', '/healthz', {target: '#out', swap: 'innerHTML'}); }"""
    )
    await page.wait_for_function("document.querySelector('#out').textContent.includes('ok')")
    # portal.css has the indicators' rules htmx is told not to inject.
    hidden = await page.evaluate(
        "() => { const s = Object.assign(document.createElement('span'), {className: 'htmx-indicator'});"
        " document.body.append(s); return getComputedStyle(s).visibility; }"
    )
    assert hidden == "hidden"
    assert watch(page).csp == []


async def test_without_its_configuration_htmx_breaks_the_portal_csp(page: Page, invitation: str) -> None:
    async def without_configuration(route: Route) -> None:
        response = await route.fetch()
        html = re.sub(r'<meta name="htmx-config"[^>]*>', "", await response.text())
        assert "htmx-config" not in html
        await route.fulfill(response=response, body=html)

    await page.route("**/invitation/**", without_configuration)
    await _open(page, invitation)
    await page.wait_for_function("typeof htmx === 'object'")
    await page.wait_for_timeout(200)  # htmx injects its style once the document is ready
    refused = watch(page).csp
    assert refused and all("style-src" in message for message in refused), refused
    refused.clear()  # expected here: the page fixture fails a test on any refusal
