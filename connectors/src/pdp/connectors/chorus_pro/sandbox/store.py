"""The files of a state directory, each written so that a crash at any moment leaves something readable.

- ``state.json``: a snapshot, replaced whole (temporary file, fsync, ``os.replace``, fsync of the directory);
- ``journal.jsonl``: one line per write since that snapshot, appended and fsynced; a torn last line is ignored;
- ``ledger.jsonl``: the request ledger, appended the same way (entries never change once written);
- ``ids.json``: how far each id sequence is reserved (:mod:`.ids`), replaced whole before ids are handed out.

A file that cannot be read is reported in the log and set aside (``*.corrupt-<time>``), never a reason not to
start: the emulator then starts afresh, and still past the reserved ids.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path

import msgspec

from pdp.connectors.chorus_pro.sandbox.ids import Reservations
from pdp.connectors.chorus_pro.sandbox.ledger import LedgerEntry
from pdp.connectors.chorus_pro.sandbox.records import Batch, Snapshot

log = logging.getLogger(__name__)

SNAPSHOT = "state.json"
JOURNAL = "journal.jsonl"
LEDGER = "ledger.jsonl"
IDS = "ids.json"

_snapshots = msgspec.json.Decoder(Snapshot)
_batches = msgspec.json.Decoder(Batch)
_ledger_entries = msgspec.json.Decoder(LedgerEntry)
_reservations = msgspec.json.Decoder(dict[str, int])
_encoder = msgspec.json.Encoder()


def encode_lines(entries: list[LedgerEntry]) -> bytes:
    return b"".join(_encoder.encode(entry) + b"\n" for entry in entries)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: readers see the old file or the new one, never half of one."""
    temporary = path.with_name(f"{path.name}.tmp")
    with temporary.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    _sync_directory(path.parent)


def append_durably(path: Path, data: bytes) -> None:
    with path.open("ab") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _sync_directory(directory: Path) -> None:
    """Make a rename durable (POSIX); on systems that cannot open a directory there is nothing to do."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


class StateFiles:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.journal_bytes = 0

    def _path(self, name: str) -> Path:
        return self.directory / name

    def _set_aside(self, name: str, why: str) -> None:
        path = self._path(name)
        aside = path.with_name(f"{name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        log.error("chorus sandbox: %s %s; set aside as %s", path, why, aside.name)
        os.replace(path, aside)

    def read_reservations(self) -> Reservations:
        path = self._path(IDS)
        if not path.exists():
            return {}
        try:
            return _reservations.decode(path.read_bytes())
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            self._set_aside(IDS, f"is unreadable ({exc}): ids start from the wall clock's floor")
            return {}

    def write_reservations(self, reserved: Reservations) -> None:
        write_atomically(self._path(IDS), msgspec.json.encode(reserved))

    def read_snapshot(self) -> Snapshot | None:
        path = self._path(SNAPSHOT)
        if not path.exists():
            return None
        try:
            return _snapshots.decode(path.read_bytes())
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            self._set_aside(SNAPSHOT, f"is unreadable ({exc}): the emulator starts with a fresh state")
            if self._path(JOURNAL).exists():
                # It holds only what changed after the snapshot: alone, it would be a state with holes.
                self._set_aside(JOURNAL, "only completes the unreadable snapshot")
            return None

    def read_journal(self, after_seq: int) -> list[Batch]:
        """The batches written after the snapshot, up to the first unreadable line (a write a crash cut short)."""
        path = self._path(JOURNAL)
        if not path.exists():
            return []
        batches: list[Batch] = []
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            try:
                batch = _batches.decode(line)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                log.warning("chorus sandbox: %s line %d is unreadable (%s); later lines ignored", path, number, exc)
                break
            if batch.seq > after_seq:
                batches.append(batch)
        return batches

    def write_snapshot(self, data: bytes) -> None:
        """The new snapshot, then an empty journal: the other order could lose what only the journal held."""
        write_atomically(self._path(SNAPSHOT), data)
        write_atomically(self._path(JOURNAL), b"")
        self.journal_bytes = 0

    def append_journal(self, line: bytes) -> None:
        append_durably(self._path(JOURNAL), line)
        self.journal_bytes += len(line)

    def load_ledger(self, keep: int) -> list[LedgerEntry]:
        """The last ``keep`` readable entries; unreadable lines (a torn last one) are skipped, and the file is
        rewritten without them when it has any or is too long, so that appends start on a line of their own."""
        path = self._path(LEDGER)
        if not path.exists():
            return []
        raw = path.read_bytes()
        lines = raw.splitlines()
        entries: list[LedgerEntry] = []
        for line in lines[-keep:]:
            with contextlib.suppress(msgspec.DecodeError, msgspec.ValidationError):
                entries.append(_ledger_entries.decode(line))
        if len(entries) != len(lines) or (raw and not raw.endswith(b"\n")):
            self.rewrite_ledger(encode_lines(entries))
        return entries

    def append_ledger(self, lines: bytes) -> None:
        append_durably(self._path(LEDGER), lines)

    def rewrite_ledger(self, lines: bytes) -> None:
        write_atomically(self._path(LEDGER), lines)
