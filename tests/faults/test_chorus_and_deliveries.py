"""Chorus Pro answering 429, 500, slowly or not in time; the same job delivered many times; S3 gone during intake."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.connectors.chorus_pro.sandbox.ledger import max_in_window
from pdp.platform import jobs
from pdp.platform.settings import Settings
from pdp.tenants.archive.store import Archive
from pdp.web.app import create_app
from tests.faults.checker import check, settle
from tests.faults.flows import Party, deposit, eventually
from tests.faults.stack import Workers, wait_up
from tests.invoices.report import SUMMARY
from tests.sandbox.harness import RunningSandbox

pytestmark = pytest.mark.slow

DEFLUX = "/cpro/factures/v1/deposer/flux"
RATE = 10.0  # Chorus calls per second pdp allows itself, all workers together


async def _faults_left(emulator: RunningSandbox) -> str:
    left = emulator.control("GET", "faults")
    return f"faults still active: {left}" if left else ""


async def test_chorus_refusing_failing_and_slow_for_a_while_then_all_complete_within_the_rate(
    fault_api: Any,
    party: Party,
    emulator: RunningSandbox,
    fault_settings: Settings,
    tmp_path: Any,
    fault_owner_engine: AsyncEngine,
    fault_archive: Archive,
    redis: Any,
) -> None:
    # Every process with the same rate, as in production (the limiter's buckets refill at the caller's rate).
    limited = replace(fault_settings, chorus_rate_per_second=RATE, chorus_tenant_rate_per_second=RATE)
    slow = Workers(limited, tmp_path)
    async with AsyncTestClient(create_app(limited), timeout=30) as api:
        await _run_chorus_faults(api, party, emulator, slow, redis, fault_owner_engine)
    verdict = await check(fault_owner_engine, fault_archive, emulator, [party])
    assert verdict.problems == [], verdict.problems
    summary = emulator.control("GET", "ledger/summary")
    assert summary["faults_applied"] > 0 and summary["by_status"].get("429") and summary["by_status"].get("500")
    # Every call to PISTE and Chorus takes a token of the shared limiter (evenly spaced). The ledger stamps a call
    # when the emulator, a thread of this busy test process, gets to it, so calls sent evenly can be stamped in
    # bunches: judged over 5 s, no span sees more than the rate, give or take the calls on the window's edges.
    stamps = [entry["at"] for entry in emulator.control("GET", "ledger")]
    assert max_in_window(stamps, window=5.0) <= 5 * RATE + 2, summary
    SUMMARY.append(
        f"faults/chorus 429+500+timeouts+slow: {verdict.summary()}; {summary['faults_applied']} faulty answers,"
        f" max {max_in_window(stamps, window=5.0)} requests in 5 s (at most {summary['max_requests_in_1s']} in 1 s)"
        f" at a configured {RATE:g} calls/s"
    )


async def test_the_same_advance_delivered_many_times_to_several_workers_deposits_once(
    fault_api: Any,
    party: Party,
    emulator: RunningSandbox,
    workers: Workers,
    fault_owner_engine: AsyncEngine,
    fault_archive: Archive,
    redis: Any,
) -> None:
    for _ in range(10):
        assert (await deposit(fault_api, party)).acknowledged
    queue = jobs.ArqQueue(redis)
    copies = [
        jobs.JobRequest(
            "invoices.advance", {"tenant_id": party.tenant.id, "invoice_id": sent.invoice_id}, f"dup:{sent.number}:{n}"
        )
        for sent in party.sent
        for n in range(8)
    ]
    assert all(await asyncio.gather(*(queue.send(job) for job in copies)))
    for name in ("a", "b", "c"):
        workers.start(name)
    await settle(fault_owner_engine, emulator, [party], within=60)
    verdict = await check(fault_owner_engine, fault_archive, emulator, [party])
    assert verdict.problems == [], verdict.problems
    assert verdict.ledger_deposits == 10
    SUMMARY.append(f"faults/duplicate deliveries (8 advance jobs per invoice, 3 workers): {verdict.summary()}")


async def test_s3_unreachable_during_intake_acknowledges_nothing_it_could_not_archive(
    fault_api: Any,
    fault_settings: Settings,
    party: Party,
    emulator: RunningSandbox,
    workers: Workers,
    fault_owner_engine: AsyncEngine,
    fault_archive: Archive,
    redis: Any,
) -> None:
    # tests/integration/test_deposits_api.py proves one refused request writes nothing; here a batch alternates
    # between an API whose S3 is unreachable and one whose S3 works, with a worker draining behind them.
    offline_settings = replace(fault_settings, s3_endpoint="http://127.0.0.1:9")  # nothing listens there
    await wait_up(redis, workers.start("a"), within=30)
    async with AsyncTestClient(create_app(offline_settings), timeout=30) as offline:
        for n in range(12):
            sent = await deposit(offline if n % 2 else fault_api, party)
            assert sent.status == (503 if n % 2 else 201)
    await settle(fault_owner_engine, emulator, [party], within=60)
    verdict = await check(fault_owner_engine, fault_archive, emulator, [party])
    assert verdict.problems == [], verdict.problems
    assert (verdict.invoices, verdict.ledger_deposits) == (6, 6)
    SUMMARY.append(f"faults/S3 unreachable for every other deposit: 6 refused with 503, {verdict.summary()}")


async def _run_chorus_faults(
    api: Any, party: Party, emulator: RunningSandbox, slow: Workers, redis: Any, owner: AsyncEngine
) -> None:
    try:
        for name in ("a", "b"):
            await wait_up(redis, slow.start(name), within=30)
        # First 429 on every call for 3 s; then (a fault consumes its count even while another answers) 500 on
        # two deposits and four deposits answered after pdp's 3 s timeout (ambiguous: reconciled by number
        # before any new deposit), everything slow for 8 s.
        emulator.control("POST", "faults", {"kind": "rate_limit", "path_prefix": "/cpro", "duration_s": 3})
        for _ in range(12):
            assert (await deposit(api, party)).acknowledged
        await eventually(lambda: _faults_left(emulator), within=30, interval=0.2)
        for fault in (
            {"kind": "server_error", "path_prefix": DEFLUX, "count": 2, "status": 500},
            {"kind": "latency", "path_prefix": DEFLUX, "count": 4, "latency_ms": 4000},
            {"kind": "latency", "path_prefix": "/cpro", "duration_s": 8, "latency_ms": 800},
        ):
            emulator.control("POST", "faults", fault)
        for _ in range(12):
            assert (await deposit(api, party)).acknowledged
        await settle(owner, emulator, [party], within=150)
        assert slow.exited() == {}, slow.log_tail()
    finally:
        slow.stop_all()
