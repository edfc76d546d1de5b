"""The emulator with a state directory: a restart keeps every flux and invoice, their lifecycles go on, and no
id is ever handed out twice — not after a crash, a corrupt state file, or no state file at all."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pdp.connectors.chorus_pro.errors import ChorusRejected
from pdp.connectors.chorus_pro.sandbox import ids
from pdp.connectors.chorus_pro.sandbox.persistence import FLUSH_INTERVAL
from pdp.connectors.chorus_pro.sandbox.store import IDS, JOURNAL, SNAPSHOT
from tests.sandbox import harness as h
from tests.sandbox.flows import deposit_and_integrate, invoice_id

DELAYS = {"reception_delay": 1.0, "integration_delay": 2.0}


@pytest.fixture
def running() -> Iterator[list[h.RunningSandbox]]:
    """Emulators a test starts; stopped at the end whatever happened."""
    started: list[h.RunningSandbox] = []
    yield started
    for one in started:
        one.stop()


def _start(running: list[h.RunningSandbox], state_dir: Path) -> h.RunningSandbox:
    sandbox = h.start_sandbox(state_dir=state_dir, **DELAYS)
    running.append(sandbox)
    return sandbox


def _damage(path: Path, data: bytes, *, append: bool = False) -> None:
    """What a crash mid-write, a full disk or a stray editor leaves."""
    with path.open("ab" if append else "wb") as damaged:
        damaged.write(data)


async def _statuses(sandbox: h.RunningSandbox, http: httpx.AsyncClient, invoice: int) -> list[str]:
    history = await sandbox.client(http).invoice_history(sandbox.account(), invoice)
    return [entry.histo_statut_code or "" for entry in reversed(history.statuses)]


async def _status_ids(sandbox: h.RunningSandbox, http: httpx.AsyncClient, invoice: int) -> set[int]:
    history = await sandbox.client(http).invoice_history(sandbox.account(), invoice)
    return {entry.histo_statut_id for entry in history.statuses if entry.histo_statut_id is not None}


async def test_a_restart_keeps_invoices_their_lifecycle_and_never_reuses_an_id(
    tmp_path: Path, running: list[h.RunningSandbox], http: httpx.AsyncClient
) -> None:
    first = _start(running, tmp_path)
    client, account = first.client(http), first.account()
    delivered_flux, _ = await deposit_and_integrate(first, client, account, h.ubl("F-KEEP-1"))
    delivered = await invoice_id(client, account, delivered_flux)
    first.control("POST", "clock/advance", {"minutes": 6})
    assert await _statuses(first, http, delivered) == ["DEPOSEE", "MISE_A_DISPOSITION"]
    suspended_flux, _ = await deposit_and_integrate(first, client, account, h.ubl("F-KEEP-2", recipient=h.SUSPEND))
    suspended = await invoice_id(client, account, suspended_flux)
    in_flight = await client.deposit_flux(account, h.deposit_request(h.ubl("F-KEEP-3")))  # not integrated yet
    assert in_flight.numero_flux_depot
    before_ids = {delivered, suspended}
    before_fluxes = {delivered_flux, suspended_flux, in_flight.numero_flux_depot}
    before_statuses = await _status_ids(first, http, delivered) | await _status_ids(first, http, suspended)
    ledger_before = first.control("GET", "ledger")
    clock_before = first.control("GET", "clock")["now"]
    first.stop()

    second = _start(running, tmp_path)
    client, account = second.client(http), second.account()  # a new PISTE token: tokens are not kept
    assert second.control("GET", "clock")["now"] >= clock_before  # the virtual clock never goes back
    # Known, with their statuses, through the Chorus API itself (before: GDP_MSG_11.008 "inconnue").
    assert (await client.get_supplier_invoice(account, delivered)).facture.statut_facture == "MISE_A_DISPOSITION"
    assert await _statuses(second, http, suspended) == ["DEPOSEE"]
    assert (await client.flux_report(account, in_flight.numero_flux_depot)).etat_courant_depot_flux == "IN_RECU"
    # The lifecycles go on: the flux in flight integrates, the scheduled statuses arrive.
    second.control("POST", "clock/advance", {"seconds": 10})
    assert (await client.flux_report(account, in_flight.numero_flux_depot)).etat_courant_depot_flux == "IN_INTEGRE"
    later = await invoice_id(client, account, in_flight.numero_flux_depot)
    second.control("POST", "clock/advance", {"days": 2})
    assert await _statuses(second, http, delivered) == ["DEPOSEE", "MISE_A_DISPOSITION", "SERVICE_FAIT"]
    assert await _statuses(second, http, suspended) == ["DEPOSEE", "MISE_A_DISPOSITION", "SUSPENDUE"]
    # Invoice numbers are still taken: depositing F-KEEP-1 again is a duplicate.
    _, report = await deposit_and_integrate(second, client, account, h.ubl("F-KEEP-1"))
    assert report.etat_courant_depot_flux == "IN_REJETE"
    # New deposits get ids never seen before (statuses included), in the shapes Chorus uses.
    fresh_flux, _ = await deposit_and_integrate(second, client, account, h.ubl("F-KEEP-4"))
    fresh = await invoice_id(client, account, fresh_flux)
    assert fresh_flux not in before_fluxes and len(fresh_flux) == 25 and fresh_flux.startswith("CPP001")
    assert later not in before_ids and fresh not in before_ids and fresh > max(before_ids)
    assert not (await _status_ids(second, http, fresh) | await _status_ids(second, http, later)) & before_statuses
    # The ledger goes on too: the first run's requests are still there, numbered before the new ones.
    ledger_after = second.control("GET", "ledger")
    assert ledger_after[: len(ledger_before)] == ledger_before
    assert second.control("GET", "ledger/summary")["duplicate_deposits"]  # F-KEEP-1, across the restart


async def test_what_was_written_before_a_crash_is_restored(
    tmp_path: Path, running: list[h.RunningSandbox], http: httpx.AsyncClient
) -> None:
    """No clean shutdown: a copy of the directory taken while the emulator runs is what a crash leaves."""
    first = _start(running, tmp_path / "live")
    client, account = first.client(http), first.account()
    flux, _ = await deposit_and_integrate(first, client, account, h.ubl("F-CRASH-1"))
    known = await invoice_id(client, account, flux)
    await asyncio.sleep(3 * FLUSH_INTERVAL)  # the journal is written every FLUSH_INTERVAL
    shutil.copytree(tmp_path / "live", tmp_path / "crashed")

    second = _start(running, tmp_path / "crashed")
    client, account = second.client(http), second.account()
    assert (await client.get_supplier_invoice(account, known)).facture.numero_facture == "F-CRASH-1"
    # Both emulators now hand out ids: the copy starts past what the live one had reserved, so they never meet.
    live_flux, _ = await deposit_and_integrate(first, first.client(http), first.account(), h.ubl("F-CRASH-2"))
    copy_flux, _ = await deposit_and_integrate(second, client, account, h.ubl("F-CRASH-3"))
    assert len({flux, live_flux, copy_flux}) == 3


async def test_a_corrupt_state_file_is_reported_and_set_aside_and_ids_still_move_on(
    tmp_path: Path, running: list[h.RunningSandbox], http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    first = _start(running, tmp_path)
    client, account = first.client(http), first.account()
    flux, _ = await deposit_and_integrate(first, client, account, h.ubl("F-BAD-1"))
    known = await invoice_id(client, account, flux)
    first.stop()
    _damage(tmp_path / SNAPSHOT, b'{"version": 1, "journal_seq": 3, "records": [{"type": "flux", "numb')
    (tmp_path / IDS).unlink()  # and the reservations lost too: the wall clock's floor still keeps ids apart

    with caplog.at_level(logging.WARNING):
        second = _start(running, tmp_path)
    assert any("unreadable" in record.getMessage() for record in caplog.records)
    assert any(name.startswith(f"{SNAPSHOT}.corrupt-") for name in os.listdir(tmp_path))
    client, account = second.client(http), second.account()
    with pytest.raises(ChorusRejected):  # a fresh state: the old invoice is gone
        await client.get_supplier_invoice(account, known)
    fresh_flux, _ = await deposit_and_integrate(second, client, account, h.ubl("F-BAD-1"))  # not a duplicate now
    assert fresh_flux != flux and await invoice_id(client, account, fresh_flux) > known


async def test_a_torn_journal_line_is_ignored(
    tmp_path: Path, running: list[h.RunningSandbox], http: httpx.AsyncClient
) -> None:
    first = _start(running, tmp_path / "live")
    client, account = first.client(http), first.account()
    flux, _ = await deposit_and_integrate(first, client, account, h.ubl("F-TORN-1"))
    known = await invoice_id(client, account, flux)
    await asyncio.sleep(3 * FLUSH_INTERVAL)  # the journal is written every FLUSH_INTERVAL
    shutil.copytree(tmp_path / "live", tmp_path / "torn")
    _damage(tmp_path / "torn" / JOURNAL, b'{"seq": 999, "records": [{"type": "invoice", "id": ', append=True)

    second = _start(running, tmp_path / "torn")
    client, account = second.client(http), second.account()
    assert (await client.get_supplier_invoice(account, known)).facture.numero_facture == "F-TORN-1"


def test_ids_are_reserved_before_they_are_handed_out_and_floored_on_the_wall_clock() -> None:
    written: list[ids.Reservations] = []
    now = 1_780_000_000.0
    sequences = ids.IdSequences(on_reserve=written.append, clock=lambda: now)
    first = sequences.next("invoice")
    assert first == ids.floor("invoice", now)
    assert written == [sequences.reserved()] and written[0]["invoice"] > first
    assert [sequences.next("invoice") for _ in range(3)] == [first + 1, first + 2, first + 3]
    # A later run, told what was reserved, starts past it even if its clock says otherwise.
    later = ids.IdSequences(written[-1], clock=lambda: now - 3600)
    assert later.next("invoice") == written[-1]["invoice"]
    # Without any reservation, one second later is 100 invoice ids later.
    assert ids.IdSequences(clock=lambda: now + 1).next("invoice") == first + 100
    assert len(f"{ids.IdSequences().next('flux'):019d}") == 19
