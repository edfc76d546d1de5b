"""Submission and tracking against the emulator: deposited once whatever happens, followed to the end."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.platform import ids
from pdp.tenants.deposits.pipeline import Pipeline, advance
from tests.conftest import TenantFixture
from tests.invoices.pdf.pdfgen import simple_pdf
from tests.journeys import active_mandate, deposit_cii, json_invoice, seller_provider
from tests.sandbox.harness import INACTIVE, NO_PARAMS, REJECT, SUPPLIER, RunningSandbox

DEFLUX = "/cpro/factures/v1/deposer/flux"


def _to(siret: str, service: str | None = None) -> dict[str, Any]:
    return {"recipient": {"siret": siret, "name": "Destinataire", "service_code": service}}


async def _queued(client: Any, tenant: TenantFixture, recipient: str = NO_PARAMS, **overrides: Any) -> str:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    response = await deposit_cii(client, tenant, provider["id"], **_to(recipient), **overrides)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def plain_pdf(client: Any, tenant: TenantFixture, **metadata: Any) -> str:
    """A plain PDF deposited for a new provider of ``tenant`` (the whole invoice in its metadata), acknowledged."""
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    response = await client.post(
        "/v1/invoices",
        files={"file": ("facture.pdf", simple_pdf(), "application/pdf")},
        data={"metadata": json.dumps({**json_invoice(provider["id"], **_to(NO_PARAMS)), **metadata})},
        headers=tenant.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _invoice(client: Any, tenant: TenantFixture, invoice_id: str) -> dict[str, Any]:
    return dict((await client.get(f"/v1/invoices/{invoice_id}", headers=tenant.headers)).json())


def _deposits(sandbox: RunningSandbox) -> int:
    return int(sandbox.control("GET", "ledger/summary")["deposits"])


async def _follow(
    pipeline: Pipeline, sandbox: RunningSandbox, tenant_id: str, invoice_id: str, steps: int = 12
) -> None:
    for _ in range(steps):
        sandbox.control("POST", "clock/advance", {"days": 1})
        if await advance(pipeline, tenant_id, invoice_id) in ("finished", "nothing to do"):
            return


async def test_an_invoice_goes_from_queued_to_payment_sent(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _queued(chorus_client, tenant)
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    submitted = await _invoice(chorus_client, tenant, invoice_id)
    assert submitted["status"] == "submitted" and submitted["chorus"]["flux_number"].startswith("CPP")
    await _follow(pipeline, sandbox, tenant.id, invoice_id)
    paid = await _invoice(chorus_client, tenant, invoice_id)
    assert (paid["status"], paid["chorus"]["status"], paid["cdar_code"]) == ("payment_sent", "MISE_EN_PAIEMENT", "211")
    assert paid["chorus"]["invoice_id"] and paid["expected_payment_date"]
    events = (await chorus_client.get(f"/v1/invoices/{invoice_id}/events", headers=tenant.headers)).json()["data"]
    statuses = [e["data"]["status"] for e in events]
    assert statuses[:4] == ["queued", "submitted", "deposited", "delivered"] and statuses[-1] == "payment_sent"
    assert _deposits(sandbox) == 1
    # Chorus reports nothing after MISE_EN_PAIEMENT: nothing schedules another look; one asked for reads, not deposits.
    assert await advance(pipeline, tenant.id, invoice_id) == "tracked"
    assert _deposits(sandbox) == 1 and (await _invoice(chorus_client, tenant, invoice_id))["status"] == "payment_sent"
    # Deposited with the platform's account, the invoice is the supplier's own in Chorus.
    async with httpx.AsyncClient(timeout=10) as http:
        search = f.RechercherFournisseurRequest(numero_facture=paid["number"])
        seen = [i async for i in sandbox.client(http).iter_supplier_invoices(sandbox.account(SUPPLIER), search)]
    assert [(i.code_fournisseur, i.identifiant_facture_cpp) for i in seen] == [(SUPPLIER, paid["chorus"]["invoice_id"])]


async def test_an_answer_lost_after_chorus_took_the_flux_is_reconciled_not_resent(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _queued(chorus_client, tenant)
    sandbox.control("POST", "faults", {"kind": "drop_after", "path_prefix": DEFLUX, "count": 1})
    assert await advance(pipeline, tenant.id, invoice_id) == "ambiguous"
    assert (await _invoice(chorus_client, tenant, invoice_id))["status"] == "queued"
    assert await advance(pipeline, tenant.id, invoice_id) == "waiting for chorus"  # not integrated yet
    sandbox.control("POST", "clock/advance", {"minutes": 1})
    assert await advance(pipeline, tenant.id, invoice_id) == "reconciled"
    assert (await _invoice(chorus_client, tenant, invoice_id))["chorus"]["invoice_id"]
    assert _deposits(sandbox) == 1


async def test_a_request_chorus_never_got_is_deposited_once_the_window_has_passed(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _queued(chorus_client, tenant)
    sandbox.control("POST", "faults", {"kind": "drop_before", "path_prefix": DEFLUX, "count": 1})
    assert await advance(pipeline, tenant.id, invoice_id) == "ambiguous"
    assert await advance(pipeline, tenant.id, invoice_id) == "waiting for chorus"
    impatient = replace(pipeline, reconcile_after=timedelta(0))
    assert await advance(impatient, tenant.id, invoice_id) == "not found: will deposit again"
    assert await advance(impatient, tenant.id, invoice_id) == "deposited"
    assert _deposits(sandbox) == 1


async def test_429_means_not_processed_and_is_simply_retried(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _queued(chorus_client, tenant)
    sandbox.control("POST", "faults", {"kind": "rate_limit", "path_prefix": DEFLUX, "count": 1, "retry_after": 1})
    assert await advance(pipeline, tenant.id, invoice_id) == "retry later"
    assert "chorus_rate_limited" in (await _invoice(chorus_client, tenant, invoice_id))["last_error"]
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    assert _deposits(sandbox) == 1


async def test_duplicate_deliveries_deposit_once(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _queued(chorus_client, tenant)
    outcomes = await asyncio.gather(*(advance(pipeline, tenant.id, invoice_id) for _ in range(6)))
    assert outcomes.count("deposited") == 1, outcomes
    assert _deposits(sandbox) == 1


async def test_a_revoked_mandate_stops_the_deposit(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _queued(chorus_client, tenant)
    mandate_id = (await _invoice(chorus_client, tenant, invoice_id))["mandate_id"]
    await chorus_client.post(f"/v1/mandates/{mandate_id}/revoke", headers=tenant.headers)
    assert await advance(pipeline, tenant.id, invoice_id) == "mandate gone"
    failed = await _invoice(chorus_client, tenant, invoice_id)
    assert failed["status"] == "failed" and failed["last_error"].startswith("mandate_required")
    assert _deposits(sandbox) == 0


async def test_the_buyers_rejection_and_its_comment_reach_the_invoice(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _queued(chorus_client, tenant, recipient=REJECT)
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    await _follow(pipeline, sandbox, tenant.id, invoice_id)
    rejected = await _invoice(chorus_client, tenant, invoice_id)
    assert (rejected["status"], rejected["chorus"]["status"], rejected["cdar_code"]) == ("rejected", "REJETEE", "210")
    events = (await chorus_client.get(f"/v1/invoices/{invoice_id}/events", headers=tenant.headers)).json()["data"]
    assert events[-1]["data"]["chorus_comment"]


async def test_the_directory_refuses_an_inactive_recipient_before_any_deposit(
    chorus_client: Any, tenant: TenantFixture, sandbox: RunningSandbox
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    response = await deposit_cii(chorus_client, tenant, provider["id"], **_to(INACTIVE))
    assert (response.status_code, response.json()["code"]) == (422, "invoice_invalid")
    assert "CHORUS-RECIPIENT-INACTIVE" in {e["rule"] for e in response.json()["errors"]}
    assert _deposits(sandbox) == 0


async def test_a_flux_chorus_rejects_carries_its_message(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await _queued(chorus_client, tenant)
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    # The recipient closes between pdp's check and Chorus's integration of the flux.
    closed = {"siret": NO_PARAMS, "name": "Destinataire sans paramètre", "active": False}
    sandbox.control("POST", "directory", {"recipients": [closed]})
    await _follow(pipeline, sandbox, tenant.id, invoice_id, steps=3)
    rejected = await _invoice(chorus_client, tenant, invoice_id)
    assert rejected["status"] == "rejected" and rejected["chorus"]["status"] == "IN_REJETE"
    assert rejected["last_error"]


async def test_a_plain_pdf_goes_through_deposer_pdf_and_soumettre(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await plain_pdf(chorus_client, tenant)
    outcome = await advance(pipeline, tenant.id, invoice_id)
    assert outcome == "submitted", (await _invoice(chorus_client, tenant, invoice_id))["last_error"]
    submitted = await _invoice(chorus_client, tenant, invoice_id)
    assert submitted["status"] == "deposited" and submitted["chorus"]["invoice_id"]


async def test_the_payment_due_date_runs_from_reception_and_lateness_is_priced(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    invoice_id = await _queued(chorus_client, tenant)
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    sandbox.control("POST", "clock/advance", {"minutes": 10})
    await advance(pipeline, tenant.id, invoice_id)
    delivered = await _invoice(chorus_client, tenant, invoice_id)
    assert delivered["status"] in ("deposited", "delivered")
    assert delivered["expected_payment_date"] == (date.today() + timedelta(days=30)).isoformat()
    assert (delivered["overdue"], delivered["late_payment"]) == (False, None)
    async with owner_engine.begin() as conn:  # ten days past the legal delay
        await conn.execute(
            text("UPDATE invoices SET expected_payment_date = current_date - 10 WHERE id = :id"), {"id": invoice_id}
        )
    late = await _invoice(chorus_client, tenant, invoice_id)
    assert late["overdue"] is True
    assert late["late_payment"]["days_late"] == 10 and late["late_payment"]["recovery_indemnity"] == "40.00"
    assert late["late_payment"]["interest_rate"] == "10.15"  # 2.15 (ECB) + 8 points
    assert late["late_payment"]["interest"] == f"{Decimal('1542.60') * Decimal('0.1015') * 10 / 365:.2f}"


async def test_each_chorus_call_about_an_invoice_is_kept_with_it_redacted(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    invoice_id = await _queued(chorus_client, tenant)
    sandbox.control("POST", "faults", {"kind": "rate_limit", "path_prefix": DEFLUX, "count": 1, "retry_after": 1})
    assert await advance(pipeline, tenant.id, invoice_id) == "retry later"
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    await _follow(pipeline, sandbox, tenant.id, invoice_id, steps=3)
    staff_id = ids.new_id("staff_user")
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO staff_users (id, email, full_name, role) VALUES (:i, :e, 'S', 'support')"),
            {"i": staff_id, "e": f"{staff_id}@support.example"},
        )
        failures = (await conn.execute(text("SELECT * FROM pdp_staff_chorus_errors(:s)"), {"s": staff_id})).all()
    assert any(f.path == DEFLUX and f.failure.startswith("HTTP 429") and f.last_hour >= 1 for f in failures)
    async with owner_engine.connect() as conn:
        calls = (
            await conn.execute(
                text(
                    "SELECT path, http_status, code_retour, request, answer FROM chorus_exchanges"
                    " WHERE tenant_id = :t AND invoice_id = :i ORDER BY at"
                ),
                {"t": tenant.id, "i": invoice_id},
            )
        ).all()
        deposited_sha256 = await conn.scalar(
            text(
                "SELECT d.sha256 FROM invoices i JOIN documents d ON d.tenant_id = i.tenant_id"
                " AND d.id = i.deposit_document_id WHERE i.id = :i"
            ),
            {"i": invoice_id},
        )
    paths = [call.path for call in calls]
    assert paths[:2] == [DEFLUX, DEFLUX] and "/cpro/factures/v1/consulter/historique" in paths, paths
    assert calls[0].http_status == 429  # the refused attempt is in the story too
    deposit = calls[1]
    assert (deposit.http_status, deposit.code_retour) == (200, "0")
    assert deposit.request["fichierFlux"]["sha256"] == deposited_sha256  # the file by its digest, not its bytes
    assert deposit.answer["numeroFluxDepot"]
    stored = json.dumps([list(call) for call in calls], default=str)
    assert "motDePasse" not in stored and "Bearer" not in stored
