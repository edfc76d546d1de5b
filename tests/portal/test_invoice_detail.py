"""An invoice's page: what the API shows of it (amounts, the recipient's name from the directory, its history),
its archived documents served byte for byte, why it stopped and what to do in French, what is owed when it is
paid late, the invoices linked to it — and a 404 page, never a 403, for another provider's or tenant's."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import clock
from pdp.platform.callers import PortalRole
from tests.conftest import TenantFixture
from tests.invoices.validation.test_engine import RECIPIENT_SIRET
from tests.journeys import cii_invoice, deposit_cii, new_provider
from tests.portal.invoice_steps import directory_entry, row, seller_with_mandate, signed_in
from tests.portal.invoices import pending_mandate, seed

NBSP, NNBSP = "\u00a0", "\u202f"


def section(page: Any, section_id: str) -> str:
    assert f'id="{section_id}"' in page.text, f"no section {section_id}"
    text: str = page.text
    return text.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


async def test_a_deposited_invoice_and_its_documents(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider, _ = await seller_with_mandate(client, tenant, owner_engine)
    await directory_entry(owner_engine, RECIPIENT_SIRET, "Ministère de l'Exemple")
    deposited = await deposit_cii(client, tenant, provider["id"])
    assert deposited.status_code == 201, deposited.text
    invoice_id = deposited.json()["id"]
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.VIEWER})

    page = await client.get(f"{person.base}/factures/{invoice_id}")
    assert page.status_code == 200, page.text
    assert "<h1>Facture F-2026-0042</h1>" in page.text
    assert "Ministère de l&#39;Exemple" in page.text and RECIPIENT_SIRET in page.text
    assert f"1{NNBSP}542,60{NBSP}€" in page.text and f"1{NNBSP}285,50{NBSP}€" in page.text
    assert 'data-status="queued"' in section(page, "history")
    assert "Chorus Pro qualification (test)" in page.text
    assert 'id="actions"' not in page.text  # a viewer acts on nothing
    documents = section(page, "documents")
    assert "Facture déposée (original)" in documents and "facture.xml" in documents
    link = documents.split('href="', 1)[1].split('"', 1)[0]

    download = await client.get(link)
    assert download.status_code == 200 and download.content == cii_invoice()  # byte for byte, as archived
    assert download.headers["content-disposition"] == 'attachment; filename="facture.xml"'
    assert download.headers["digest"] == f"sha-256={hashlib.sha256(cii_invoice()).hexdigest()}"
    events = await client.get(f"/v1/invoices/{invoice_id}/events", headers=tenant.headers)
    assert [e["type"] for e in events.json()["data"]] == ["invoice.created"]  # the API reads the same history


async def test_another_providers_or_tenants_invoice_is_a_404_page(
    client: Any,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    mine, theirs = await new_provider(client, tenant), await new_provider(client, tenant)
    mandate_mine = await pending_mandate(client, tenant, mine["id"])
    mandate_theirs = await pending_mandate(client, tenant, theirs["id"])
    own = row(mine["id"], mandate_mine, "queued", "10.00")
    other = row(theirs["id"], mandate_theirs, "queued", "10.00")
    await seed(sessionmaker, tenant.id, [own, other])
    elsewhere, _ = await seller_with_mandate(client, other_tenant, owner_engine)
    foreign = (await deposit_cii(client, other_tenant, elsewhere["id"])).json()
    foreign_document = (
        await client.get(f"/v1/invoices/{foreign['id']}/documents", headers=other_tenant.headers)
    ).json()["data"][0]["id"]
    person = await signed_in(client, sessionmaker, tenant.id, {mine["id"]: PortalRole.DEPOSITOR})

    assert (await client.get(f"{person.base}/factures/{own.id}")).status_code == 200
    for path in (
        f"/factures/{other.id}",
        f"/factures/{foreign['id']}",
        f"/factures/{foreign['id']}/documents/{foreign_document}",
        f"/factures/{own.id}/documents/{foreign_document}",
        f"/factures/{other.id}/retirer",
        "/factures/inv_not-an-id",
    ):
        page = await client.get(person.base + path)
        assert page.status_code == 404, path
        assert "<h1>Page introuvable</h1>" in page.text and foreign["number"] not in page.text


async def test_a_rejected_invoice_says_why_and_what_to_do(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await pending_mandate(client, tenant, provider["id"])
    chorus_said = (
        "Le code du service exécutant est obligatoire pour ce destinataire. | La facture F-9 a déjà été déposée "
        "par ce fournisseur (doublon)."
    )
    rejected = row(provider["id"], mandate, "rejected", "99.00", chorus_status="IN_REJETE", last_error=chorus_said)
    await seed(sessionmaker, tenant.id, [rejected])
    depositor = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    page = await client.get(f"{depositor.base}/factures/{rejected.id}")
    advice = section(page, "advice")
    assert "Refusée par Chorus Pro" in advice and "l&#39;acheteur public ne l&#39;a jamais reçue" in advice
    assert "Le code du service exécutant est obligatoire pour ce destinataire." in advice  # Chorus's own words
    assert "Ce destinataire exige un code service" in advice  # what they mean
    assert "chaque facture doit avoir un numéro unique" in advice
    assert "Déposez une facture rectificative, sous un nouveau numéro" in advice
    actions = section(page, "actions")
    assert f"/deposer/facture?remplace={rejected.id}" in actions and "/retirer" not in actions


async def test_a_late_payment_shows_the_interest_and_the_40_euros_owed(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await pending_mandate(client, tenant, provider["id"])
    expected = clock.now().date() - timedelta(days=40)
    late = row(provider["id"], mandate, "delivered", "3650.00", expected_payment_date=expected)
    await seed(sessionmaker, tenant.id, [late])
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.VIEWER})
    payment = section(await client.get(f"{person.base}/factures/{late.id}"), "payment")
    interest = (Decimal("3650.00") * Decimal("10.15") / 100 * 40 / 365).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert "En retard de 40 jours." in payment and "10,15 % par an" in payment
    assert f"intérêts moratoires : {str(interest).replace('.', ',')}{NBSP}€" in payment
    assert f"indemnité forfaitaire : 40,00{NBSP}€" in payment


async def test_a_credit_note_and_the_invoice_it_credits_name_each_other(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await pending_mandate(client, tenant, provider["id"])
    original = row(provider["id"], mandate, "delivered", "500.00", number="F-100")
    credit = row(
        provider["id"], mandate, "queued", "-500.00", number="AV-100", type="credit_note",
        original_invoice_id=original.id, relation="credits",
    )  # fmt: skip
    await seed(sessionmaker, tenant.id, [original, credit])
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    links = section(await client.get(f"{person.base}/factures/{original.id}"), "links")
    assert "Créditée par l&#39;avoir" in links and f'/factures/{credit.id}">AV-100</a>' in links
    credit_page = await client.get(f"{person.base}/factures/{credit.id}")
    assert "<h1>Avoir AV-100</h1>" in credit_page.text
    assert f'/factures/{original.id}">F-100</a>' in section(credit_page, "links")
