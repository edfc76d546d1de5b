"""Every request the emulator received, so a test can prove what pdp did: rate never exceeded, nothing deposited
twice. Times are real (monotonic) seconds: rate limits concern real traffic, whatever the virtual clock says."""

from __future__ import annotations

import collections
import itertools
import time
from collections.abc import Callable

import msgspec

MAX_ENTRIES = 200_000  # enough for any test or benchmark run; older entries fall off


class DepositedKey(msgspec.Struct, frozen=True, array_like=True):
    supplier_siret: str | None
    number: str | None


class LedgerEntry(msgspec.Struct, kw_only=True):
    seq: int
    at: float  # monotonic seconds
    method: str
    path: str
    client_id: str | None = None
    login: str | None = None
    status: int = 0
    code_retour: int | None = None
    fault: str | None = None
    flux_number: str | None = None
    invoice_id: int | None = None
    deposited: list[DepositedKey] = msgspec.field(default_factory=list)


class Duplicate(msgspec.Struct, kw_only=True):
    supplier_siret: str | None
    number: str | None
    deposits: list[str]  # flux numbers, or "soumettre:<id>"


class LedgerSummary(msgspec.Struct, kw_only=True):
    requests: int
    by_path: dict[str, int]
    by_status: dict[str, int]
    max_requests_in_1s: int
    max_requests_in_1s_by_client: dict[str, int]
    rate_limited: int
    faults_applied: int
    deposits: int
    duplicate_deposits: list[Duplicate]


class Ledger:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: collections.deque[LedgerEntry] = collections.deque(maxlen=MAX_ENTRIES)
        self._seq = itertools.count(1)

    def open(self, method: str, path: str) -> LedgerEntry:
        entry = LedgerEntry(seq=next(self._seq), at=self._clock(), method=method, path=path)
        self._entries.append(entry)
        return entry

    def clear(self) -> None:
        self._entries.clear()  # numbering goes on: a client reading ``since`` a number must not miss new entries

    def restore(self, entries: list[LedgerEntry]) -> None:
        """What a previous run recorded, oldest first (after a restart); new entries are numbered after them."""
        self._entries.extend(entries)
        if entries:
            self._seq = itertools.count(entries[-1].seq + 1)

    def newer_than(self, seq: int) -> list[LedgerEntry]:
        """Entries numbered after ``seq``, read from the newest end: cheap when they are few."""
        newer: list[LedgerEntry] = []
        for entry in reversed(self._entries):
            if entry.seq <= seq:
                break
            newer.append(entry)
        newer.reverse()
        return newer

    def entries(self, since: int = 0) -> list[LedgerEntry]:
        return [entry for entry in self._entries if entry.seq > since]

    def summary(self) -> LedgerSummary:
        entries = list(self._entries)
        by_path = collections.Counter(entry.path for entry in entries)
        by_status = collections.Counter(str(entry.status) for entry in entries)
        clients = {entry.client_id for entry in entries if entry.client_id}
        per_client = {
            client: max_in_window([e.at for e in entries if e.client_id == client]) for client in sorted(clients)
        }
        seen: dict[DepositedKey, list[str]] = collections.defaultdict(list)
        deposits = 0
        for entry in entries:
            if entry.deposited and (200 <= entry.status < 300 or entry.fault == "drop_after"):
                deposits += 1
                where = entry.flux_number or f"soumettre:{entry.invoice_id}"
                for key in entry.deposited:
                    seen[key].append(where)
        duplicates = [
            Duplicate(supplier_siret=key.supplier_siret, number=key.number, deposits=where)
            for key, where in seen.items()
            if len(where) > 1
        ]
        return LedgerSummary(
            requests=len(entries),
            by_path=dict(by_path),
            by_status=dict(by_status),
            max_requests_in_1s=max_in_window([entry.at for entry in entries]),
            max_requests_in_1s_by_client=per_client,
            rate_limited=sum(1 for entry in entries if entry.fault == "rate_limit_exceeded"),
            faults_applied=sum(1 for entry in entries if entry.fault and entry.fault != "rate_limit_exceeded"),
            deposits=deposits,
            duplicate_deposits=duplicates,
        )


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most requests that fall within any ``window``-second span (two pointers over sorted times)."""
    times = sorted(times)
    best = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
