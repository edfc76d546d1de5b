"""Browser journeys of the invoice pages (Chromium, a real pdp serve): a supplier's first deposit, refused with its
validation report in French, fixed and deposited, then found in the list (filtered by htmx) and opened; a
Gestionnaire cannot deposit; the invoice form's lines added by htmx and its preview; every page passes axe (WCAG
2.1 A/AA) on a desktop and on a phone without sideways scrolling; screenshots portal-invoices,
portal-invoice-detail, portal-deposit-report."""

from __future__ import annotations

import httpx
from playwright.async_api import FilePayload, Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.browser.harness import assert_accessible, assert_fits_viewport, shoot
from tests.browser.signing_in import signed_in
from tests.conftest import TenantFixture
from tests.journeys import cii_invoice
from tests.portal.invoice_steps import row, seller_with_mandate
from tests.portal.invoices import seed

EXEMPT_WITH_VAT = [
    {"name": "Conseil", "quantity": "1", "unit_price": "900.00", "vat_rate": "20.00", "vat_category": "E"}
]


def upload(name: str, data: bytes) -> FilePayload:
    return {"name": name, "mimeType": "application/xml", "buffer": data}


async def test_a_first_deposit_refused_in_french_then_fixed_and_deposited(
    page: Page,
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    provider, _ = await seller_with_mandate(portal_api, tenant, owner_engine)
    await signed_in(page, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})

    navigation = page.get_by_role("navigation", name="Navigation principale")
    await navigation.get_by_role("link", name="Déposer").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Déposer des factures")
    await assert_accessible(page, context="portal deposit form")
    await page.get_by_label("Fichiers de factures").set_input_files(
        [upload("facture-mars.xml", cii_invoice(number="F-2026-0301", lines=EXEMPT_WITH_VAT))]
    )
    async with page.expect_navigation():
        await page.get_by_role("button", name="Vérifier les factures").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Vérification des factures")
    await expect(page.locator("#report-summary")).to_contain_text("Aucun fichier ne peut être déposé en l'état")
    report = page.locator('[data-file="facture-mars.xml"]')
    await expect(report).to_contain_text("À corriger")
    await expect(report).to_contain_text("Le taux de TVA d'une ligne « exonéré de TVA » n'est pas permis")
    await expect(report).to_contain_text("Règle BR-E-05")
    await expect(page.get_by_role("button", name="Déposer la facture valide")).to_have_count(0)
    await assert_accessible(page, context="portal deposit report (refused)")
    await shoot(page, "portal-deposit-report")

    async with page.expect_navigation():
        await page.get_by_role("link", name="Déposer des fichiers corrigés").click()
    await page.get_by_label("Fichiers de factures").set_input_files(
        [upload("facture-mars.xml", cii_invoice(number="F-2026-0301"))]
    )
    async with page.expect_navigation():
        await page.get_by_role("button", name="Vérifier les factures").click()
    await expect(page.locator('[data-file="facture-mars.xml"]')).to_contain_text("Prête à déposer")
    await assert_accessible(page, context="portal deposit report (ready)")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Déposer la facture valide").click()
    await expect(page.locator("#deposit-summary")).to_contain_text("1 facture déposée.")
    await assert_accessible(page, context="portal deposit done")
    deposited = (await portal_api.get("/v1/invoices", headers=tenant.headers)).json()["data"]
    assert [(i["number"], i["status"]) for i in deposited] == [("F-2026-0301", "queued")]

    async with page.expect_navigation():
        await page.get_by_role("link", name="Facture F-2026-0301").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Facture F-2026-0301")
    await expect(page.locator("#history")).to_contain_text("En attente de dépôt")
    await expect(page.get_by_role("link", name="Retirer la facture")).to_be_visible()
    await assert_accessible(page, context="portal invoice detail")
    await shoot(page, "portal-invoice-detail")
    async with page.expect_navigation():
        await page.get_by_role("link", name="Retirer la facture").click()
    await assert_accessible(page, context="portal invoice withdrawal")

    await navigation.get_by_role("link", name="Factures", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Factures")
    await expect(page.locator("#result-count")).to_have_text("1 facture")
    await page.get_by_label("Numéro de facture").fill("rien-de-tel")  # htmx swaps the results as one types
    await expect(page.locator("#result-count")).to_have_text("Aucune facture ne correspond.")
    assert "numero=rien-de-tel" in page.url  # the filter is in the address: reload or share it
    await page.get_by_label("Numéro de facture").fill("0301")
    await expect(page.locator("#result-count")).to_have_text("1 facture")
    await assert_accessible(page, context="portal invoices list")
    await shoot(page, "portal-invoices")


async def test_a_gestionnaire_cannot_deposit(
    page: Page,
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    provider, mandate = await seller_with_mandate(portal_api, tenant, owner_engine)
    queued = row(provider["id"], mandate, "queued", "120.00", number="F-VOIR-1")
    await seed(sessionmaker, tenant.id, [queued])
    viewer = await signed_in(page, sessionmaker, tenant.id, {provider["id"]: PortalRole.VIEWER})
    navigation = page.get_by_role("navigation", name="Navigation principale")
    await expect(navigation.get_by_role("link", name="Déposer")).to_have_count(0)
    await navigation.get_by_role("link", name="Factures", exact=True).click()
    async with page.expect_navigation():
        await page.get_by_role("link", name="F-VOIR-1").click()
    await expect(page.get_by_role("heading", level=2, name="Actions")).to_have_count(0)
    await expect(page.get_by_role("link", name="Retirer la facture")).to_have_count(0)
    refused = await page.goto(f"{viewer.base}/deposer")
    assert refused is not None and refused.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    refused = await page.goto(f"{viewer.base}/deposer/facture")
    assert refused is not None and refused.status == 403
    assert (await portal_api.get("/v1/invoices", headers=tenant.headers)).json()["data"][0]["status"] == "queued"


async def test_the_invoice_form_adds_lines_and_previews(
    page: Page,
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    provider, _ = await seller_with_mandate(portal_api, tenant, owner_engine)
    depositor = await signed_in(page, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    await page.goto(f"{depositor.base}/deposer/facture")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Créer une facture")
    await assert_accessible(page, context="portal invoice form")
    await page.get_by_label("Numéro de facture").fill("WEB-2026-1")
    await page.get_by_label("SIRET du destinataire").fill("11000201100044")
    await page.get_by_label("Nom du destinataire").fill("Ministère de l'Exemple")
    await page.get_by_label("Code service").fill("SERV01")
    await page.locator("summary").click()
    await page.get_by_label("Adresse", exact=True).fill("139 rue de Bercy")
    await page.get_by_label("Code postal").fill("75012")
    await page.get_by_label("Ville").fill("Paris")
    await page.get_by_label("Désignation (ligne 1)").fill("Atelier de menuiserie (journée)")
    await page.get_by_label("Quantité").fill("2")
    await page.get_by_label("Prix unitaire HT (€)").fill("450")
    await expect(page.locator("#totaux")).to_contain_text("1\u202f080,00\u00a0€")  # htmx: pdp's totals
    await page.get_by_role("button", name="Ajouter une ligne").click()
    await expect(page.get_by_label("Désignation (ligne 2)")).to_be_visible()  # swapped in, no page load
    await expect(page.get_by_label("Désignation (ligne 1)")).to_have_value("Atelier de menuiserie (journée)")
    await page.get_by_label("Désignation (ligne 2)").fill("Fournitures")
    await page.locator("#l2-qty").fill("1")
    await page.locator("#l2-price").fill("85,50")
    await expect(page.locator("#totaux")).to_contain_text("1\u202f182,60\u00a0€")
    await page.get_by_label("IBAN du fournisseur").fill("FR7630006000011234567890189")
    await assert_accessible(page, context="portal invoice form (two lines)")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Vérifier et prévisualiser").click()
    await expect(page.locator("#preview-summary")).to_have_text("La facture peut être déposée.")
    await assert_accessible(page, context="portal invoice preview")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Déposer la facture").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Facture WEB-2026-1")
    await expect(page.get_by_role("status")).to_contain_text("La facture est déposée")


async def test_the_invoice_pages_on_a_phone(
    mobile_page: Page,
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    provider, mandate = await seller_with_mandate(portal_api, tenant, owner_engine)
    suspended = row(provider["id"], mandate, "suspended", "1542.60", number="F-TEL-1", chorus_invoice_id=7)
    to_recycle = row(provider["id"], mandate, "to_recycle", "80.00", number="F-TEL-2", chorus_invoice_id=8)
    rejected = row(
        provider["id"], mandate, "rejected", "99.00", number="F-TEL-3", chorus_status="IN_REJETE",
        last_error="La facture F-TEL-3 a déjà été déposée par ce fournisseur (doublon).",
    )  # fmt: skip
    await seed(sessionmaker, tenant.id, [suspended, to_recycle, rejected])
    depositor = await signed_in(mobile_page, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    for path, context in (
        ("/factures", "portal invoices list"),
        (f"/factures/{rejected.id}", "portal invoice detail (rejected)"),
        (f"/factures/{suspended.id}/completer", "portal invoice completion"),
        (f"/factures/{to_recycle.id}/recycler", "portal invoice recycling"),
        ("/deposer", "portal deposit form"),
        ("/deposer/facture", "portal invoice form"),
        (f"/deposer/facture?remplace={rejected.id}", "portal corrected invoice form"),
    ):
        await mobile_page.goto(f"{depositor.base}{path}")
        await assert_fits_viewport(mobile_page)
        await assert_accessible(mobile_page, context=context)
    await mobile_page.goto(f"{depositor.base}/factures")
    await shoot(mobile_page, "portal-invoices-mobile")
