"""The ids the emulator hands out — flux numbers, invoice, attachment and status ids — never twice, restarts
included: pdp keeps its data across restarts, and an id handed out again would name another invoice.

Two guards. With a state directory, ids are reserved in blocks and each reservation is written durably *before*
the first id of its block is handed out, so the next run starts past the last reservation even after a crash.
And every run starts no lower than a floor that follows the wall clock, so even without that file (no state
directory, or lost) a run cannot meet the previous run's ids unless that run averaged more than
``per_second`` ids a second over its whole life.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

SequenceName = Literal["flux", "invoice", "attachment", "status"]
EPOCH = 1_577_833_200  # 2020-01-01T00:00:00+01:00, the year Chorus Pro became compulsory for every supplier
BLOCK = 10_000  # ids per durable reservation: one small synchronous write every 10,000 deposits at most


@dataclass(frozen=True, slots=True)
class IdShape:
    first: int  # the floor at EPOCH
    per_second: int  # how fast the floor rises with the wall clock


# Plain integers for ids (Chorus promises no width): 11 digits in 2026 for invoices and attachments, 12 for
# statuses (about five per invoice). Flux numbers keep Chorus's 19 digits after ``CPP001``, counting microseconds.
SHAPES: dict[SequenceName, IdShape] = {
    "flux": IdShape(first=1_110_000_000_000_000_000, per_second=1_000_000),
    "invoice": IdShape(first=0, per_second=100),
    "attachment": IdShape(first=0, per_second=100),
    "status": IdShape(first=0, per_second=1_000),
}

Reservations = dict[str, int]  # sequence name → first id not yet reserved


def floor(name: SequenceName, now: float) -> int:
    shape = SHAPES[name]
    return shape.first + int((now - EPOCH) * shape.per_second)


class IdSequences:
    """Increasing ids per sequence, starting past ``reserved`` (what earlier runs reserved) and the clock's floor.

    ``on_reserve`` receives every sequence's reservation whenever one grows, and must have stored it durably when
    it returns; without it, ids are only unique as far as the floor goes.
    """

    def __init__(
        self,
        reserved: Reservations | None = None,
        *,
        on_reserve: Callable[[Reservations], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        now = clock()
        earlier = reserved or {}
        self._next: Reservations = {name: max(earlier.get(name, 0), floor(name, now)) for name in SHAPES}
        self._reserved: Reservations = dict(self._next)
        self._on_reserve = on_reserve

    def next(self, name: SequenceName) -> int:
        value = self._next[name]
        if value >= self._reserved[name]:
            self._reserved[name] = value + BLOCK
            if self._on_reserve is not None:
                self._on_reserve(dict(self._reserved))
        self._next[name] = value + 1
        return value

    def reserved(self) -> Reservations:
        return dict(self._reserved)
