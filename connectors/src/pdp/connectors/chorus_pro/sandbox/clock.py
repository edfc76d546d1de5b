"""The emulator's virtual clock: wall-clock time plus an offset that the control API only moves forward."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from pdp.connectors.chorus_pro.dates import PARIS, parse_instant


class VirtualClock:
    """Every delay of the emulator (integration, buyer statuses, token lifetime) is measured on this clock.

    It follows real time, so a client that merely polls sees fluxes integrate after a few seconds, and
    :meth:`advance` jumps ahead (days of buyer processing in one call) without any background thread.
    ``speed`` makes it run faster than real time: at 3000, a buyer's week of processing takes about three
    minutes, which is what ``pdp dev`` uses for demos.
    """

    def __init__(self, *, source: Callable[[], float] = time.time, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("the clock's speed must be positive")
        self._source = source
        self._offset = 0.0
        self.speed = speed
        self._origin = source()

    def timestamp(self) -> float:
        real = self._source()
        return self._origin + (real - self._origin) * self.speed + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), PARIS)

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the virtual clock only moves forward")
        self._offset += seconds

    def resume_from(self, timestamp: float) -> None:
        """After a restart, never behind ``timestamp`` (where the last run stopped): nothing may be stamped before
        what was already recorded. A sped-up clock thus resumes where it stopped; a real-time one that the real
        time has overtaken keeps its own time, and what fell due meanwhile applies on the next request."""
        behind = timestamp - self.timestamp()
        if behind > 0:
            self._offset += behind

    def reset(self) -> None:
        self._offset = 0.0
        self._origin = self._source()


def day(moment: datetime) -> str:
    """``YYYY-MM-DD``: request dates and ``dateDepot``."""
    return moment.strftime("%Y-%m-%d")


def minute(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM``: status history and service dates."""
    return moment.strftime("%Y-%m-%d %H:%M")


def iso_millis(moment: datetime) -> str:
    """``2018-02-16T15:10:25.536+01:00``: flux report timestamps."""
    return moment.isoformat(timespec="milliseconds")


def moment(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """A request's date-time bound (:func:`.dates.parse_instant`; a day ends at its last instant when it closes a
    period). Unreadable: ``ValueError``, a 400 like every badly formed field."""
    if not value:
        return None
    try:
        parsed = parse_instant(value)
    except ValueError:
        raise ValueError(f"date invalide : {value}") from None
    if len(value) == 10 and end_of_day:
        parsed = parsed.replace(hour=23, minute=59, second=59, microsecond=999_999)
    return parsed
