"""Providers get an e-mail for each status change that matters to them, sent after the change committed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.connectors.mail.catcher import Mailbox, start_catcher
from pdp.platform import jobs
from pdp.platform.settings import Settings
from pdp.tenants.deposits.pipeline import Pipeline, advance
from pdp.workers.registry import JobContext
from pdp.workers.tasks.invoices import email_status
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, seller_provider
from tests.sandbox.harness import REJECT, RunningSandbox, free_port


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    port = free_port()
    controller, box = start_catcher("127.0.0.1", port)
    yield box, port
    controller.stop()


async def _send_staged(
    owner_engine: AsyncEngine, tenant: TenantFixture, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> list[str]:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT payload->>'event_id' FROM outbox WHERE tenant_id = :t "
                "AND job_name = 'notifications.invoice_status' ORDER BY id"
            ),
            {"t": tenant.id},
        )
        event_ids = [row[0] for row in rows]
    ctx = JobContext(settings, sessionmaker, _NoQueue(), "test", 1)
    return [await email_status(ctx, tenant_id=tenant.id, event_id=event_id) for event_id in event_ids]


class _NoQueue:
    async def send(self, job: jobs.JobRequest) -> bool:
        raise AssertionError("sending an e-mail enqueues nothing")


async def test_the_provider_hears_of_reception_delivery_and_the_buyers_rejection(
    chorus_client: Any,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    chorus_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    recipient = {"recipient": {"siret": REJECT, "name": "R", "service_code": None}}
    invoice_id = (await deposit_cii(chorus_client, tenant, provider["id"], **recipient)).json()["id"]
    assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
    for _ in range(6):
        sandbox.control("POST", "clock/advance", {"days": 1})
        await advance(pipeline, tenant.id, invoice_id)
    mail_settings = replace(chorus_settings, smtp_host="127.0.0.1", smtp_port=port)
    assert set(await _send_staged(owner_engine, tenant, mail_settings, sessionmaker)) == {"sent"}
    # The contact of record, and the mandate's signatory: an administrator of the provider on the portal, whose
    # role's defaults include every status e-mail (tests/integration/test_portal_notifications.py).
    assert {message["To"] for message in box.messages} == {provider["email"], "jeanne.dupont@example.fr"}
    to_contact = [message for message in box.messages if message["To"] == provider["email"]]
    subjects = [message["Subject"] for message in to_contact]
    assert any("déposée sur Chorus Pro" in s for s in subjects)
    assert "F-2026-0042" in subjects[-1] and "rejetée" in subjects[-1]
    last = to_contact[-1].get_content()
    assert "Commentaire de l'acheteur" in last and invoice_id in last

    off = replace(chorus_settings, smtp_host="")
    assert set(await _send_staged(owner_engine, tenant, off, sessionmaker)) == {"mail off"}
