"""Providers get an e-mail for each status change that matters to them, sent after the change committed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.settings import Settings
from pdp.tenants.deposits.pipeline import Pipeline, advance
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, seller_provider
from tests.mail import CaughtMail, run_staged
from tests.sandbox.harness import REJECT, RunningSandbox

STATUS_EMAIL = "notifications.invoice_status"


async def test_the_provider_hears_of_reception_delivery_and_the_buyers_rejection(
    chorus_client: Any,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    chorus_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    recipient = {"recipient": {"siret": REJECT, "name": "R", "service_code": None}}
    invoice_id = (await deposit_cii(chorus_client, tenant, provider["id"], **recipient)).json()["id"]
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    for _ in range(6):
        sandbox.control("POST", "clock/advance", {"days": 1})
        await advance(pipeline, tenant.id, invoice_id)
    ctx = mailbox.job_context(sessionmaker, mailbox.sending(chorus_settings))
    assert set(await run_staged(ctx, owner_engine, tenant.id, STATUS_EMAIL)) == {"sent"}
    # The contact of record, and the mandate's signatory: an administrator of the provider on the portal, whose
    # role's defaults include every status e-mail (tests/integration/test_portal_notifications.py).
    assert {message["To"] for message in mailbox.messages} == {provider["email"], "jeanne.dupont@example.fr"}
    to_contact = [message for message in mailbox.messages if message["To"] == provider["email"]]
    subjects = [message["Subject"] for message in to_contact]
    assert any("déposée sur Chorus Pro" in s for s in subjects)
    assert "F-2026-0042" in subjects[-1] and "rejetée" in subjects[-1]
    last = to_contact[-1].get_content()
    assert "Commentaire de l'acheteur" in last and invoice_id in last
    # Each sending is on the invoice's record, which support reads on the console's invoice page.
    async with owner_engine.connect() as conn:
        sent = await conn.execute(
            text("SELECT data FROM audit_events WHERE target_id = :i AND action = 'invoice.email_sent'"),
            {"i": invoice_id},
        )
        records = [row.data for row in sent]
    assert sorted(record["status"] for record in records) == ["delivered", "deposited", "rejected"]
    for record in records:  # the staged jobs may run in any order: each says what it sent, to whom
        assert set(record["to"].split(", ")) == {provider["email"], "jeanne.dupont@example.fr"}

    off = mailbox.job_context(sessionmaker, replace(chorus_settings, smtp_host=""))
    assert set(await run_staged(off, owner_engine, tenant.id, STATUS_EMAIL)) == {"mail off"}
