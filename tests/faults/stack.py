"""The fault suite's own world: a PostgreSQL and a Redis it may kill and restart, and real ``pdp worker`` processes.

The rest of the test run shares one PostgreSQL and one Redis; restarting those would cut every other session-scoped
pool. This suite boots its own pair with the same engine classes as ``pdp dev`` (``fast``: Redis keeps nothing
across a restart, exactly the data loss under test), and shares only S3 and the emulator's code.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pdp.platform.devstack.postgres_engine import SUPERUSER, PostgresEngine
from pdp.platform.devstack.redis_engine import RedisEngine
from pdp.platform.settings import ENV_PREFIX, Settings
from tests.processes import free_port

REPO = Path(__file__).resolve().parents[2]


class Engines:
    def __init__(self, root: Path) -> None:
        logs = root / "logs"
        quiet = lambda line: None  # noqa: E731
        self.postgres = PostgresEngine(root / "postgres", logs / "postgres.log", fast=True, log=quiet)
        self.redis = RedisEngine(root / "redis", logs / "redis.log", fast=True, log=quiet)
        self.ports = {"postgres": free_port(), "redis": free_port()}

    @property
    def admin_url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.ports['postgres']}/postgres"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports['redis']}/0"

    def start(self) -> None:
        for engine in (self.postgres, self.redis):
            engine.launch(self.ports)
        for engine in (self.postgres, self.redis):
            engine.wait_ready()

    def restart_redis(self) -> None:
        """Stop Redis and start it again empty: every queued job, lock and result is gone."""
        self.redis.stop()
        self.redis.launch(self.ports)
        self.redis.wait_ready()

    def restart_postgres(self) -> None:
        """``pg_ctl -m fast stop`` (every connection is cut), then start on the same data."""
        self.postgres.stop()
        self.postgres.launch(self.ports)
        self.postgres.wait_ready()

    def stop(self) -> None:
        for engine in (self.redis, self.postgres):
            engine.stop()


def settings_env(settings: Settings) -> dict[str, str]:
    """The ``PDP_*`` variables that make a ``pdp`` process load exactly ``settings``."""
    env: dict[str, str] = {}
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        env[ENV_PREFIX + field.name.upper()] = str(value).lower() if isinstance(value, bool) else str(value)
    return env


@dataclasses.dataclass
class WorkerProcess:
    name: str
    process: subprocess.Popen[bytes]
    started: float
    log: Path

    @property
    def heartbeat_key(self) -> str:
        return f"pdp:workers:{socket.gethostname()}:{self.process.pid}"


async def wait_up(redis: Any, worker: WorkerProcess, *, within: float) -> None:
    """Until the worker has started (its heartbeat key is in Redis); fails if it exits first."""
    deadline = time.monotonic() + within
    while not await redis.exists(worker.heartbeat_key):
        code = worker.process.poll()
        assert code is None, f"worker {worker.name} exited with {code}: see {worker.log}"
        assert time.monotonic() < deadline, f"worker {worker.name} not up after {within} s"
        await asyncio.sleep(0.05)


class Workers:
    """``python -m pdp.cli.main worker`` processes, started, SIGKILLed and restarted by name."""

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
        self.env = {**base, **settings_env(settings)}
        self.log_dir = log_dir
        self.running: dict[str, WorkerProcess] = {}
        self.kills = 0

    def start(self, name: str) -> WorkerProcess:
        assert name not in self.running, f"worker {name} is already running"
        log = self.log_dir / f"worker-{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "pdp.cli.main", "worker"],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(name, process, time.monotonic(), log)
        self.running[name] = worker
        return worker

    def kill(self, name: str) -> None:
        """SIGKILL: no drain, no cleanup; arq's in-progress key and the jobs stay in Redis."""
        worker = self.running.pop(name)
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(10)
        self.kills += 1

    def exited(self) -> dict[str, int]:
        """Workers that died on their own, with their exit code."""
        return {name: code for name, worker in self.running.items() if (code := worker.process.poll()) is not None}

    def stop_all(self) -> None:
        """SIGTERM (drain), then SIGKILL whatever is still there."""
        for worker in self.running.values():
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        for worker in self.running.values():
            try:
                worker.process.wait(30)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(10)
        self.running.clear()

    def log_tail(self, lines: int = 30) -> str:
        parts = []
        for log in sorted(self.log_dir.glob("worker-*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name}\n" + "\n".join(tail))
        return "\n".join(parts)
