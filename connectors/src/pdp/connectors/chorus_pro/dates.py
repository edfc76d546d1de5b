"""Chorus Pro's dates: French local dates and times, written as days (``YYYY-MM-DD``) or as instants
(``2018-02-16T15:10:25.536+01:00``; Pastell also sends ``…T23:59:59`` without an offset, go-choruspro RFC 3339
with ``Z``). Shared by pdp's pipeline and the emulator, so both read a stamp the same way."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def parse_instant(value: str) -> datetime:
    """A day (its first instant) or an instant; without an offset, Paris time. ``ValueError`` when unreadable."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=PARIS)


def instant(value: str | None) -> datetime | None:
    """:func:`parse_instant`, ``None`` for an absent or unreadable value."""
    try:
        return parse_instant(value) if value else None
    except ValueError:
        return None


def chorus_time(moment: datetime) -> str:
    """An instant as Chorus writes its own: Paris time, milliseconds."""
    return moment.astimezone(PARIS).isoformat(timespec="milliseconds")
