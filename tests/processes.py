"""Processes tests start and reach over loopback (``pdp serve``, ProConnect's stand-in): a free port, waiting until
one answers, stopping it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_answering(
    url: str, process: subprocess.Popen[bytes], *, name: str, within: float, log: Path | None = None
) -> None:
    """Until ``url`` answers 200; fails when ``process`` (``name``) exits first, or after ``within`` seconds, with
    the end of its ``log``."""
    deadline = time.monotonic() + within
    while True:
        if process.poll() is not None:
            tail = f":\n{log.read_text()[-3000:]}" if log is not None else ""
            raise AssertionError(f"{name} exited with {process.returncode}{tail}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        assert time.monotonic() < deadline, f"{name} not up on {url} after {within} s" + (f": see {log}" if log else "")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask it to end (SIGTERM); kill it when it has not within 10 seconds."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
