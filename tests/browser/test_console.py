"""The support console in Chromium: signed in with password and code, a tenant read only under a grant opened
with a reason, the grant's expiry cutting access mid-session; an invoice's page and its actions, the operations
view, a refused action and the staff activity; every state passes axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import httpx
import pyotp
from playwright.async_api import Page, expect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.cli import staff_tasks
from pdp.platform.settings import Settings
from tests.browser.harness import assert_accessible, shoot
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, new_provider, seller_provider


async def _sign_in(page: Page, made: dict[str, str]) -> None:
    await page.goto("/console/connexion")
    await page.get_by_label("Adresse e-mail").fill(made["email"])
    await page.get_by_label("Mot de passe").fill(made["password"])
    await page.get_by_label("Code à six chiffres").fill(pyotp.TOTP(made["totp_secret"]).now())
    async with page.expect_navigation():
        await page.get_by_role("button", name="Se connecter").click()


async def test_a_support_case_from_sign_in_to_a_grant_that_expires(
    page: Page, portal_api: httpx.AsyncClient, tenant: TenantFixture, settings: Settings, owner_engine: AsyncEngine
) -> None:
    provider = await new_provider(portal_api, tenant)
    made = await staff_tasks.create_staff(settings, "browser-support@support.example", "Noa Support", "support")
    await page.goto("/console/connexion")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à la console support")
    await assert_accessible(page, context="console sign-in")
    await page.get_by_label("Adresse e-mail").fill(made["email"])
    await page.get_by_label("Mot de passe").fill(made["password"])
    await page.get_by_label("Code à six chiffres").fill(pyotp.TOTP(made["totp_secret"]).now())
    async with page.expect_navigation():
        await page.get_by_role("button", name="Se connecter").click()
    await page.get_by_role("searchbox").fill(provider["siret"])
    async with page.expect_navigation():
        await page.get_by_role("button", name="Chercher").click()
    await assert_accessible(page, context="console search results")
    await shoot(page, "console-search")
    assert tenant.api_key[-4:] not in await page.content()  # routing data only
    async with page.expect_navigation():
        await page.get_by_role("link", name="Test platform").first.click()
    await expect(page.get_by_role("button", name="Ouvrir l'accès")).to_be_visible()
    await assert_accessible(page, context="console grant form")
    await shoot(page, "console-grant")
    await page.get_by_label("Motif").fill("Le fournisseur ne retrouve pas sa facture")
    await page.get_by_label("Ticket de support").fill("SUP-42")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Ouvrir l'accès").click()
    await expect(page.get_by_text(f"…{tenant.api_key[-4:]}")).to_be_visible()
    await assert_accessible(page, context="console tenant under a grant")
    await shoot(page, "console-tenant")
    async with owner_engine.begin() as conn:  # the grant's time is up, the page is still open
        await conn.execute(
            text(
                "UPDATE staff_access_grants SET expires_at = created_at + interval '1 microsecond'"
                " WHERE ticket = 'SUP-42'"
            )
        )
    await page.reload()
    await expect(page.get_by_role("button", name="Ouvrir l'accès")).to_be_visible()
    assert tenant.api_key[-4:] not in await page.content()


async def test_an_invoice_followed_up_the_operations_view_a_refusal_and_the_staff_activity(
    page: Page,
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    provider = await seller_provider(portal_api, tenant)
    await active_mandate(portal_api, tenant, provider["id"], sessionmaker=sessionmaker, settings=settings)
    deposited = await deposit_cii(portal_api, tenant, provider["id"])
    assert deposited.status_code == 201, deposited.text
    invoice = deposited.json()
    support = await staff_tasks.create_staff(settings, "browser-followup@support.example", "Ilan Support", "support")
    await _sign_in(page, support)
    await page.goto(f"/console/tenants/{tenant.id}/invoices/{invoice['id']}")
    await page.get_by_label("Motif").fill("Le fournisseur attend son paiement")
    await page.get_by_label("Ticket de support").fill("SUP-77")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Ouvrir l'accès").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Facture {invoice['number']}")
    await assert_accessible(page, context="console invoice under a grant")
    await shoot(page, "console-invoice")
    await page.get_by_label("Ce qu'il faut suivre, et avec qui").fill("Appeler le service facturier")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Marquer pour un suivi manuel").click()
    await expect(page.get_by_text("En suivi manuel depuis")).to_be_visible()
    await page.goto("/console/")
    followed = page.get_by_role("row").filter(has_text="Appeler le service facturier (Ilan Support)")
    await expect(followed.get_by_role("cell", name="Suivi manuel", exact=True)).to_be_visible()
    await assert_accessible(page, context="console operations view")
    await page.goto("/console/activite")  # an admin's page
    await expect(page.get_by_role("heading", level=1)).to_have_text("Action refusée")
    await expect(page.get_by_text("staff_role_required")).to_be_visible()
    await assert_accessible(page, context="console refused action")
    await page.context.clear_cookies()
    admin = await staff_tasks.create_staff(settings, "browser-admin@support.example", "Alix Admin", "admin")
    await _sign_in(page, admin)
    await page.get_by_role("link", name="Activité").click()
    await expect(page.get_by_role("cell", name="SUP-77", exact=False).first).to_be_visible()
    await assert_accessible(page, context="console staff activity")
