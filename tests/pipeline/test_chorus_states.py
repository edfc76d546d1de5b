"""Every Chorus Pro state against the emulator: flux states forced, statuses invented, validator circuits, stall
limits on pdp's clock, tracking in bulk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.platform import clock
from pdp.tenants.deposits.pipeline import Pipeline, advance
from pdp.tenants.deposits.tracking import track
from tests.conftest import TenantFixture
from tests.invoices.pdf.pdfgen import simple_pdf
from tests.journeys import active_mandate, cii_invoice, deposit_cii, json_invoice, seller_provider
from tests.pipeline.test_submission import DEFLUX, _invoice, _queued, _to, plain_pdf
from tests.sandbox.harness import NO_PARAMS, SUPPLIER, RunningSandbox


class Later:
    """pdp's clock, moved forward by the test (the emulator's has its own control)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def later() -> Iterator[Later]:
    moved = Later()
    clock.set_clock(moved)
    yield moved
    clock.set_clock(None)


async def _deposited(client: Any, tenant: TenantFixture, pipeline: Pipeline, **overrides: Any) -> tuple[str, str]:
    invoice_id = await _queued(client, tenant, **overrides)
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    return invoice_id, (await _invoice(client, tenant, invoice_id))["chorus"]["flux_number"]


async def _cases(owner_engine: AsyncEngine, invoice_id: str) -> list[tuple[str, dict[str, Any]]]:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT kind, detail FROM staff_cases WHERE subject_id = :id ORDER BY opened_at"), {"id": invoice_id}
        )
        return [(row.kind, row.detail) for row in rows]


async def _statuses(client: Any, tenant: TenantFixture, invoice_id: str) -> list[str]:
    events = (await client.get(f"/v1/invoices/{invoice_id}/events", headers=tenant.headers)).json()["data"]
    return [e["data"]["status"] for e in events if e["type"] == "invoice.status_changed"]


async def test_a_flux_chorus_loses_is_deposited_again_and_given_up_after_three_deposits(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox, later: Later
) -> None:
    invoice_id, flux = await _deposited(chorus_client, tenant, pipeline)
    seen = [flux]
    for attempt in (1, 2, 3):
        sandbox.control("POST", f"fluxes/{flux}/state", {"etat": "IN_INCIDENTE"})
        later.offset += timedelta(seconds=5)  # past the first poll: the flux report is read
        await advance(pipeline, tenant.id, invoice_id)
        lost = await _invoice(chorus_client, tenant, invoice_id)
        if attempt == 3:
            break
        assert (lost["status"], lost["chorus"]["status"]) == ("queued", "IN_INCIDENTE")
        assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
        flux = (await _invoice(chorus_client, tenant, invoice_id))["chorus"]["flux_number"]
        assert flux not in seen  # a new flux each time
        seen.append(flux)
    assert lost["status"] == "failed" and "IN_INCIDENTE" in lost["last_error"]
    assert int(sandbox.control("GET", "ledger/summary")["deposits"]) == 3
    assert await _statuses(chorus_client, tenant, invoice_id) == [
        "submitted",
        "queued",
        "submitted",
        "queued",
        "submitted",
        "failed",
    ]


@pytest.mark.parametrize("etat", ["QP_IRRECEVABLE", "IN_REJETE"])
async def test_a_refused_flux_rejects_the_invoice_with_the_reason(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox, later: Later, etat: str
) -> None:
    invoice_id, flux = await _deposited(chorus_client, tenant, pipeline)
    sandbox.control("POST", f"fluxes/{flux}/state", {"etat": etat})
    later.offset += timedelta(seconds=5)
    await advance(pipeline, tenant.id, invoice_id)
    refused = await _invoice(chorus_client, tenant, invoice_id)
    assert (refused["status"], refused["chorus"]["status"], refused["cdar_code"]) == ("rejected", etat, "213")
    assert refused["last_error"]


