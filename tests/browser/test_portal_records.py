"""Browser journeys of the mandates, archive, users and notifications pages: an administrator invites a
Gestionnaire, who joins from the e-mailed link, reads and downloads, and cannot act on invoices; every page passes
axe (WCAG 2.1 A/AA) on a desktop and on a phone, without sideways scrolling; screenshots portal-mandates,
portal-archive, portal-users."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.archive.repository import DocumentRepository
from tests.browser.harness import assert_accessible, assert_fits_viewport, open_page, shoot
from tests.browser.signing_in import signed_in
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, new_mandate, seller_provider
from tests.mail import CaughtMail, run_staged
from tests.portal.accounts import PASSWORD, portal_user


@pytest.fixture
async def supplier(
    portal_api: httpx.AsyncClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> dict[str, Any]:
    """A provider with an accepted mandate, a pending one, a deposited invoice, and another platform asking for its
    SIRET's mandate."""
    provider = await seller_provider(portal_api, tenant)
    await active_mandate(portal_api, tenant, provider["id"], sessionmaker=sessionmaker, settings=settings)
    await new_mandate(
        portal_api, tenant, provider["id"], valid_until="2027-12-31", scope={"invoice_types": ["invoice"]}
    )
    invoice = await deposit_cii(portal_api, tenant, provider["id"])
    assert invoice.status_code == 201, invoice.text
    elsewhere = await seller_provider(portal_api, other_tenant, email="compta@dupont.fr")
    await new_mandate(portal_api, other_tenant, elsewhere["id"], valid_from="2026-02-01")
    return {**provider, "invoice_id": invoice.json()["id"]}


async def emailed_invitation(
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    settings: Settings,
    tenant_id: str,
    mailbox: CaughtMail,
    portal_server: str,
) -> str:
    """Run the invitation's job (no worker runs in these tests) against a mail catcher; the link it e-mailed."""
    ctx = mailbox.job_context(sessionmaker, mailbox.sending(settings, public_url=portal_server))
    assert await run_staged(ctx, owner_engine, tenant_id, "portal.invite_user") == ["sent"]
    return mailbox.last_link("/invitation-utilisateur/")


