"""The emulator's virtual clock: wall-clock time plus an offset that the control API only moves forward."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

# Chorus Pro stamps its dates in French local time.
PARIS = ZoneInfo("Europe/Paris")


class VirtualClock:
    """Every delay of the emulator (integration, buyer statuses, token lifetime) is measured on this clock.

    It follows real time, so a client that merely polls sees fluxes integrate after a few seconds, and
    :meth:`advance` jumps ahead (days of buyer processing in one call) without any background thread.
    """

    def __init__(self, *, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._offset = 0.0

    def timestamp(self) -> float:
        return self._source() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), PARIS)

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the virtual clock only moves forward")
        self._offset += seconds

    def reset(self) -> None:
        self._offset = 0.0


def day(moment: datetime) -> str:
    """``YYYY-MM-DD``: request dates and ``dateDepot``."""
    return moment.strftime("%Y-%m-%d")


def minute(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM``: status history and service dates."""
    return moment.strftime("%Y-%m-%d %H:%M")


def iso_millis(moment: datetime) -> str:
    """``2018-02-16T15:10:25.536+01:00``: flux report timestamps."""
    return moment.isoformat(timespec="milliseconds")
