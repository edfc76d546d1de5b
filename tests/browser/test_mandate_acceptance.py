"""A provider's signatory answers pdp's invitation in a browser: the page says who asks and how to prove one acts
for the SIRET, ProConnect (pdp dev's stand-in) vouches for it, then the mandate is signed with the keyboard alone
and the signatory lands on the portal, signed in. Every state is accessible; the page reads on a phone."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.settings import Settings
from tests.browser.harness import assert_accessible, assert_fits_viewport, assert_focus_visible, focused, shoot, tab_to
from tests.conftest import ProConnectMock, TenantFixture
from tests.factories import siret
from tests.journeys import pending_invitation


async def test_the_signatory_proves_its_identity_then_signs_with_the_keyboard_only(
    page: Page,
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    proconnect_mock: ProConnectMock,
) -> None:
    number = siret()
    mandate, path = await pending_invitation(
        portal_api, tenant, sessionmaker=sessionmaker, settings=settings, siret=number
    )
    await page.goto(path)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mandat de facturation")
    await expect(page.locator("main")).to_contain_text(number)
    await assert_accessible(page, context="invitation: how to prove one's identity")
    await shoot(page, "portal-invitation-proof")

    sub = f"browser-{number}"
    proconnect_mock.person(
        sub, email="jeanne.dupont@example.fr", siret=number, given_name="Jeanne", usual_name="Dupont"
    )
    await page.get_by_role("link", name="S'identifier avec ProConnect").click()
    await page.locator("input[name=sub]").fill(sub)  # the stand-in's sign-in: whoever is named, with their claims
    async with page.expect_navigation(url=re.compile(re.escape(path) + "$")):
        await page.get_by_role("button", name="Authorize").click()
    await expect(page.get_by_role("status")).to_contain_text(f"vous agissez pour le SIRET {number}")
    await expect(page.locator("#sha256")).to_have_text(mandate["document_sha256"])
    await assert_accessible(page, context="invitation: the mandate to sign")
    await shoot(page, "portal-invitation-mandate")

    await tab_to(page, "#full_name")
    await page.keyboard.type("Jeanne Dupont")
    await page.keyboard.press("Tab")
    assert await focused(page) == "input[consent]:checkbox"
    await assert_focus_visible(page)
    await page.keyboard.press("Space")
    await expect(page.locator("input[name=consent]")).to_be_checked()
    async with page.expect_navigation(url=re.compile(rf"/portal/{tenant.id}/$")):
        await page.keyboard.press("Enter")  # submits the form the checkbox belongs to
    await assert_accessible(page, context="signed in after accepting the mandate")
    read = await portal_api.get(f"/v1/mandates/{mandate['id']}", headers=tenant.headers)
    assert (read.json()["status"], read.json()["accepted_by"]) == ("active", "Jeanne Dupont"), read.text


async def test_the_invitation_reads_on_a_phone(
    mobile_page: Page,
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    _, path = await pending_invitation(portal_api, tenant, sessionmaker=sessionmaker, settings=settings)
    await mobile_page.goto(path)
    await expect(mobile_page.get_by_role("link", name="S'identifier avec ProConnect")).to_be_visible()
    await assert_fits_viewport(mobile_page)
    await assert_accessible(mobile_page, context="invitation: how to prove one's identity")
    await shoot(mobile_page, "portal-invitation-mobile")
