"""An administrator signs in with the keyboard alone (password, then setting up the TOTP code), and lands on the
dashboard; the sign-in page, the code step, the dashboard, « Mon compte » and an error page pass axe (WCAG 2.1 A/AA)
on a desktop and a phone."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pyotp
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.browser.harness import assert_accessible, assert_fits_viewport, assert_focus_visible, shoot, tab_to
from tests.browser.signing_in import sign_in
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.portal.accounts import PortalPerson, portal_user
from tests.portal.invoices import invoice_row, pending_mandate, seed


async def administrator_with_invoices(
    portal_api: httpx.AsyncClient, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> PortalPerson:
    provider = await new_provider(portal_api, tenant)
    mandate = await pending_mandate(portal_api, tenant, provider["id"])
    today = date.today()
    await seed(
        sessionmaker,
        tenant.id,
        [
            invoice_row(provider["id"], mandate, "delivered", "1250.00", today + timedelta(days=12)),
            invoice_row(provider["id"], mandate, "in_process", "4200.00", today - timedelta(days=20)),
            invoice_row(provider["id"], mandate, "suspended", "380.40", today - timedelta(days=3)),
            invoice_row(provider["id"], mandate, "payment_sent", "990.00", today - timedelta(days=40)),
            invoice_row(provider["id"], mandate, "rejected", "75.00", None),
        ],
    )
    return await portal_user(sessionmaker, tenant.id, {provider["id"]: PortalRole.ADMIN})


async def sign_in_by_keyboard(page: Page, person: PortalPerson) -> None:
    await page.goto(f"{person.base}/connexion")
    await tab_to(page, "#email")
    await assert_focus_visible(page)
    await page.keyboard.type(person.email)
    await page.keyboard.press("Tab")
    await page.keyboard.type(person.password)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")


async def test_an_administrator_signs_in_and_sets_up_the_code_with_the_keyboard_only(
    page: Page, portal_api: httpx.AsyncClient, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    person = await administrator_with_invoices(portal_api, tenant, sessionmaker)
    await page.goto(f"{person.base}/connexion")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à votre espace fournisseur")
    await assert_accessible(page, context="portal sign-in")
    await shoot(page, "portal-sign-in")

    await sign_in_by_keyboard(page, person)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Activez la validation en deux étapes")
    await assert_accessible(page, context="portal two-step set-up")
    secret = "".join((await page.locator(".secret").inner_text()).split())
    await tab_to(page, "#code")  # autofocus put it there already on most browsers: Tab finds it anyway
    await page.keyboard.type(pyotp.TOTP(secret).now())
    async with page.expect_navigation():
        await page.keyboard.press("Enter")

    await expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    await expect(page.locator("#figure-awaiting dd")).to_have_text("5\u202f830,40\u00a0€")
    await expect(page.locator("#figure-overdue dt")).to_have_text("En retard de paiement (2 factures)")
    await assert_accessible(page, context="portal dashboard")
    await shoot(page, "portal-dashboard")
    await page.keyboard.press("Tab")  # the first stop of every page: the skip link, shown when focused
    await expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    await assert_focus_visible(page)

    # The signed-in pages no other journey passes through: « Mon compte », its two-step page, an error page.
    await page.goto(f"{person.base}/compte")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    await assert_accessible(page, context="portal account")
    await page.goto(f"{person.base}/compte/double-authentification")
    await assert_accessible(page, context="portal account, two-step")
    missing = await page.goto(f"{person.base}/factures/inv_00000000000000000000000000")
    assert missing is not None and missing.status == 404
    await assert_accessible(page, context="portal error page (not found)")


async def test_the_sign_in_page_and_the_dashboard_read_on_a_phone(
    mobile_page: Page,
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    provider = await new_provider(portal_api, tenant)
    person = await portal_user(sessionmaker, tenant.id, {provider["id"]: PortalRole.VIEWER})
    await mobile_page.goto(f"{person.base}/connexion")
    await assert_fits_viewport(mobile_page)
    await assert_accessible(mobile_page, context="portal sign-in")
    await shoot(mobile_page, "portal-sign-in-mobile")
    await sign_in(mobile_page, person)
    await assert_fits_viewport(mobile_page)
    await assert_accessible(mobile_page, context="portal dashboard")
    await shoot(mobile_page, "portal-dashboard-mobile")
    await mobile_page.goto(f"{person.base}/compte")
    await assert_fits_viewport(mobile_page)
    await assert_accessible(mobile_page, context="portal account")
