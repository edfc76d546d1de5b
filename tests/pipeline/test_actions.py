"""Follow-up actions on deposited invoices: withdraw before Chorus has it, complete a suspension, recycle."""

from __future__ import annotations

from typing import Any

from pdp.tenants.deposits.pipeline import Pipeline, advance
from tests.conftest import TenantFixture
from tests.invoices.pdf.pdfgen import simple_pdf
from tests.journeys import active_mandate, deposit_cii, seller_provider
from tests.sandbox.harness import NO_PARAMS, RECYCLE, SUSPEND, RunningSandbox


async def _deposited(client: Any, tenant: TenantFixture, pipeline: Pipeline, recipient: str) -> str:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    response = await deposit_cii(
        client, tenant, provider["id"], recipient={"siret": recipient, "name": "R", "service_code": None}
    )
    assert response.status_code == 201, response.text
    invoice_id = str(response.json()["id"])
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    return invoice_id


async def _until(
    client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox, invoice_id: str, status: str
) -> dict[str, Any]:
    for _ in range(10):
        sandbox.control("POST", "clock/advance", {"days": 1})
        await advance(pipeline, tenant.id, invoice_id)
        invoice = dict((await client.get(f"/v1/invoices/{invoice_id}", headers=tenant.headers)).json())
        if invoice["status"] == status:
            return invoice
    raise AssertionError(f"{invoice_id} never reached {status}: {invoice['status']}")


async def test_withdraw_only_before_chorus_has_it(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    recipient = {"recipient": {"siret": NO_PARAMS, "name": "R", "service_code": None}}
    queued = (await deposit_cii(chorus_client, tenant, provider["id"], **recipient)).json()["id"]
    for _ in range(2):  # withdrawing twice is harmless
        withdrawn = await chorus_client.post(f"/v1/invoices/{queued}/withdraw", headers=tenant.headers)
        assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert await advance(pipeline, tenant.id, queued) == "nothing to do"
    assert sandbox.control("GET", "ledger/summary")["deposits"] == 0
    sent = (await deposit_cii(chorus_client, tenant, provider["id"], number="F-2026-0050", **recipient)).json()["id"]
    assert await advance(pipeline, tenant.id, sent) == "deposited"
    refused = await chorus_client.post(f"/v1/invoices/{sent}/withdraw", headers=tenant.headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "invoice_status_conflict")


async def test_a_suspended_invoice_is_completed_with_its_supporting_documents(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _deposited(chorus_client, tenant, pipeline, SUSPEND)
    suspended = await _until(chorus_client, tenant, pipeline, sandbox, invoice_id, "suspended")
    assert suspended["chorus"]["status"] == "SUSPENDUE"
    bad = await chorus_client.post(
        f"/v1/invoices/{invoice_id}/complete",
        files={"files": ("bon.exe", b"MZ\x90\x00", "application/octet-stream")},
        headers=tenant.headers,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "attachments_invalid")
    completed = await chorus_client.post(
        f"/v1/invoices/{invoice_id}/complete",
        files={"files": ("bon-de-livraison.pdf", simple_pdf(), "application/pdf")},
        data={"comment": "Bon de livraison signé joint."},
        headers=tenant.headers,
    )
    assert completed.status_code == 200, completed.text
    assert (completed.json()["status"], completed.json()["chorus"]["status"]) == ("completed", "COMPLETEE")
    documents = (await chorus_client.get(f"/v1/invoices/{invoice_id}/documents", headers=tenant.headers)).json()
    assert "attachment" in {d["kind"] for d in documents["data"]}
    paid = await _until(chorus_client, tenant, pipeline, sandbox, invoice_id, "payment_sent")
    assert paid["chorus"]["status"] == "MISE_EN_PAIEMENT"


async def test_an_invoice_sent_back_is_recycled_to_a_new_recipient(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _deposited(chorus_client, tenant, pipeline, RECYCLE)
    early = await chorus_client.post(f"/v1/invoices/{invoice_id}/recycle", json={}, headers=tenant.headers)
    assert (early.status_code, early.json()["code"]) == (409, "invoice_status_conflict")
    await _until(chorus_client, tenant, pipeline, sandbox, invoice_id, "to_recycle")
    recycled = await chorus_client.post(
        f"/v1/invoices/{invoice_id}/recycle",
        json={"recipient_siret": NO_PARAMS, "service_code": "SERVICE_DESTINATAIRE1"},
        headers=tenant.headers,
    )
    assert recycled.status_code == 200, recycled.text
    body = recycled.json()
    assert body["status"] == "deposited"
    assert body["recipient"] == {"siret": NO_PARAMS, "service_code": "SERVICE_DESTINATAIRE1", "engagement_number": None}
    paid = await _until(chorus_client, tenant, pipeline, sandbox, invoice_id, "payment_sent")
    assert paid["number"] == "F-2026-0042"  # same number, new routing
    assert sandbox.control("GET", "ledger/summary")["deposits"] == 1