async def test_a_flux_chorus_keeps_reprocessing_stalls_at_its_limit_then_wakes_when_it_integrates(
    chorus_client: Any,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    later: Later,
    owner_engine: AsyncEngine,
) -> None:
    invoice_id, flux = await _deposited(chorus_client, tenant, pipeline)
    sandbox.control("POST", f"fluxes/{flux}/state", {"etat": "IN_EN_ATTENTE_RETRAITEMENT_CPP"})
    later.offset += timedelta(seconds=5)
    await advance(pipeline, tenant.id, invoice_id)
    waiting = await _invoice(chorus_client, tenant, invoice_id)
    assert (waiting["status"], waiting["chorus"]["status"]) == ("submitted", "IN_EN_ATTENTE_RETRAITEMENT_CPP")
    later.offset += pipeline.stall_after["submitted"]
    # Chorus's clock and pdp's agree (the feed starts a day before a new deposit, on pdp's clock).
    sandbox.control("POST", "clock/advance", {"seconds": pipeline.stall_after["submitted"].total_seconds()})
    assert await advance(pipeline, tenant.id, invoice_id) == "stalled"
    stalled = await _invoice(chorus_client, tenant, invoice_id)
    assert stalled["status"] == "stalled" and stalled["chorus"]["status"] == "IN_EN_ATTENTE_RETRAITEMENT_CPP"
    [(kind, detail)] = await _cases(owner_engine, invoice_id)
    assert kind == "invoice_stalled" and detail["stalled_in"] == "submitted"
    async with owner_engine.connect() as conn:
        next_check = await conn.scalar(text("SELECT next_check_at FROM invoices WHERE id = :id"), {"id": invoice_id})
    assert next_check is None  # nobody polls it any more
    # Chorus processes it after all: the next round of the account's feed (another invoice's) wakes it.
    sandbox.control("POST", f"fluxes/{flux}/state", {"etat": "IN_EN_COURS_TRAITEMENT_CPP", "reprendre": True})
    sandbox.control("POST", "clock/advance", {"seconds": 5})
    provider_id = stalled["provider_id"]
    response = await deposit_cii(chorus_client, tenant, provider_id, number="F-OTHER-1", **_to(NO_PARAMS))
    other_id = response.json()["id"]
    assert await advance(pipeline, tenant.id, other_id) == "deposited"
    sandbox.control("POST", "clock/advance", {"seconds": 5})
    done = await track(pipeline, tenant.id, [other_id])
    assert done.changed == 2, done
    awake = await _invoice(chorus_client, tenant, invoice_id)
    assert awake["status"] == "deposited" and awake["chorus"]["invoice_id"]


async def test_a_status_pdp_does_not_know_is_kept_shown_and_raised_once(
    chorus_client: Any,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    later: Later,
    owner_engine: AsyncEngine,
) -> None:
    invoice_id, _ = await _deposited(chorus_client, tenant, pipeline)
    sandbox.control("POST", "clock/advance", {"seconds": 5})
    await advance(pipeline, tenant.id, invoice_id)
    deposited = await _invoice(chorus_client, tenant, invoice_id)
    assert deposited["status"] == "deposited"
    chorus_id = deposited["chorus"]["invoice_id"]
    sandbox.control("POST", f"invoices/{chorus_id}/force", {"statut": "EN_COURS_DE_QUELQUE_CHOSE"})
    for _ in range(2):
        later.offset += timedelta(seconds=5)
        await advance(pipeline, tenant.id, invoice_id)
    shown = await _invoice(chorus_client, tenant, invoice_id)
    assert (shown["status"], shown["chorus"]["status"]) == ("deposited", "EN_COURS_DE_QUELQUE_CHOSE")
    assert [(kind, detail["state"]) for kind, detail in await _cases(owner_engine, invoice_id)] == [
        ("chorus_state_unknown", "EN_COURS_DE_QUELQUE_CHOSE")
    ]
    later.offset += pipeline.stall_after["deposited"]  # its age still counts: nothing waits forever
    assert await advance(pipeline, tenant.id, invoice_id) == "stalled"


