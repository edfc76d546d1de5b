"""Credit notes credit an invoice Chorus Pro has; a corrected invoice replaces a rejected one, under a new number."""

from __future__ import annotations

from typing import Any

from pdp.tenants.deposits.pipeline import Pipeline, advance
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, json_invoice, seller_provider
from tests.sandbox.harness import NO_PARAMS, REJECT, RunningSandbox

TO = {"recipient": {"siret": NO_PARAMS, "name": "R", "service_code": None}}


def _credit_note(provider_id: str, number: str, **links: Any) -> dict[str, Any]:
    body = json_invoice(provider_id, number=number, type="credit_note", payment=None, **TO)
    return {**body, **links}


async def test_a_credit_note_credits_an_invoice_chorus_has(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    invoice = (await deposit_cii(chorus_client, tenant, provider["id"], **TO)).json()
    early = await chorus_client.post(
        "/v1/invoices",
        json=_credit_note(provider["id"], "AV-1", credits_invoice_id=invoice["id"]),
        headers=tenant.headers,
    )
    assert (early.status_code, early.json()["code"]) == (422, "invoice_link_invalid")  # Chorus does not have it yet
    assert await advance(pipeline, tenant.id, invoice["id"]) == "deposited"
    wrong = _credit_note(
        provider["id"], "AV-1", credits_invoice_id=invoice["id"], preceding_invoice={"number": "F-OTHER"}
    )
    cited = await chorus_client.post("/v1/invoices", json=wrong, headers=tenant.headers)
    assert cited.status_code == 422 and cited.json()["errors"][0]["rule"] == "PDP-CREDIT-NOTE-REFERENCE"
    right = _credit_note(
        provider["id"], "AV-1", credits_invoice_id=invoice["id"], preceding_invoice={"number": invoice["number"]}
    )
    credit = await chorus_client.post("/v1/invoices", json=right, headers=tenant.headers)
    assert credit.status_code == 201, credit.text
    body = credit.json()
    assert (body["type"], body["original_invoice_id"], body["relation"]) == ("credit_note", invoice["id"], "credits")
    assert await advance(pipeline, tenant.id, body["id"]) == "deposited"
    credited = (await chorus_client.get(f"/v1/invoices/{invoice['id']}", headers=tenant.headers)).json()
    assert (credited["credit_note_ids"], credited["replaced_by_invoice_id"]) == ([body["id"]], None)
    listed = await chorus_client.get(f"/v1/invoices?number={invoice['number']}", headers=tenant.headers)
    assert [found["credit_note_ids"] for found in listed.json()["data"]] == [[body["id"]]]


async def test_a_corrected_invoice_replaces_only_a_rejected_one(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    to_reject = {"recipient": {"siret": REJECT, "name": "R", "service_code": None}}
    first = (await deposit_cii(chorus_client, tenant, provider["id"], **to_reject)).json()
    corrected = json_invoice(provider["id"], number="F-2026-0042-B", replaces_invoice_id=first["id"], **TO)
    too_soon = await chorus_client.post("/v1/invoices", json=corrected, headers=tenant.headers)
    assert (too_soon.status_code, too_soon.json()["code"]) == (422, "invoice_link_invalid"), too_soon.text
    assert await advance(pipeline, tenant.id, first["id"]) == "deposited"
    for _ in range(8):
        sandbox.control("POST", "clock/advance", {"days": 1})
        await advance(pipeline, tenant.id, first["id"])
    assert (await chorus_client.get(f"/v1/invoices/{first['id']}", headers=tenant.headers)).json()["status"] == (
        "rejected"
    )
    replaced = await chorus_client.post("/v1/invoices", json=corrected, headers=tenant.headers)
    assert replaced.status_code == 201, replaced.text
    assert (replaced.json()["original_invoice_id"], replaced.json()["relation"]) == (first["id"], "replaces")
    original = (await chorus_client.get(f"/v1/invoices/{first['id']}", headers=tenant.headers)).json()
    assert (original["replaced_by_invoice_id"], original["credit_note_ids"]) == (replaced.json()["id"], [])
    correction = (await chorus_client.get(f"/v1/invoices/{replaced.json()['id']}", headers=tenant.headers)).json()
    assert correction["replaced_by_invoice_id"] is None
    other_tenant_like = json_invoice(
        provider["id"], number="F-X", replaces_invoice_id="inv_01JABCDEFGHJKMNPQRSTVWXYZ0", **TO
    )
    unknown = await chorus_client.post("/v1/invoices", json=other_tenant_like, headers=tenant.headers)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invoice_link_invalid")
