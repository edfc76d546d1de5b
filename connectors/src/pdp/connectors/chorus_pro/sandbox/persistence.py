"""The emulator's state kept in a directory across restarts (``pdp sandbox --state-dir``; ``pdp dev`` uses
``.pdp/chorus-sandbox``), because pdp keeps its own: an invoice pdp still follows must stay known to Chorus.

On start (:meth:`Persistence.load`): the snapshot and the journal lines written after it are read back, the
flux integrations and buyer statuses still due are scheduled again on the virtual clock (which resumes where it
stopped), and a fresh snapshot replaces both files. While serving, every :data:`FLUSH_INTERVAL`: only what
changed is encoded, on the event loop (so the cost follows the traffic, not the size of the state), and a thread
appends it to the journal and fsyncs; once the journal outgrows the snapshot, a new snapshot replaces both. On
shutdown (ASGI lifespan): a last write. A crash (``kill -9``, power loss) loses at most the last interval's
changes, never an id: ids are reserved durably before they are handed out (:mod:`.ids`).

PISTE tokens, faults and settings are not kept: they are the session's, not Chorus's (a client asks for a new
token on a 401, as with PISTE; settings come from the command line).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

import msgspec

from pdp.connectors.chorus_pro.sandbox.ids import IdSequences
from pdp.connectors.chorus_pro.sandbox.ledger import MAX_ENTRIES
from pdp.connectors.chorus_pro.sandbox.records import (
    Batch,
    ClockRecord,
    Record,
    Snapshot,
    attachment_record,
    directory_record,
    flux_record,
    invoice_record,
    restore,
    whole_state,
)
from pdp.connectors.chorus_pro.sandbox.state import Changes, SandboxState
from pdp.connectors.chorus_pro.sandbox.store import SNAPSHOT, StateFiles, encode_lines

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 0.25  # real seconds: what a crash may lose, and how often a busy emulator writes
COMPACT_MIN_BYTES = 16 * 1024 * 1024  # a smaller journal is never worth a new snapshot

_encoder = msgspec.json.Encoder()


class Persistence:
    def __init__(self, state: SandboxState, directory: Path) -> None:
        self.state = state
        self.files = StateFiles(directory)
        self._journal_seq = 0
        self._snapshot_bytes = 0
        self._ledger_seq = 0
        self._ledger_lines = 0  # in the file
        self._compact_next = False
        self._stopping: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    # -- start-up (before serving) --------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the directory back into the state (a fresh one if it cannot be read), then snapshot it."""
        files, state = self.files, self.state
        state.ids = IdSequences(files.read_reservations(), on_reserve=files.write_reservations)
        snapshot = files.read_snapshot()
        records: list[Record] = list(snapshot.records) if snapshot else []
        self._journal_seq = snapshot.journal_seq if snapshot else 0
        for batch in files.read_journal(self._journal_seq):
            records.extend(batch.records)
            self._journal_seq = batch.seq
        try:
            restore(state, records)
        except Exception:  # a bug or a hand-edited file must not keep the emulator from starting
            log.exception("chorus sandbox: the state in %s could not be restored; starting afresh", files.directory)
            state.reset()
        entries = files.load_ledger(MAX_ENTRIES)
        state.ledger.restore(entries)
        self._ledger_seq = entries[-1].seq if entries else 0
        self._ledger_lines = len(entries)
        state.changes = Changes(enabled=True)
        self._write_snapshot(self._encode_snapshot())
        log.info(
            "chorus sandbox: %d flux and %d invoices restored from %s",
            len(state.fluxes),
            len(state.invoices),
            files.directory / SNAPSHOT,
        )

    # -- while serving --------------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping = asyncio.Event()
        self._task = asyncio.create_task(self._run(self._stopping))

    async def stop(self) -> None:
        if self._stopping is None or self._task is None:
            return
        self._stopping.set()
        await self._task  # its last round writes everything, the clock included

    async def _run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), FLUSH_INTERVAL)
            try:
                await self.flush(final=stopping.is_set())
            except OSError:
                log.exception("chorus sandbox: could not write the state; the next write is a whole snapshot")
                self._compact_next = True

    async def flush(self, *, final: bool = False) -> None:
        """Encode what changed now (on the loop, so the state cannot move underneath), write it in a thread."""
        writes = self._pending_writes(final=final)
        if writes:
            await asyncio.to_thread(_run_in_order, writes)

    def _pending_writes(self, *, final: bool) -> list[Callable[[], None]]:
        state, files = self.state, self.files
        changes, state.changes = state.changes, Changes(enabled=True)
        writes: list[Callable[[], None]] = []
        writes.extend(self._ledger_writes(rewrite=changes.reset))
        journal_too_long = files.journal_bytes > max(COMPACT_MIN_BYTES, 2 * self._snapshot_bytes)
        if changes.reset or self._compact_next or journal_too_long:
            self._compact_next = False
            writes.append(partial(self._write_snapshot, self._encode_snapshot()))
        elif final or changes.fluxes or changes.invoices or changes.attachments or changes.directory:
            self._journal_seq += 1
            batch = Batch(seq=self._journal_seq, records=self._changed(changes))
            writes.append(partial(files.append_journal, _encoder.encode(batch) + b"\n"))
        return writes

    def _ledger_writes(self, *, rewrite: bool) -> list[Callable[[], None]]:
        """New entries appended; the whole ledger rewritten after a reset, or once the file holds twice what the
        ledger keeps (so a long session's file stays bounded, rewritten once every MAX_ENTRIES requests)."""
        ledger, files = self.state.ledger, self.files
        entries = ledger.newer_than(self._ledger_seq)
        if entries:
            self._ledger_seq = entries[-1].seq
        self._ledger_lines += len(entries)
        if rewrite or self._ledger_lines > 2 * MAX_ENTRIES:
            kept = ledger.newer_than(0)
            self._ledger_lines = len(kept)
            return [partial(files.rewrite_ledger, encode_lines(kept))]
        return [partial(files.append_ledger, encode_lines(entries))] if entries else []

    def _changed(self, changes: Changes) -> list[Record]:
        state = self.state
        records: list[Record] = [ClockRecord(now=state.clock.timestamp())]
        if changes.directory:
            records.append(directory_record(state))
        records.extend(flux_record(state.fluxes[key]) for key in changes.fluxes if key in state.fluxes)
        records.extend(invoice_record(state.invoices[key]) for key in changes.invoices if key in state.invoices)
        records.extend(
            attachment_record(state.attachments[key]) for key in changes.attachments if key in state.attachments
        )
        return records

    def _encode_snapshot(self) -> bytes:
        return _encoder.encode(Snapshot(journal_seq=self._journal_seq, records=whole_state(self.state)))

    def _write_snapshot(self, data: bytes) -> None:
        self.files.write_snapshot(data)
        self._snapshot_bytes = len(data)


def _run_in_order(writes: list[Callable[[], None]]) -> None:
    for write in writes:
        write()
