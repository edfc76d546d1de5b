"""The world ``bench_pipeline.py`` measures: embedded engines, the Chorus Pro emulator and pdp's own processes.

Everything runs as its own process (the emulator too), so the CPU each one spends per invoice can be read off
``psutil`` and printed beside the rates: on a 2-core machine, where the time goes says more than the rate alone.
The engines (:func:`bench_engines`), settings on them (:func:`engine_settings`) and one ``pdp serve``
(:func:`serving`) are what every bench of a running pdp starts from (``bench_api.py``, ``bench_portal.py``).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from tests.faults.stack import settings_env
from tests.processes import free_port
from tests.sandbox.harness import with_emulator

from pdp.platform.db import admin
from pdp.platform.devstack import DevStack, ensure_bucket
from pdp.platform.devstack.info import EngineInfo
from pdp.platform.security.envelope import generate_master_key
from pdp.platform.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
BUCKET = "pdp-bench"


@dataclass(frozen=True)
class Engines:
    """The embedded engines of one bench run, with a migrated database and the bucket."""

    stack: DevStack
    info: EngineInfo
    app_url: str
    owner_url: str
    data: Path  # the run's temporary directory: the engines' data and the processes' logs


@contextmanager
def bench_engines() -> Iterator[Engines]:
    """PostgreSQL, Redis and S3 (``pdp dev``'s) in a temporary directory, the database migrated and the bucket
    made; all of it removed after."""
    data = Path(tempfile.mkdtemp(prefix="pdp-bench-", dir="/tmp"))
    stack = DevStack(data, fast=True, log=lambda line: None)
    try:
        info = stack.start()
        app_url, owner_url = asyncio.run(admin.ensure_database(info.postgres_admin_url, admin.DatabasePlan("bench")))
        admin.upgrade(owner_url, app_url)
        ensure_bucket(info, BUCKET)
        yield Engines(stack, info, app_url, owner_url, data)
    finally:
        stack.stop()
        shutil.rmtree(data, ignore_errors=True)


def engine_settings(engines: Engines, **overrides: Any) -> Settings:
    """pdp's settings on ``engines`` (a new master key, warnings only), with ``overrides``."""
    info = engines.info
    return load_settings(
        {},
        database_url=engines.app_url,
        database_owner_url=engines.owner_url,
        redis_url=info.redis_url,
        s3_endpoint=info.s3_endpoint,
        s3_access_key=info.s3_access_key,
        s3_secret_key=info.s3_secret_key,
        s3_bucket=BUCKET,
        master_keys=generate_master_key(),
        log_level="warning",
        **overrides,
    )


def process_env(settings: Settings) -> dict[str, str]:
    """The environment of a ``pdp`` process on ``settings``: no ``PDP_*`` variable of this shell leaks in."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PDP_")}, **settings_env(settings)}


@contextmanager
def serving(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """One ``pdp serve`` on ``settings`` (its port), its output in ``log``, once it answers; stopped after."""
    with log.open("ab") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "pdp.cli.main", "serve"], cwd=REPO, env=process_env(settings), stdout=output,
            stderr=output,
        )  # fmt: skip
    try:
        if not wait_until_up(f"http://127.0.0.1:{settings.port}/healthz", tries=300, pause=0.1):
            raise RuntimeError(f"pdp serve did not start: see {log}")
        yield server
    finally:
        server.terminate()
        server.wait()


@dataclass
class World:
    settings: Settings
    owner_url: str
    admin_url: str
    emulator_url: str
    api_url: str
    engine_pids: dict[str, int]
    data: Path
    env: dict[str, str] = field(default_factory=dict)
    roles: dict[str, list[subprocess.Popen[bytes]]] = field(default_factory=dict)

    def spawn(self, role: str, *argv: str) -> subprocess.Popen[bytes]:
        log = (self.data / f"{role}-{len(self.roles.get(role, []))}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "pdp.cli.main", *argv], cwd=REPO, env=self.env, stdout=log, stderr=log
        )
        self.roles.setdefault(role, []).append(process)
        return process

    def start_api(self, processes: int) -> None:
        self.spawn("api", "serve", "--workers", str(processes))
        if not wait_until_up(f"{self.api_url}/healthz", tries=300, pause=0.1):
            raise RuntimeError(f"the API did not start: see {self.data}/api-0.log")

    def start_workers(self, count: int) -> None:
        for _ in range(count):
            self.spawn("workers", "worker")

    def stop_role(self, role: str) -> None:
        for process in self.roles.pop(role, []):
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _trees(self) -> dict[str, list[psutil.Process]]:
        trees: dict[str, list[psutil.Process]] = {"bench client": [psutil.Process()]}
        pids = {name: [pid] for name, pid in self.engine_pids.items()}
        pids.update({role: [p.pid for p in procs] for role, procs in self.roles.items()})
        for role, roots in pids.items():
            found = []
            for pid in roots:
                try:
                    root = psutil.Process(pid)
                    found += [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    continue
            trees[role] = found
        return trees

    def cpu_seconds(self) -> dict[str, float]:
        """CPU (user + system) spent so far by each role's processes (the bench process's own threads included)."""
        totals: dict[str, float] = {}
        for role, processes in self._trees().items():
            seconds = 0.0
            for process in processes:
                try:
                    times = process.cpu_times()
                    seconds += times.user + times.system
                except psutil.NoSuchProcess:
                    continue
            totals[role] = seconds
        return totals

    def rss_mb(self, role: str) -> list[float]:
        """Resident memory of each process of ``role`` (uvicorn's master excluded when it has workers)."""
        sizes = []
        for process in self._trees().get(role, []):
            try:
                if process.children():  # a supervisor, not a server
                    continue
                sizes.append(process.memory_info().rss / 2**20)
            except psutil.NoSuchProcess:
                continue
        return sizes


@dataclass
class CpuSplit:
    """CPU ms per invoice by role (and ``wall``), filled when the measured block ends."""

    invoices: int  # may be set inside the block, when the count is known only at its end
    ms: dict[str, float] = field(default_factory=dict)


@contextmanager
def cpu_split(world: World, invoices: int = 0) -> Iterator[CpuSplit]:
    """Measure the CPU each role spends over the block, per invoice."""
    split = CpuSplit(invoices)
    before = world.cpu_seconds()
    began = time.perf_counter()
    yield split
    wall = time.perf_counter() - began
    count = max(1, split.invoices)
    for role, seconds in world.cpu_seconds().items():
        split.ms[role] = (seconds - before.get(role, 0.0)) * 1000 / count
    split.ms["wall"] = wall * 1000 / count


def wait_until_up(url: str, *, tries: int, pause: float) -> bool:
    """Poll ``url`` until it answers 2xx; False when it never did."""
    for _ in range(tries):
        try:
            httpx.get(url).raise_for_status()
            return True
        except httpx.HTTPError:
            time.sleep(pause)
    return False


def start_emulator(data: Path, env: dict[str, str], *, speed: float) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    port = free_port()
    log = (data / "emulator.log").open("ab")
    argv = ["sandbox", "--port", str(port), "--reception-delay", "1", "--integration-delay", "2", "--speed", str(speed)]
    process = subprocess.Popen(
        [sys.executable, "-m", "pdp.cli.main", *argv], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=log
    )
    assert process.stdout is not None
    info = json.loads(process.stdout.readline())
    wait_until_up(f"http://127.0.0.1:{port}/_sandbox/info", tries=200, pause=0.05)
    return process, info


def start_proconnect(data: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """pdp dev's ProConnect stand-in: the providers' signatories prove their SIRET with it to accept mandates."""
    port = free_port()
    log = (data / "proconnect.log").open("ab")
    argv = ["-m", "oidc_provider_mock", "--port", str(port), "--require-nonce"]
    process = subprocess.Popen([sys.executable, *argv], cwd=REPO, env=env, stdout=log, stderr=log)
    issuer = f"http://127.0.0.1:{port}"
    wait_until_up(f"{issuer}/.well-known/openid-configuration", tries=200, pause=0.05)
    return process, issuer


@contextmanager
def world(*, speed: float, **overrides: Any) -> Iterator[World]:
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
    emulator: subprocess.Popen[bytes] | None = None
    proconnect: subprocess.Popen[bytes] | None = None
    built: World | None = None
    with bench_engines() as engines:
        try:
            data = engines.data
            emulator, chorus = start_emulator(data, base_env, speed=speed)
            proconnect, issuer = start_proconnect(data, base_env)
            port = free_port()
            settings = with_emulator(
                engine_settings(
                    engines,
                    archive_retention_days=1,
                    archive_lock_mode="GOVERNANCE",
                    port=port,
                    proconnect_issuer=issuer,
                    proconnect_client_id="pdp-bench",
                    proconnect_client_secret="pdp-bench-secret",
                    **overrides,
                ),
                chorus,
            )
            pids = {**engines.stack.pids(), "emulator": emulator.pid}
            dbname = engines.app_url.rsplit("/", 1)[1]
            admin_url = engines.info.postgres_admin_url.rsplit("/", 1)[0] + f"/{dbname}"
            api_url = f"http://127.0.0.1:{port}"
            built = World(settings, engines.owner_url, admin_url, chorus["api_url"], api_url, pids, data)
            built.env = process_env(settings)
            yield built
        finally:
            if built is not None:
                for role in list(built.roles):
                    built.stop_role(role)
            for child in (emulator, proconnect):
                if child is not None:
                    child.terminate()
                    child.wait()
