"""Real ``pdp serve`` processes on loopback for the abuse tests (and tests/bench/bench_abuse.py): a slow client
is a socket, not an in-process call, and limits shared by API processes need more than one process."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pdp.platform.settings import Settings
from tests.faults.stack import settings_env
from tests.processes import free_port, stop, wait_answering

REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def api_processes(settings: Settings, count: int, log_dir: Path, **overrides: Any) -> Iterator[list[str]]:
    """``count`` API processes on ``settings`` + ``overrides``; yields their base URLs, stops them after."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for index in range(count):
            port = free_port()
            # As variables, not through Settings: a setting an older pdp does not know is ignored, not an error.
            extra = {f"PDP_{name.upper()}": str(value) for name, value in overrides.items()}
            env = {**base, **settings_env(dataclasses.replace(settings, host="127.0.0.1", port=port)), **extra}
            with (log_dir / f"api-{index}.log").open("ab") as log:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "pdp.cli.main", "serve"],
                        cwd=REPO,
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
        for index, (url, process) in enumerate(zip(urls, processes, strict=True)):
            # 60 s, not 30: on a loaded 2-core machine a cold `pdp serve` import took longer than 30 s in the full
            # tests/security run (it starts right after the session's engines), failing the setup, not the attack.
            wait_answering(
                f"{url}/healthz", process, name=f"API process {index}", within=60.0, log=log_dir / f"api-{index}.log"
            )
        yield urls
    finally:
        for process in processes:
            stop(process)


def open_slow_upload(url: str, api_key: str, *, announced: int = 1_000_000) -> socket.socket:
    """A ``POST /v1/invoices`` whose headers announce ``announced`` bytes, of which one is sent: the attack."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10.0)
    head = (
        f"POST /v1/invoices HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {api_key}\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {announced}\r\n\r\n-"
    )
    sock.sendall(head.encode())
    return sock


def trickle(sock: socket.socket) -> bool:
    """One more byte of the slow body; False once the server has closed the connection."""
    try:
        sock.sendall(b"-")
        return True
    except OSError:
        return False


def response_status(sock: socket.socket, *, within: float) -> tuple[int, str]:
    """The status and body the server answered on ``sock`` (0 when it answered nothing within ``within`` s)."""
    sock.settimeout(within)
    data = b""
    with contextlib.suppress(OSError):
        while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    if not data.startswith(b"HTTP/1.1 "):
        return 0, ""
    return int(data[9:12]), data.partition(b"\r\n\r\n")[2].decode(errors="replace")


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0
