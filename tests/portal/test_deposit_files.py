"""« Déposer »: files dropped by hand are checked as the API checks them and reported in French, file by file,
before anything is deposited; confirming deposits the valid ones through the API's intake, once; no mandate, no
deposit (and the page says why); the held files belong to the session that uploaded them; a viewer deposits
nothing; a corrected invoice deposited from a rejected one is linked to it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.conftest import TenantFixture
from tests.invoices.pdf.pdfgen import simple_pdf
from tests.journeys import cii_invoice, seller_provider
from tests.portal.accounts import BROWSER, csrf_of, sign_in
from tests.portal.invoice_steps import form_post, hidden, row, seller_with_mandate, signed_in, upload_post
from tests.portal.invoices import pending_mandate, seed

EXEMPT_WITH_VAT = [{"name": "X", "quantity": "1", "unit_price": "10.00", "vat_rate": "20.00", "vat_category": "E"}]


def xml(name: str, data: bytes) -> tuple[str, tuple[str, bytes, str]]:
    return ("fichiers", (name, data, "application/xml"))


def file_section(page: Any, name: str) -> str:
    text: str = page.text
    return text.split(f'data-file="{name}"', 1)[1].split("</section>", 1)[0]


async def test_files_are_checked_in_french_then_the_valid_ones_deposited_once(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider, _ = await seller_with_mandate(client, tenant, owner_engine)
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    form = await client.get(f"{person.base}/deposer")
    assert form.status_code == 200 and 'type="file"' in form.text and 'name="fichiers" multiple' in form.text
    assert "Environnement de test" in form.text  # no production configured here: qualification, and said so

    files = [
        xml("bonne.xml", cii_invoice(number="F-OK-1")),
        xml("mauvaise.xml", cii_invoice(number="F-BAD-1", lines=EXEMPT_WITH_VAT)),
        xml("doublon.xml", cii_invoice(number="F-OK-1")),
        ("fichiers", ("notes.pdf", simple_pdf(), "application/pdf")),
    ]
    report = await upload_post(client, f"{person.base}/deposer", f"{person.base}/deposer/verification", files)
    assert report.status_code == 200, report.text
    assert "1 fichiers sur 4 peuvent être déposés" in report.text
    assert "Prête à déposer" in file_section(report, "bonne.xml")
    bad = file_section(report, "mauvaise.xml")
    assert "À corriger" in bad and "Le taux de TVA d&#39;une ligne « exonéré de TVA » n&#39;est pas permis" in bad
    assert "Règle BR-E-05" in bad and "BT-152" in bad  # what to fix, and where
    assert "un numéro ne sert qu&#39;une fois" in file_section(report, "doublon.xml")
    assert "Un PDF simple ne contient pas les données" in file_section(report, "notes.pdf")
    invoices = await client.get("/v1/invoices", headers=tenant.headers)
    assert invoices.json()["data"] == []  # nothing deposited before the confirmation

    lot = hidden(report, "lot")
    done = await client.post(
        f"{person.base}/deposer/confirmation", data={"_csrf_token": csrf_of(report), "lot": lot}, headers=BROWSER
    )
    assert done.status_code == 200, done.text
    [deposited] = (await client.get("/v1/invoices", headers=tenant.headers)).json()["data"]
    assert (deposited["number"], deposited["status"], deposited["mode"]) == ("F-OK-1", "queued", "test")
    assert f'/factures/{deposited["id"]}"' in done.text and "1 facture déposée." in done.text
    again = await client.post(
        f"{person.base}/deposer/confirmation", data={"_csrf_token": csrf_of(report), "lot": lot}, headers=BROWSER
    )
    assert again.status_code == 410 and "ne sont plus conservés" in again.text
    assert len((await client.get("/v1/invoices", headers=tenant.headers)).json()["data"]) == 1


async def test_without_a_mandate_the_report_says_why_and_nothing_can_be_confirmed(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = await seller_provider(client, tenant)
    await pending_mandate(client, tenant, provider["id"])  # asked for, never accepted
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    files = [xml("facture.xml", cii_invoice())]
    report = await upload_post(client, f"{person.base}/deposer", f"{person.base}/deposer/verification", files)
    assert report.status_code == 200
    assert "Aucun mandat actif ne couvre ce dépôt" in report.text and "Test platform" in report.text
    assert 'name="lot"' not in report.text


async def test_held_files_belong_to_the_session_that_uploaded_them(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider, _ = await seller_with_mandate(client, tenant, owner_engine)
    first = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    report = await upload_post(
        client, f"{first.base}/deposer", f"{first.base}/deposer/verification", [xml("f.xml", cii_invoice())]
    )
    lot = hidden(report, "lot")
    await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})  # another person
    stolen = await form_post(client, f"{first.base}/deposer", f"{first.base}/deposer/confirmation", lot=lot)
    assert stolen.status_code == 410
    assert (await client.get("/v1/invoices", headers=tenant.headers)).json()["data"] == []
    await sign_in(client, first)  # the uploader signs in again: a new session, so the files are not its either
    assert (
        await form_post(client, f"{first.base}/deposer", f"{first.base}/deposer/confirmation", lot=lot)
    ).status_code == 410


async def test_a_viewer_cannot_deposit(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider, _ = await seller_with_mandate(client, tenant, owner_engine)
    viewer = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.VIEWER})
    assert (await client.get(f"{viewer.base}/deposer")).status_code == 403
    assert (await client.get(f"{viewer.base}/deposer/facture")).status_code == 403
    token = csrf_of(await client.get(f"{viewer.base}/factures"))
    crafted = await client.post(
        f"{viewer.base}/deposer/verification",
        data={"_csrf_token": token, "fournisseur": provider["id"]},
        files=[xml("f.xml", cii_invoice())],
        headers=BROWSER,
    )
    assert crafted.status_code == 403 and "<h1>Accès refusé</h1>" in crafted.text
    built = await client.post(
        f"{viewer.base}/deposer/facture/depot", data={"_csrf_token": token, "numero": "X"}, headers=BROWSER
    )
    assert built.status_code == 403
    assert (await client.get("/v1/invoices", headers=tenant.headers)).json()["data"] == []


async def test_a_corrected_invoice_deposited_from_a_rejected_one_replaces_it(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider, mandate = await seller_with_mandate(client, tenant, owner_engine)
    rejected = row(provider["id"], mandate, "rejected", "1542.60", number="F-2026-0001")
    await seed(sessionmaker, tenant.id, [rejected])
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    page = f"{person.base}/deposer?remplace={rejected.id}"
    form = await client.get(page)
    assert "Facture rectificative de la facture F-2026-0001" in form.text
    report = await upload_post(
        client,
        page,
        f"{person.base}/deposer/verification",
        [xml("rectificative.xml", cii_invoice(number="F-2026-0001-R"))],
        lien="remplace",
        lien_id=rejected.id,
    )
    assert "Prête à déposer" in report.text
    done = await client.post(
        f"{person.base}/deposer/confirmation",
        data={"_csrf_token": csrf_of(report), "lot": hidden(report, "lot")},
        headers=BROWSER,
    )
    invoice_id = re.search(r"/factures/(inv_\w+)", done.text)
    assert invoice_id, done.text
    shown = (await client.get(f"/v1/invoices/{rejected.id}", headers=tenant.headers)).json()
    assert shown["replaced_by_invoice_id"] == invoice_id.group(1)
