"""The one source of "now". Tests and the sandbox's virtual clock replace it through :func:`set_clock`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    return _now()


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (``None`` restores the wall clock)."""
    global _now
    _now = source if source is not None else (lambda: datetime.now(UTC))