async def test_an_invited_gestionnaire_reads_and_downloads_but_cannot_act(
    page: Page,
    browser: Browser,
    portal_server: str,
    supplier: dict[str, Any],
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    settings: Settings,
    mailbox: CaughtMail,
) -> None:
    await signed_in(page, sessionmaker, tenant.id, {supplier["id"]: PortalRole.ADMIN})

    await page.get_by_role("link", name="Utilisateurs", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Utilisateurs")
    await page.get_by_label("Adresse e-mail", exact=True).fill("claire.martin@dupont.example")
    await page.get_by_label("Rôle", exact=True).select_option("viewer")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Envoyer l'invitation").click()
    await expect(page.get_by_role("status")).to_contain_text("Invitation envoyée")
    await expect(page.locator("[data-invitation]")).to_contain_text("claire.martin@dupont.example")
    await assert_accessible(page, context="portal users (an invitation pending)")
    await shoot(page, "portal-users")

    link = await emailed_invitation(sessionmaker, owner_engine, settings, tenant.id, mailbox, portal_server)
    async with open_page(browser, portal_server) as invitee:
        await invitee.goto(link)
        await expect(invitee.get_by_role("heading", level=1)).to_have_text(f"Rejoindre {supplier['name']}")
        await expect(invitee.locator("main")).to_contain_text("avec le rôle Gestionnaire")
        await assert_accessible(invitee, context="portal user invitation")
        await invitee.get_by_label("Nom et prénom").fill("Claire Martin")
        await invitee.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        await invitee.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
        async with invitee.expect_navigation():
            await invitee.get_by_role("button", name="Créer mon compte et rejoindre").click()
        await expect(invitee.get_by_role("heading", level=1)).to_have_text("Tableau de bord")

        navigation = invitee.get_by_role("navigation", name="Navigation principale")
        await expect(navigation.get_by_role("link", name="Archive")).to_be_visible()
        await expect(navigation.get_by_role("link", name="Déposer")).to_have_count(0)
        await expect(navigation.get_by_role("link", name="Utilisateurs")).to_have_count(0)

        await navigation.get_by_role("link", name="Mandats").click()
        await expect(invitee.get_by_role("heading", level=1)).to_have_text("Mandats")
        await expect(invitee.locator("article.mandate")).to_have_count(2)
        # The seller's SIRET is every test's: the other platform of this test among those of the whole run.
        await expect(invitee.locator(f'[data-platform="{other_tenant.id}"]')).to_contain_text("Other platform")
        await expect(invitee.get_by_role("link", name="Révoquer ce mandat")).to_have_count(0)
        await assert_accessible(invitee, context="portal mandates (a viewer)")
        await shoot(invitee, "portal-mandates")

        await navigation.get_by_role("link", name="Archive").click()
        await expect(invitee.get_by_role("heading", level=1)).to_have_text("Archive")
        await assert_accessible(invitee, context="portal archive")
        await shoot(invitee, "portal-archive")
        original = invitee.locator('tr[data-kind="invoice_original"] a[download]')
        async with invitee.expect_download() as started:
            await original.click()
        downloaded = await (await started.value).path()
        async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
            (document,) = [
                d for d in await DocumentRepository(session).of_provider(supplier["id"]) if d.kind == "invoice_original"
            ]
        data = await asyncio.to_thread(Path(downloaded).read_bytes)
        assert hashlib.sha256(data).hexdigest() == document.sha256

        await navigation.get_by_role("link", name="Notifications").click()
        await expect(invitee.locator("#defaults-state")).to_have_text(
            "Vous recevez les e-mails prévus pour le rôle Gestionnaire."
        )
        await assert_accessible(invitee, context="portal notifications")

        # Not acting: withdrawing the deposited invoice is refused, and so is the users page.
        refused = await invitee.goto(f"/portal/{tenant.id}/factures/{supplier['invoice_id']}/retirer")
        assert refused is not None and refused.status == 403
        await expect(invitee.get_by_role("heading", level=1)).to_have_text("Accès refusé")
        refused = await invitee.goto(f"/portal/{tenant.id}/utilisateurs")
        assert refused is not None and refused.status == 403

    # The link worked once.
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Invitation inutilisable")
    await assert_accessible(page, context="portal user invitation used")


async def test_an_administrators_confirmations_pass_axe(
    page: Page, supplier: dict[str, Any], tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    colleague = await portal_user(sessionmaker, tenant.id, {supplier["id"]: PortalRole.DEPOSITOR})
    admin = await signed_in(page, sessionmaker, tenant.id, {supplier["id"]: PortalRole.ADMIN})

    await page.goto(f"{admin.base}/mandats")
    await assert_accessible(page, context="portal mandates (an administrator)")
    await page.get_by_role("link", name="Révoquer ce mandat").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Révoquer le mandat donné à")
    await assert_accessible(page, context="portal mandate revocation")
    await page.get_by_label("Motif (facultatif)").fill("Nous changeons de plateforme.")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Confirmer la révocation").click()
    await expect(page.get_by_role("status")).to_contain_text("Mandat révoqué")
    await expect(page.locator('article[data-state="revoked"]')).to_contain_text("Nous changeons de plateforme.")

    await page.goto(f"{admin.base}/utilisateurs/{supplier['id']}/membres/{colleague.id}/retrait")
    await expect(page.get_by_role("button", name="Confirmer le retrait")).to_be_visible()
    await assert_accessible(page, context="portal user removal")


async def test_the_pages_read_on_a_phone(
    mobile_page: Page, supplier: dict[str, Any], tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await signed_in(mobile_page, sessionmaker, tenant.id, {supplier["id"]: PortalRole.ADMIN})
    for path, context, shot in (
        ("/mandats", "portal mandates", "portal-mandates-mobile"),
        ("/archive", "portal archive", "portal-archive-mobile"),
        ("/utilisateurs", "portal users", "portal-users-mobile"),
        ("/notifications", "portal notifications", None),
    ):
        await mobile_page.goto(f"{admin.base}{path}")
        await assert_fits_viewport(mobile_page)
        await assert_accessible(mobile_page, context=context)
        if shot:
            await shoot(mobile_page, shot)
