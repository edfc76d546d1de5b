"""A JSON invoice with no recipient address: the Factur-X pdp writes takes the one Chorus Pro's directory has."""

from __future__ import annotations

from typing import Any

from pdp.einvoice.formats.cii_read import read_cii
from pdp.einvoice.formats.facturx_pdf import invoice_xml_from
from pdp.einvoice.formats.pdf_inspect import inspect_pdf
from pdp.einvoice.formats.policy import FilePolicy
from pdp.einvoice.formats.xmlsafe import parse_xml
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, json_invoice, seller_provider
from tests.sandbox.harness import NO_PARAMS, RunningSandbox


async def test_the_buyer_address_comes_from_the_chorus_directory(
    chorus_client: Any, tenant: TenantFixture, sandbox: RunningSandbox
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    directory = (await chorus_client.get(f"/v1/recipients/{NO_PARAMS}", headers=tenant.headers)).json()
    assert directory["address"]["line1"] and directory["address"]["city"]
    body = json_invoice(provider["id"], recipient={"siret": NO_PARAMS, "name": "Destinataire"})
    created = await chorus_client.post("/v1/invoices", json=body, headers=tenant.headers)
    assert created.status_code == 201, created.text
    invoice_id = created.json()["id"]
    documents = (await chorus_client.get(f"/v1/invoices/{invoice_id}/documents", headers=tenant.headers)).json()
    facturx = next(d for d in documents["data"] if d["kind"] == "invoice_facturx")
    content = await chorus_client.get(
        f"/v1/invoices/{invoice_id}/documents/{facturx['id']}/content", headers=tenant.headers
    )
    embedded = invoice_xml_from(inspect_pdf(content.content, FilePolicy()))
    assert embedded is not None
    written = read_cii(parse_xml(embedded.xml))
    assert written.buyer.address is not None
    assert (written.buyer.address.line1, written.buyer.address.city) == (
        directory["address"]["line1"],
        directory["address"]["city"],
    )
    assert written.seller.address is not None and written.seller.address.city  # the provider's


async def test_without_any_address_the_json_deposit_is_refused(chorus_client: Any, tenant: TenantFixture) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    cleared = await chorus_client.patch(
        f"/v1/providers/{provider['id']}", json={"address": None}, headers=tenant.headers
    )
    assert cleared.status_code == 200, cleared.text
    body = json_invoice(provider["id"], recipient={"siret": NO_PARAMS, "name": "Destinataire"})
    response = await chorus_client.post("/v1/invoices", json=body, headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert [e["rule"] for e in response.json()["errors"]] == ["PDP-SELLER-ADDRESS-MISSING"]
