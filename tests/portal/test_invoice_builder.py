"""« Créer une facture »: the form builds the API's JSON invoice; lines are added and removed (htmx swaps the form,
a plain post does the same), pdp computes the totals and VAT breakdown as it computes them for the API, the
preview shows the invoice and the report in French, the Factur-X PDF is there before confirming, and the deposit
goes through the API's intake (mandate included); a credit note drafted from an invoice credits it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.conftest import TenantFixture
from tests.invoices.validation.test_engine import RECIPIENT_SIRET
from tests.journeys import seller_provider
from tests.portal.accounts import BROWSER, PortalPerson, csrf_of
from tests.portal.invoice_steps import directory_entry, row, seller_with_mandate, signed_in
from tests.portal.invoices import pending_mandate, seed

NBSP, NNBSP = "\u00a0", "\u202f"


def filled(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "numero": "PORTAIL-001",
        "date": "2026-12-01",
        "echeance": "2026-12-31",
        "type": "facture",
        "siret": RECIPIENT_SIRET,
        "destinataire": "Ministère de l'Exemple",
        "service": "SERV01",
        "adresse": "139 rue de Bercy",
        "code_postal": "75012",
        "ville": "Paris",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "ligne_designation": ["Atelier de menuiserie (journée)", "Fournitures"],
        "ligne_quantite": ["2", "1"],
        "ligne_unite": ["DAY", "C62"],
        "ligne_prix": ["450,00", "85.50"],
        "ligne_tva": ["S:20.00", "S:20.00"],
    }
    fields.update(changes)
    return fields


async def _builder(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> tuple[dict[str, Any], PortalPerson, str]:
    provider, _ = await seller_with_mandate(client, tenant, owner_engine)
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    form = await client.get(f"{person.base}/deposer/facture")
    assert form.status_code == 200, form.text
    return provider, person, csrf_of(form)


async def test_lines_come_and_go_and_pdp_computes_the_totals(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    _, person, token = await _builder(client, tenant, sessionmaker, owner_engine)
    url = f"{person.base}/deposer/facture"
    added = await client.post(url, data={"_csrf_token": token, **filled(), "action": "ajouter"}, headers=BROWSER)
    assert added.status_code == 200 and added.text.count('name="ligne_designation"') == 3
    assert 'value="Fournitures"' in added.text  # what was typed stays
    removed = await client.post(url, data={"_csrf_token": token, **filled(), "action": "supprimer:0"}, headers=BROWSER)
    assert removed.text.count('name="ligne_designation"') == 1 and "Atelier de menuiserie" not in removed.text

    totals = await client.post(
        f"{url}/totaux", data={"_csrf_token": token, **filled()}, headers={**BROWSER, "HX-Request": "true"}
    )
    assert totals.status_code == 200 and "<html" not in totals.text
    # 2 x 450,00 + 85,50 = 985,50 HT; 20 % = 197,10; 1 182,60 TTC
    assert f"985,50{NBSP}€" in totals.text and f"197,10{NBSP}€" in totals.text
    assert f"1{NNBSP}182,60{NBSP}€" in totals.text

    unreadable = await client.post(
        url,
        data={"_csrf_token": token, **filled(numero="", ligne_quantite=["deux", "1"]), "action": "apercu"},
        headers=BROWSER,
    )
    assert unreadable.status_code == 422
    assert "Ligne 1 : la quantité doit être un nombre." in unreadable.text
    assert "Indiquez le numéro de la facture." in unreadable.text


async def test_preview_pdf_then_deposit(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    _, person, token = await _builder(client, tenant, sessionmaker, owner_engine)
    url = f"{person.base}/deposer/facture"
    preview = await client.post(url, data={"_csrf_token": token, **filled(), "action": "apercu"}, headers=BROWSER)
    assert preview.status_code == 200, preview.text
    assert "La facture peut être déposée." in preview.text
    assert "Atelier de menuiserie (journée)" in preview.text and f"1{NNBSP}182,60{NBSP}€" in preview.text
    assert 'id="deposit-button"' in preview.text
    assert await _invoices(client, tenant) == []

    pdf = await client.post(f"{url}/apercu.pdf", data={"_csrf_token": csrf_of(preview), **filled()}, headers=BROWSER)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"factur-x.xml" in pdf.content
    assert pdf.headers["content-disposition"] == 'inline; filename="apercu-PORTAIL-001.pdf"'
    assert await _invoices(client, tenant) == []  # a preview deposits nothing

    done = await client.post(
        f"{url}/depot", data={"_csrf_token": csrf_of(preview), **filled()}, headers=BROWSER, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    [invoice] = await _invoices(client, tenant)
    assert done.headers["location"] == f"{url.rsplit('/deposer', 1)[0]}/factures/{invoice['id']}?notice=deposee"
    assert (invoice["number"], invoice["format"], invoice["total_incl_tax"]) == ("PORTAIL-001", "json", "1182.60")
    documents = (await client.get(f"/v1/invoices/{invoice['id']}/documents", headers=tenant.headers)).json()["data"]
    assert {d["kind"] for d in documents} == {"invoice_original", "invoice_facturx"}

    twice = await client.post(f"{url}/depot", data={"_csrf_token": csrf_of(preview), **filled()}, headers=BROWSER)
    assert twice.status_code == 409 and "Ce numéro de facture a déjà été déposé" in twice.text


async def test_a_report_in_french_and_no_mandate_no_deposit(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = await seller_provider(client, tenant)
    await pending_mandate(client, tenant, provider["id"])
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    url = f"{person.base}/deposer/facture"
    token = csrf_of(await client.get(url))
    no_address = filled(adresse="", code_postal="", ville="")
    preview = await client.post(url, data={"_csrf_token": token, **no_address, "action": "apercu"}, headers=BROWSER)
    assert "L&#39;adresse postale de l&#39;acheteur (voie, code postal, ville) est obligatoire" in preview.text
    assert 'id="deposit-button"' not in preview.text
    covered = await client.post(url, data={"_csrf_token": token, **filled(), "action": "apercu"}, headers=BROWSER)
    assert "Aucun mandat actif ne couvre ce dépôt" in covered.text and 'id="deposit-button"' not in covered.text
    refused = await client.post(f"{url}/depot", data={"_csrf_token": token, **filled()}, headers=BROWSER)
    assert refused.status_code == 403 and "Aucun mandat actif ne couvre ce dépôt" in refused.text
    assert await _invoices(client, tenant) == []


async def test_the_buyer_is_found_in_the_directory(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    _, person, token = await _builder(client, tenant, sessionmaker, owner_engine)
    await directory_entry(
        owner_engine, RECIPIENT_SIRET, "Ministère de l'Exemple (annuaire)", service_code_required=True
    )
    found = await client.post(
        f"{person.base}/deposer/facture",
        data={"_csrf_token": token, **filled(destinataire=""), "siret": "110 002 011 00044", "action": "destinataire"},
        headers={**BROWSER, "HX-Request": "true"},
    )
    assert found.status_code == 200
    assert 'value="Ministère de l&#39;Exemple (annuaire)"' in found.text and "Il exige un code service." in found.text
    unknown = await client.post(
        f"{person.base}/deposer/facture",
        data={"_csrf_token": token, **filled(), "siret": "123", "action": "destinataire"},
        headers=BROWSER,
    )
    assert "Ce SIRET n&#39;est pas valide" in unknown.text


async def test_a_credit_note_drafted_from_an_invoice_credits_it(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider, mandate = await seller_with_mandate(client, tenant, owner_engine)
    original = row(provider["id"], mandate, "delivered", "1182.60", number="F-ORIG-1", recipient_siret=RECIPIENT_SIRET)
    await seed(sessionmaker, tenant.id, [original])
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    url = f"{person.base}/deposer/facture"
    form = await client.get(url, params={"avoir": original.id})
    assert "Avoir sur la facture F-ORIG-1" in form.text
    assert re.search(r'name="facture_citee" value="F-ORIG-1"', form.text)
    fields = filled(numero="AV-ORIG-1", type="avoir", facture_citee="F-ORIG-1", lien="avoir", lien_id=original.id)
    fields.pop("iban")
    done = await client.post(
        f"{url}/depot", data={"_csrf_token": csrf_of(form), **fields}, headers=BROWSER, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    shown = (await client.get(f"/v1/invoices/{original.id}", headers=tenant.headers)).json()
    [credit_note] = shown["credit_note_ids"]
    credit = (await client.get(f"/v1/invoices/{credit_note}", headers=tenant.headers)).json()
    assert (credit["type"], credit["relation"], credit["number"]) == ("credit_note", "credits", "AV-ORIG-1")


async def _invoices(client: Any, tenant: TenantFixture) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = (await client.get("/v1/invoices", headers=tenant.headers)).json()["data"]
    return data
