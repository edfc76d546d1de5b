"""Every state Chorus Pro can leave a flux in, and a status pdp has never heard of: no invoice is left polling.

Real workers, the emulator forcing each flux state on one deposit (``POST /_sandbox/fluxes/{n}/state``) and an
invented status on an integrated invoice, pdp's stall limits shortened to seconds. In the end every invoice is
final (rejected, failed) or ``stalled`` with a staff case, and none has a next check: nothing is polled forever.
"""

from __future__ import annotations

import collections
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.connectors.chorus_pro.states import FLUX_STATES
from pdp.platform.settings import Settings
from pdp.web.app import create_app
from tests.faults.checker import ledger_deposits
from tests.faults.flows import Party, deposit, eventually
from tests.faults.stack import Workers, wait_up
from tests.invoices.report import SUMMARY
from tests.sandbox.harness import RunningSandbox

pytestmark = pytest.mark.slow

# The states a flux can be left in short of its invoices being created.
LEFT_IN = sorted(set(FLUX_STATES) - {"IN_INTEGRE", "IN_INTEGRE_PARTIEL"})
INVENTED = "EN_ATTENTE_DE_QUELQUE_CHOSE"  # a status Chorus may add tomorrow
# A deposit's flux gets longer, time for the test to force its state; what Chorus holds waits 6 s.
STALL_AFTER = "submitted=15s," + ",".join(
    f"{status}=6s" for status in ("awaiting_validation", "deposited", "delivered", "in_process")
)
ENDED = {"rejected", "failed", "stalled"}


async def _rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list(await conn.execute(text(sql), params))


async def test_no_flux_state_nor_unknown_status_leaves_an_invoice_polling(
    party: Party,
    emulator: RunningSandbox,
    fault_settings: Settings,
    fault_owner_engine: AsyncEngine,
    redis: Any,
    tmp_path: Path,
) -> None:
    settings = replace(fault_settings, stalled_after=STALL_AFTER)
    emulator.control("POST", "settings", {"integration_delay": 3600})  # fluxes wait to be forced
    async with AsyncTestClient(create_app(settings), timeout=30) as api:
        sent = [await deposit(api, party) for _ in range(len(LEFT_IN) + 1)]
    assert all(one.acknowledged for one in sent)
    workers = Workers(settings, tmp_path)
    try:
        await wait_up(redis, workers.start("w1"), within=60)
        fluxes = await _fluxes(fault_owner_engine, [str(one.invoice_id) for one in sent])
        forced = dict(zip(LEFT_IN, sent, strict=False))
        for state, one in forced.items():
            emulator.control("POST", f"fluxes/{fluxes[str(one.invoice_id)]}/state", {"etat": state})
        # The last one integrates, then its buyer answers with a status nobody knows.
        invented = sent[-1]
        emulator.control("POST", "settings", {"integration_delay": 0.3})
        resume = {"etat": "IN_RECU", "reprendre": True}
        emulator.control("POST", f"fluxes/{fluxes[str(invented.invoice_id)]}/state", resume)
        chorus_id = await _chorus_id(fault_owner_engine, str(invented.invoice_id))
        emulator.control("POST", f"invoices/{chorus_id}/force", {"statut": INVENTED, "commentaire": "?"})

        ids = [str(one.invoice_id) for one in sent]

        async def polling() -> str:
            rows = await _rows(
                fault_owner_engine,
                "SELECT number, status, chorus_status, next_check_at FROM invoices WHERE id = ANY(:ids)",
                ids=ids,
            )
            left = [r for r in rows if r.status not in ENDED or r.next_check_at is not None]
            return ", ".join(f"{r.number} {r.status}/{r.chorus_status} next {r.next_check_at}" for r in left)

        await eventually(polling, within=120, interval=1.0)
    finally:
        workers.stop_all()

    rows = {
        r.id: r
        for r in await _rows(
            fault_owner_engine, "SELECT id, number, status, chorus_status FROM invoices WHERE id = ANY(:ids)", ids=ids
        )
    }
    outcome = {state: rows[str(one.invoice_id)] for state, one in forced.items()}
    for refused in ("IN_REJETE", "QP_IRRECEVABLE"):
        assert outcome[refused].status == "rejected", outcome[refused]
    waited = set(LEFT_IN) - {"IN_REJETE", "QP_IRRECEVABLE", "IN_INCIDENTE"}
    for state in waited:  # Chorus kept them processing: pdp waited, within the limit, then said so
        assert (outcome[state].status, outcome[state].chorus_status) == ("stalled", state), outcome[state]
    # A lost flux is deposited again, once, and the new flux goes on (to stall later on the buyer's silence).
    lost = outcome["IN_INCIDENTE"]
    assert lost.status == "stalled", lost
    deposits = collections.Counter(entry for entry in _deposited_numbers(emulator))
    assert deposits[lost.number] == 2, deposits
    assert all(deposits[one.number] == 1 for one in sent if one.number != lost.number), deposits
    unknown = rows[str(invented.invoice_id)]
    assert unknown.chorus_status == INVENTED and unknown.status == "stalled"
    cases = await _rows(
        fault_owner_engine,
        "SELECT kind, subject_id, detail FROM staff_cases WHERE subject_id = ANY(:ids) AND resolved_at IS NULL",
        ids=ids,
    )
    kinds = collections.Counter(case.kind for case in cases)
    stalled = [r for r in rows.values() if r.status == "stalled"]
    assert kinds["invoice_stalled"] == len(stalled)
    assert [(c.subject_id, c.detail["state"]) for c in cases if c.kind == "chorus_state_unknown"] == [
        (str(invented.invoice_id), INVENTED)
    ]
    events = await _rows(
        fault_owner_engine,
        "SELECT count(*) AS n FROM events WHERE type = 'invoice.status_changed' AND data->>'status' = 'stalled'"
        " AND subject_id = ANY(:ids)",
        ids=ids,
    )
    assert events[0].n == len(stalled)
    SUMMARY.append(
        f"faults/chorus states: {len(LEFT_IN)} flux states forced + 1 invented status -> "
        f"{dict(collections.Counter(r.status for r in rows.values()))}, none left polling, {len(cases)} staff cases"
    )


def _deposited_numbers(emulator: RunningSandbox) -> list[str]:
    return [number for (_, number), count in ledger_deposits(emulator).items() for _ in range(count) if number]


async def _fluxes(engine: AsyncEngine, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}

    async def missing() -> str:
        rows = await _rows(engine, "SELECT id, chorus_flux_number FROM invoices WHERE id = ANY(:ids)", ids=ids)
        found.update({r.id: r.chorus_flux_number for r in rows if r.chorus_flux_number})
        return f"{len(ids) - len(found)} not deposited yet" if len(found) < len(ids) else ""

    await eventually(missing, within=60)
    return found


async def _chorus_id(engine: AsyncEngine, invoice_id: str) -> int:
    found: list[int] = []

    async def missing() -> str:
        rows = await _rows(engine, "SELECT chorus_invoice_id FROM invoices WHERE id = :id", id=invoice_id)
        found[:] = [r.chorus_invoice_id for r in rows if r.chorus_invoice_id]
        return "" if found else "not integrated yet"

    await eventually(missing, within=60)
    return found[0]
