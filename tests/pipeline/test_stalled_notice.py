"""A stalled invoice is told, not only recorded: its event, its staff case and the provider's e-mail, which says
since when and in which state Chorus Pro left it (issue 13 §3: "an event, a webhook, an e-mail to the provider,
and an entry in a staff queue")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.settings import Settings
from pdp.tenants.deposits.pipeline import Pipeline, advance
from tests.conftest import TenantFixture
from tests.mail import CaughtMail, run_staged
from tests.pipeline.test_chorus_states import Later, _cases, _deposited, later  # noqa: F401 (later: a fixture)
from tests.sandbox.harness import RunningSandbox

STATUS_EMAIL = "notifications.invoice_status"
LEFT_IN = "IN_EN_ATTENTE_RETRAITEMENT_CPP"


async def test_a_stalled_invoice_tells_its_provider_since_when_and_where_chorus_left_it(
    chorus_client: Any,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    later: Later,  # noqa: F811
    chorus_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
) -> None:
    invoice_id, flux = await _deposited(chorus_client, tenant, pipeline)
    sandbox.control("POST", f"fluxes/{flux}/state", {"etat": LEFT_IN})
    later.offset += timedelta(seconds=5)
    await advance(pipeline, tenant.id, invoice_id)
    later.offset += pipeline.stall_after["submitted"]
    sandbox.control("POST", "clock/advance", {"seconds": pipeline.stall_after["submitted"].total_seconds()})
    assert await advance(pipeline, tenant.id, invoice_id) == "stalled"

    events = (await chorus_client.get(f"/v1/invoices/{invoice_id}/events", headers=tenant.headers)).json()["data"]
    [stalled] = [e for e in events if e["type"] == "invoice.status_changed" and e["data"]["status"] == "stalled"]
    [(kind, case)] = await _cases(owner_engine, invoice_id)
    assert kind == "invoice_stalled" and case["since"] == stalled["data"]["since"]

    ctx = mailbox.job_context(sessionmaker, mailbox.sending(chorus_settings))
    assert "sent" in await run_staged(ctx, owner_engine, tenant.id, STATUS_EMAIL)
    invoice = (await chorus_client.get(f"/v1/invoices/{invoice_id}", headers=tenant.headers)).json()
    provider = (await chorus_client.get(f"/v1/providers/{invoice['provider_id']}", headers=tenant.headers)).json()
    [told] = [m for m in mailbox.messages if m["To"] == provider["email"] and "sans nouvelles" in m["Subject"]]
    body = " ".join(told.get_content().split())
    assert "le support est prévenu" in body and invoice_id in body
    # The day the invoice last moved, in France and written as the e-mail's other dates, and Chorus's state.
    day = datetime.fromisoformat(case["since"]).astimezone(ZoneInfo("Europe/Paris"))
    assert f"Dernier changement d'état : {day:%d/%m/%Y} ({LEFT_IN})." in body
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body)  # no ISO date left in a French e-mail