async def test_a_subcontractor_invoice_goes_through_its_validator(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    invoice_id = await plain_pdf(chorus_client, tenant, billing_frame="A9", validator_siret=SUPPLIER)
    assert await advance(pipeline, tenant.id, invoice_id) == "submitted"
    waiting = await _invoice(chorus_client, tenant, invoice_id)
    assert (waiting["status"], waiting["chorus"]["status"], waiting["cdar_code"]) == (
        "awaiting_validation",
        "A_VALIDER_1",
        "200",
    )
    sandbox.control("POST", "clock/advance", {"days": 3})  # validated, then on to the buyer
    await advance(pipeline, tenant.id, invoice_id)
    assert (await _invoice(chorus_client, tenant, invoice_id))["status"] == "delivered"
    assert await _statuses(chorus_client, tenant, invoice_id) == [
        "submitted",
        "awaiting_validation",
        "deposited",
        "delivered",
    ]


async def test_a_validator_is_refused_beside_a_flux_and_required_for_a9(
    chorus_client: Any, tenant: TenantFixture
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    beside = await chorus_client.post(
        "/v1/invoices",
        files={"file": ("facture.xml", cii_invoice(**_to(NO_PARAMS)), "application/xml")},
        data={"metadata": json.dumps({"provider_id": provider["id"], "validator_siret": SUPPLIER})},
        headers=tenant.headers,
    )
    assert beside.status_code == 422
    assert "PDP-VALIDATOR-NOT-IN-FILE" in {error["rule"] for error in beside.json()["errors"]}
    missing = await chorus_client.post(
        "/v1/invoices",
        files={"file": ("facture.pdf", simple_pdf(), "application/pdf")},
        data={"metadata": json.dumps({**json_invoice(provider["id"], **_to(NO_PARAMS)), "billing_frame": "A12"})},
        headers=tenant.headers,
    )
    assert missing.status_code == 422
    [required] = [error for error in missing.json()["errors"] if error["rule"] == "CHORUS-VALIDATOR-REQUIRED"]
    assert "validator_siret" in required["message"]


async def test_tracking_in_bulk_reads_one_feed_and_the_history_only_of_what_changed(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    ids = []
    for n in range(5):
        response = await deposit_cii(chorus_client, tenant, provider["id"], number=f"F-BULK-{n}", **_to(NO_PARAMS))
        ids.append(response.json()["id"])
        assert await advance(pipeline, tenant.id, ids[-1]) == "deposited"
    sandbox.control("POST", "clock/advance", {"seconds": 5})  # integrated: DEPOSEE

    def calls() -> dict[str, int]:
        return dict(sandbox.control("GET", "ledger/summary")["by_path"])

    before = calls()
    done = await track(pipeline, tenant.id, ids)
    after = calls()
    spent = {path: after.get(path, 0) - before.get(path, 0) for path in after if after[path] != before.get(path, 0)}
    assert done.changed == 5 and done.histories == 0
    assert spent == {"/cpro/factures/v1/rechercher/fournisseur": 1}, spent
    assert {(await _invoice(chorus_client, tenant, i))["status"] for i in ids} == {"deposited"}

    sandbox.control("POST", "clock/advance", {"minutes": 10})  # MISE_A_DISPOSITION for all five
    before = calls()
    done = await track(pipeline, tenant.id, ids)
    after = calls()
    spent = {path: after.get(path, 0) - before.get(path, 0) for path in after if after[path] != before.get(path, 0)}
    assert spent == {"/cpro/factures/v1/rechercher/fournisseur": 1, "/cpro/factures/v1/consulter/historique": 5}
    assert {(await _invoice(chorus_client, tenant, i))["status"] for i in ids} == {"delivered"}

    before = calls()
    done = await track(pipeline, tenant.id, ids)  # nothing new: one feed, no history
    assert done.changed == 0
    after = calls()
    assert after["/cpro/factures/v1/rechercher/fournisseur"] == before["/cpro/factures/v1/rechercher/fournisseur"] + 1
    assert after["/cpro/factures/v1/consulter/historique"] == before["/cpro/factures/v1/consulter/historique"]


async def test_a_reconciled_deposit_is_followed_though_the_feed_has_moved_past_its_statuses(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    response = await deposit_cii(chorus_client, tenant, provider["id"], number="F-LOST-ANSWER", **_to(NO_PARAMS))
    reconciled = response.json()["id"]
    sandbox.control("POST", "faults", {"kind": "drop_after", "path_prefix": DEFLUX, "count": 1})
    assert await advance(pipeline, tenant.id, reconciled) == "ambiguous"
    sandbox.control("POST", "clock/advance", {"minutes": 1})
    assert await advance(pipeline, tenant.id, reconciled) == "reconciled"
    sandbox.control("POST", "clock/advance", {"days": 20})  # Chorus takes it to payment meanwhile
    # Another invoice of the same account is deposited and followed: the feeds cover the account past all that.
    response = await deposit_cii(chorus_client, tenant, provider["id"], number="F-AHEAD", **_to(NO_PARAMS))
    ahead = response.json()["id"]
    assert await advance(pipeline, tenant.id, ahead) == "deposited"
    for _ in range(12):
        sandbox.control("POST", "clock/advance", {"days": 1})
        await track(pipeline, tenant.id, [ahead])
        if (await _invoice(chorus_client, tenant, ahead))["status"] == "payment_sent":
            break
    assert (await _invoice(chorus_client, tenant, ahead))["status"] == "payment_sent"
    # Together in one round: the feed starts where the second is covered, after every status of the first.
    done = await track(pipeline, tenant.id, [reconciled, ahead])
    assert done.histories == 1
    assert (await _invoice(chorus_client, tenant, reconciled))["status"] == "payment_sent"


async def test_a_suspended_invoice_nobody_polls_stalls_at_its_limit(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox, later: Later
) -> None:
    invoice_id, _ = await _deposited(chorus_client, tenant, pipeline)
    sandbox.control("POST", "clock/advance", {"minutes": 10})
    await advance(pipeline, tenant.id, invoice_id)
    chorus_id = (await _invoice(chorus_client, tenant, invoice_id))["chorus"]["invoice_id"]
    sandbox.control("POST", f"invoices/{chorus_id}/status", {"statut": "SUSPENDUE", "commentaire": "BL manquant"})
    later.offset += timedelta(seconds=5)
    await advance(pipeline, tenant.id, invoice_id)
    assert (await _invoice(chorus_client, tenant, invoice_id))["status"] == "suspended"
    later.offset += pipeline.stall_after["suspended"]
    assert await advance(pipeline, tenant.id, invoice_id) == "stalled"


async def test_an_invoice_no_chorus_here_serves_says_why_and_waits(
    chorus_client: Any, tenant: TenantFixture, pipeline: Pipeline, owner_engine: AsyncEngine
) -> None:
    invoice_id, _ = await _deposited(chorus_client, tenant, pipeline)
    done = await track(replace(pipeline, gateway=None), tenant.id, [invoice_id])
    assert done.feeds == 0 and done.changed == 0
    waiting = await _invoice(chorus_client, tenant, invoice_id)
    assert waiting["status"] == "submitted" and waiting["last_error"].startswith("chorus_not_configured")
    async with owner_engine.connect() as conn:
        wait = await conn.scalar(text("SELECT next_check_at - now() FROM invoices WHERE id = :id"), {"id": invoice_id})
    assert timedelta(minutes=4) < wait <= timedelta(minutes=5)
