"""A provider's signatory accepts its mandate in a browser: the page is accessible, reads on a phone, and its
form works with the keyboard alone.

Kept small on purpose: the acceptance flow is about to change (an identity proof before it); the reusable steps
live in tests/browser/harness.py.
"""

from __future__ import annotations

import httpx
from playwright.async_api import Page, expect

from tests.browser.harness import assert_accessible, assert_fits_viewport, assert_focus_visible, focused, shoot, tab_to
from tests.conftest import TenantFixture
from tests.security.portal_steps import pending_mandate


async def test_the_signatory_accepts_with_the_keyboard_only(
    page: Page, portal_api: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    mandate = await pending_mandate(portal_api, tenant)
    await page.goto(mandate["acceptance_url"])
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mandat de facturation")
    await assert_accessible(page, context="mandate acceptance form")
    await shoot(page, "portal-mandate-acceptance")

    await tab_to(page, "#full_name")
    await page.keyboard.type("Jeanne Dupont")
    await page.keyboard.press("Tab")
    assert await focused(page) == "input[consent]:checkbox"
    await assert_focus_visible(page)
    await page.keyboard.press("Space")
    await expect(page.locator("input[name=consent]")).to_be_checked()
    async with page.expect_navigation():
        await page.keyboard.press("Enter")  # submits the form the checkbox belongs to

    await expect(page.get_by_role("heading", level=1)).to_have_text("Mandat accepté")
    await expect(page.locator("main")).to_contain_text("Merci, Jeanne Dupont.")
    await assert_accessible(page, context="mandate accepted")
    await shoot(page, "portal-mandate-accepted")
    read = await portal_api.get(f"/v1/mandates/{mandate['id']}", headers=tenant.headers)
    assert read.json()["status"] == "active", read.text


async def test_the_acceptance_page_reads_on_a_phone(
    mobile_page: Page, portal_api: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    mandate = await pending_mandate(portal_api, tenant)
    await mobile_page.goto(mandate["acceptance_url"])
    await expect(mobile_page.get_by_role("button", name="J'accepte le mandat")).to_be_visible()
    await assert_fits_viewport(mobile_page)
    await assert_accessible(mobile_page, context="mandate acceptance form")
    await shoot(mobile_page, "portal-mandate-acceptance-mobile")
