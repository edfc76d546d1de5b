"""Worker processes SIGKILLed at random instants while deposits are in flight: nothing lost, nothing sent twice."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.tenants.archive.store import Archive
from tests.faults.checker import check, settle
from tests.faults.flows import Party, deposit
from tests.faults.stack import Workers, wait_up
from tests.invoices.report import SUMMARY
from tests.sandbox.harness import RunningSandbox

pytestmark = pytest.mark.slow

DEFLUX = "/cpro/factures/v1/deposer/flux"
KILLS = 30
PER_CYCLE = 3


async def _in_flight(owner: AsyncEngine, tenant_id: str) -> int:
    """Deposit attempts recorded and not yet answered (or answered to a process that died)."""
    async with owner.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT count(*) FROM invoices WHERE tenant_id = :t AND status = 'queued'"
                " AND submit_started_at IS NOT NULL"
            ),
            {"t": tenant_id},
        )
        return int(found.scalar_one())


async def test_workers_killed_at_random_instants_lose_nothing_and_deposit_once(
    fault_api: Any,
    party: Party,
    emulator: RunningSandbox,
    workers: Workers,
    redis: Any,
    fault_owner_engine: AsyncEngine,
    fault_archive: Archive,
) -> None:
    # Every deposit call takes 0.6 s at the emulator: kills land between "attempt recorded" and "flux number
    # recorded" (the emulator still processes a request whose client died, as Chorus would).
    emulator.control("POST", "faults", {"kind": "latency", "path_prefix": DEFLUX, "latency_ms": 600})
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for name in ("a", "b"):
        workers.start(name)
    landed, began = 0, time.monotonic()
    for cycle in range(KILLS):
        for _ in range(PER_CYCLE):
            assert (await deposit(fault_api, party)).acknowledged
        victim = "ab"[cycle % 2]
        await wait_up(redis, workers.running[victim], within=30)
        await asyncio.sleep(rng.uniform(0.0, 1.2))
        landed += await _in_flight(fault_owner_engine, party.tenant.id) > 0
        workers.kill(victim)
        workers.start(victim)
    assert workers.exited() == {}, workers.log_tail()
    emulator.control("DELETE", "faults")
    killing = time.monotonic() - began
    await settle(fault_owner_engine, emulator, [party], within=90)
    verdict = await check(fault_owner_engine, fault_archive, emulator, [party])
    assert verdict.problems == [], verdict.problems
    assert verdict.invoices == KILLS * PER_CYCLE
    # The kills did land inside deposit calls: some answers were lost after Chorus took the flux (found by
    # number), or the request never reached Chorus (deposited again once the window had passed).
    assert verdict.reconciled + verdict.redeposited >= 1, verdict.summary()
    SUMMARY.append(
        f"faults/worker SIGKILL x{workers.kills} in {killing:.0f} s (seed {seed}, {landed} with attempts in flight),"
        f" settled {time.monotonic() - began - killing:.0f} s later: {verdict.summary()}"
    )
