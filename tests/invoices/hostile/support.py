"""Helpers for the hostile corpus: the payloads, a network canary, a memory gauge and a refusal assertion."""

from __future__ import annotations

import contextlib
import io
import resource
import socket
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from pypdf.actions import JavaScript

from pdp.einvoice.findings import UnreadableDocument
from tests.invoices.pdf.pdfgen import writer, written

MIB = 1024 * 1024
XXE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
LAUGHS = (  # entity expansion: 10^4 "lol"s from a few hundred bytes
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><l>&d;</l>'
)


def javascript_pdf() -> bytes:
    pdf = writer()
    pdf.add_open_action(JavaScript("app.launchURL('http://attacker.example/');"))
    return written(pdf)


def build_zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, which one test wants
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
            for name, content in entries:
                archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """144 MB of zeros in 16 entries, about 150 KB packed."""
    return build_zip([(f"part{n}.xml", bytes(9 * MIB)) for n in range(16)])


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
