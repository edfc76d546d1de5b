"""Faults the control API switches on: latency, 429, 500, dropped connections, and the variations of Chorus's
own answers a client must read alike; per path prefix, for a count or a duration (real seconds: faults model the
network and the gateway, which the virtual clock does not drive)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any, Literal

import msgspec

FaultKind = Literal[
    "latency", "rate_limit", "server_error", "drop_before", "drop_after", "business_status", "one_as_object", "answer"
]


class FaultSpec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``POST /_sandbox/faults`` body.

    - ``latency``: wait ``latency_ms`` then process normally;
    - ``rate_limit``: answer 429 with ``Retry-After: retry_after`` without processing;
    - ``server_error``: answer ``status`` (default 500) without processing;
    - ``drop_before``: close the connection without answering, before processing;
    - ``drop_after``: process the request, then lose the answer (headers with a Content-Length, then close
      mid-body) — the case a client must reconcile before retrying a deposit;
    - ``business_status``: process normally, but send a business refusal (non-zero ``codeRetour``, "no result"
      included) with HTTP ``status``: 400 for a search's "no result", 200 for a refusal (replies.py says which
      status each has by default; real clients meet both);
    - ``one_as_object``: process normally, but send every one-item list of objects as the object itself, as
      Chorus's published example renders ``listeErreurDP`` (and PASTELL reads ``listeStructures``);
    - ``answer``: answer ``status`` (default 500) with ``body`` (any JSON) without processing — an answer of a
      shape no call has.

    Without ``count`` or ``duration_s`` a fault stays until ``DELETE /_sandbox/faults``.
    """

    kind: FaultKind
    path_prefix: str = "/cpro"
    count: int | None = None
    duration_s: float | None = None
    latency_ms: int = 0
    retry_after: int = 1
    status: int = 500
    body: Any = None


class Fault(msgspec.Struct, kw_only=True):
    id: int
    spec: FaultSpec
    remaining: int | None
    until: float | None
    hits: int = 0


class FaultBook:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: FaultSpec) -> Fault:
        until = self._clock() + spec.duration_s if spec.duration_s is not None else None
        fault = Fault(id=next(self._ids), spec=spec, remaining=spec.count, until=until)
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()

    def active(self) -> list[Fault]:
        now = self._clock()
        self._faults = [
            f for f in self._faults if (f.remaining is None or f.remaining > 0) and (f.until is None or f.until > now)
        ]
        return list(self._faults)

    def take(self, path: str) -> list[FaultSpec]:
        """The faults that fire on this request (each consumes one of its count); latency first."""
        fired: list[FaultSpec] = []
        for fault in self.active():
            if not path.startswith(fault.spec.path_prefix):
                continue
            fault.hits += 1
            if fault.remaining is not None:
                fault.remaining -= 1
            fired.append(fault.spec)
        return sorted(fired, key=lambda spec: spec.kind != "latency")
