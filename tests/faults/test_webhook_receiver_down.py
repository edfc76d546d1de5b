"""A platform's webhook receiver down for hours while invoices move, then back: it gets every event, none lost.

Time is compressed: each failed attempt is retried at the workers' next webhook sweep (every 5 s), so three
failures in a row, which the production schedule (30 s, 5 min, 30 min, 2 h…) spreads over two and a half hours,
take about fifteen seconds here. Real ``pdp worker`` processes deliver; the receiver refuses connections until the
test starts it on the same port.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.platform.settings import Settings
from pdp.tenants.archive.store import Archive
from pdp.tenants.webhooks import signature
from tests.faults.checker import check, settle
from tests.faults.flows import Party, deposit, eventually
from tests.faults.stack import Workers, wait_up
from tests.invoices.report import SUMMARY
from tests.sandbox.harness import RunningSandbox
from tests.webhooks.conftest import register
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.slow

FAILURES_WHILE_DOWN = 3


async def _deliveries(owner: AsyncEngine, endpoint_id: str) -> list[Any]:
    async with owner.connect() as conn:
        query = (
            "SELECT d.event_id, d.status, d.attempts, d.consecutive_failures, e.type FROM webhook_deliveries d "
            "JOIN events e ON (e.tenant_id, e.id) = (d.tenant_id, d.event_id) WHERE d.endpoint_id = :endpoint"
        )
        return list((await conn.execute(text(query), {"endpoint": endpoint_id})).all())


async def _events_since(owner: AsyncEngine, tenant_id: str, endpoint_id: str) -> set[str]:
    """Every event of the tenant recorded once the endpoint existed (all of them are subscribed: ``*``)."""
    async with owner.connect() as conn:
        query = (
            "SELECT id FROM events WHERE tenant_id = :tenant AND created_at >= "
            "(SELECT created_at FROM webhook_endpoints WHERE tenant_id = :tenant AND id = :endpoint)"
        )
        rows = await conn.execute(text(query), {"tenant": tenant_id, "endpoint": endpoint_id})
        return {row.id for row in rows}


async def test_a_webhook_receiver_down_for_hours_then_back_gets_every_event(
    fault_api: Any,
    fault_settings: Settings,
    party: Party,
    emulator: RunningSandbox,
    tmp_path: Path,
    fault_owner_engine: AsyncEngine,
    fault_archive: Archive,
    redis: Any,
) -> None:
    settings = replace(fault_settings, webhook_retry_intervals_seconds=",".join(["1"] * 100))
    receiver = Receiver()  # bound but not listening: every connection is refused
    endpoint = await register(fault_api, party.tenant, receiver.url("/pdp"), ["*"])
    workers = Workers(settings, tmp_path)
    try:
        for name in ("a", "b"):
            await wait_up(redis, workers.start(name), within=30)
        for n in range(8):
            assert (await deposit(fault_api, party, syntax="ubl" if n % 2 else "cii")).acknowledged
        await settle(fault_owner_engine, emulator, [party], within=90)

        async def not_failed_enough() -> str:
            rows = await _deliveries(fault_owner_engine, endpoint["id"])
            short = [r for r in rows if r.consecutive_failures < FAILURES_WHILE_DOWN or r.status != "pending"]
            return f"{len(short)} of {len(rows)} deliveries not yet failed {FAILURES_WHILE_DOWN} times" if short else ""

        await eventually(not_failed_enough, within=120)
        assert receiver.requests == []
        await receiver.start()

        async def undelivered() -> str:
            rows = await _deliveries(fault_owner_engine, endpoint["id"])
            left = [r for r in rows if r.status != "delivered"]
            return f"{len(left)} of {len(rows)} deliveries not delivered" if left else ""

        await eventually(undelivered, within=60)
        assert workers.exited() == {}, workers.log_tail()
    finally:
        workers.stop_all()
        await receiver.stop()

    verdict = await check(fault_owner_engine, fault_archive, emulator, [party])
    assert verdict.problems == [], verdict.problems
    rows = await _deliveries(fault_owner_engine, endpoint["id"])
    events = await _events_since(fault_owner_engine, party.tenant.id, endpoint["id"])
    assert len(events) >= 8 * 3  # each invoice: created, then at least submitted and deposited/delivered
    assert sorted(r.event_id for r in rows) == sorted(events)  # one delivery per event, none missing
    assert all(r.attempts > FAILURES_WHILE_DOWN for r in rows)
    received = [request.json()["id"] for request in receiver.requests]
    assert set(received) == events  # every event reached the receiver…
    for request in receiver.requests:  # …signed with the endpoint's secret
        signature.verify(endpoint["secret"], request.headers["pdp-signature"], request.body)
        assert request.path == "/pdp" and request.headers["pdp-event-id"] == request.json()["id"]
    types = sorted({r.type for r in rows})
    SUMMARY.append(
        f"faults/webhook receiver down (>= {FAILURES_WHILE_DOWN} failed attempts each, about 2.5 h of the real "
        f"schedule), then back: {len(events)} events {types}, all delivered, {len(received) - len(events)} "
        f"delivered twice; invoices: {verdict.summary()}"
    )
