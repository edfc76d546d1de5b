"""A stalled invoice re-driven from the console moves: the re-drive makes it due at once, the sweep claims it, and
its next step reads where Chorus Pro has taken it since."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.cli import staff_tasks
from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.deposits.pipeline import Pipeline, advance
from pdp.tenants.deposits.repository import claim_due
from pdp.tenants.staff import actions, grants
from tests.conftest import TenantFixture
from tests.pipeline.test_chorus_states import Later, _deposited, _invoice, later  # noqa: F401 - later: a fixture
from tests.sandbox.harness import RunningSandbox


async def test_a_stalled_invoice_redriven_by_support_moves_when_chorus_has_moved_it(
    chorus_client: Any,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    later: Later,  # noqa: F811 - the fixture imported above
    owner_engine: AsyncEngine,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    invoice_id, flux = await _deposited(chorus_client, tenant, pipeline)
    sandbox.control("POST", f"fluxes/{flux}/state", {"etat": "IN_EN_ATTENTE_RETRAITEMENT_CPP"})
    later.offset += timedelta(seconds=5)
    await advance(pipeline, tenant.id, invoice_id)
    later.offset += pipeline.stall_after["submitted"]
    sandbox.control("POST", "clock/advance", {"seconds": pipeline.stall_after["submitted"].total_seconds()})
    assert await advance(pipeline, tenant.id, invoice_id) == "stalled"
    # Chorus takes the flux again; nobody polls a stalled invoice, until support re-drives it.
    sandbox.control("POST", f"fluxes/{flux}/state", {"etat": "IN_EN_COURS_TRAITEMENT_CPP", "reprendre": True})
    sandbox.control("POST", "clock/advance", {"seconds": 5})
    made = await staff_tasks.create_staff(settings, "redrive@support.example", "Lou", "support")
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        member = await grants.staff_member(session, made["staff_id"])
        grant = await grants.open_grant(session, member, grants.Purpose("Facture bloquée", "SUP-3"))
    later.offset = timedelta()  # pdp's clock back on the database's, which the sweep reads
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        await actions.redrive(session, grants.caller_of(grant), invoice_id)
    async with unit_of_work(sessionmaker) as session:
        claimed = await claim_due(session, 100, 60)
    assert invoice_id in {due.invoice_id for due in claimed}
    await advance(pipeline, tenant.id, invoice_id)
    moved = await _invoice(chorus_client, tenant, invoice_id)
    assert moved["status"] == "deposited" and moved["chorus"]["invoice_id"], moved
    async with owner_engine.connect() as conn:
        acted = await conn.scalar(
            text("SELECT actor_id FROM audit_events WHERE target_id = :i AND action = 'invoice.redriven'"),
            {"i": invoice_id},
        )
    assert acted == made["staff_id"]
