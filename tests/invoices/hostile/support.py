"""Helpers for the hostile corpus: a network canary, a memory gauge and a refusal assertion."""

from __future__ import annotations

import contextlib
import resource
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from pdp.tenants.invoices.findings import UnreadableDocument


@dataclass
class Canary:
    """A listening TCP socket on 127.0.0.1 that nobody should ever connect to."""

    server: socket.socket

    @property
    def port(self) -> int:
        return int(self.server.getsockname()[1])

    def connections(self) -> int:
        # The kernel completes handshakes into the backlog without accept(), so draining it after the
        # (synchronous) parse counts every attempt deterministically, with no thread and no sleep.
        count = 0
        self.server.setblocking(False)
        while True:
            try:
                connection, _ = self.server.accept()
            except BlockingIOError:
                return count
            connection.close()
            count += 1


@contextlib.contextmanager
def canary() -> Iterator[Canary]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield Canary(server)
    finally:
        server.close()


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def refused(call: Callable[[], object], rule: str) -> UnreadableDocument:
    """Run ``call``, expect an :class:`UnreadableDocument` with ``rule``, and return it for further checks."""
    with pytest.raises(UnreadableDocument) as caught:
        call()
    error = caught.value
    assert error.finding.rule == rule, f"expected {rule}, got {error.finding.rule}: {error}"
    assert error.finding.severity == "fatal"
    assert error.finding.message and error.finding.message_fr
    return error
