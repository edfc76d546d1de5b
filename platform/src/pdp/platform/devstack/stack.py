"""DevStack: start, reuse and stop PostgreSQL, Redis and S3 for one data dir.

Layout under data_dir: postgres/ (pgdata), redis/, s3/ (weed data,
identities.json, credentials.json), logs/<engine>.log and ports.json.

Leftover engines of a supervisor that was SIGKILLed are found through their
pidfiles (postmaster.pid, redis/redis.pid, s3/weed.pid) and, after an
ownership check (executable name + data dir in the command line or working
directory), reused when they answer on the recorded ports, or stopped
otherwise. A process that is not ours is never signalled.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from pdp.platform.devstack.engine import Engine
from pdp.platform.devstack.info import EngineInfo
from pdp.platform.devstack.ports import ENGINE_PORTS, load_ports, plan_ports, save_ports
from pdp.platform.devstack.postgres_engine import SUPERUSER, PostgresEngine
from pdp.platform.devstack.redis_engine import RedisEngine
from pdp.platform.devstack.s3_client import REGION
from pdp.platform.devstack.s3_engine import WeedEngine


class DevStack:
    """The three local engines of `pdp dev` and of the test suite.

    `fast=True` trades durability for speed (tests): postgres runs with
    fsync/synchronous_commit/full_page_writes off and redis without AOF, so
    redis data does not survive a stop. A reused leftover engine keeps the
    settings it was started with.
    """

    def __init__(self, data_dir: Path, *, log: Callable[[str], None] = print, fast: bool = False) -> None:
        # resolve(): ownership checks compare against /proc paths, which are canonical.
        self.data_dir = Path(data_dir).resolve()
        self._log = log
        logs = self.data_dir / "logs"
        self._postgres = PostgresEngine(self.data_dir / "postgres", logs / "postgres.log", fast=fast, log=log)
        self._redis = RedisEngine(self.data_dir / "redis", logs / "redis.log", fast=fast, log=log)
        self._s3 = WeedEngine(self.data_dir / "s3", logs / "s3.log", fast=fast, log=log)
        # Start order; stop runs in reverse.
        self._engines: tuple[Engine, ...] = (self._postgres, self._redis, self._s3)
        self._info: EngineInfo | None = None

    @property
    def ports_file(self) -> Path:
        return self.data_dir / "ports.json"

    def start(self) -> EngineInfo:
        """Boot (or reuse) all three engines and block until each answers. Idempotent."""
        if self._info is not None and all(engine.pid is not None for engine in self._engines):
            return self._info
        for sub in ("postgres", "redis", "s3", "logs"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        previous = load_ports(self.ports_file)
        adopted = [engine for engine in self._engines if engine.adopt(previous)]
        for engine in adopted:
            self._log(f"devstack: {engine.name} reused (pid {engine.pid}, port {engine.port})")
        kept = [name for engine in adopted for name in ENGINE_PORTS[engine.name]]
        ports = plan_ports(previous, kept)
        save_ports(self.ports_file, ports)
        try:
            self._boot([engine for engine in self._engines if engine not in adopted], ports)
        except BaseException:
            # Includes KeyboardInterrupt: never leave half a stack running.
            self.stop()
            raise
        access, secret = self._s3.credentials()
        self._info = EngineInfo(
            postgres_admin_url=f"postgresql://{SUPERUSER}@127.0.0.1:{self._postgres.port}/postgres",
            redis_url=f"redis://127.0.0.1:{self._redis.port}/0",
            s3_endpoint=self._s3.endpoint(),
            s3_access_key=access,
            s3_secret_key=secret,
            s3_region=REGION,
        )
        return self._info

    def _boot(self, engines: list[Engine], ports: dict[str, int]) -> None:
        # Launch the slowest first (weed, ~1 s) so its boot overlaps initdb.
        began: dict[str, float] = {}
        for engine in sorted(engines, key=lambda e: e is not self._s3):
            began[engine.name] = time.monotonic()  # includes initdb for postgres
            engine.launch(ports)
        for engine in engines:
            engine.wait_ready()
            took = time.monotonic() - began[engine.name]
            self._log(f"devstack: {engine.name} ready in {took:.2f}s (pid {engine.pid}, port {engine.port})")

    def stop(self) -> None:
        """Stop all three in reverse order; also stops leftovers of this data dir. Idempotent."""
        self._info = None
        errors: list[Exception] = []
        for engine in reversed(self._engines):
            began = time.monotonic()
            had = engine.running_pid()
            try:
                engine.stop()
            except Exception as exc:  # keep stopping the others
                errors.append(exc)
                self._log(f"devstack: {engine.name} failed to stop: {exc}")
                continue
            if had is not None:
                self._log(f"devstack: {engine.name} stopped in {time.monotonic() - began:.2f}s")
        if errors:
            raise errors[0]

    def pids(self) -> dict[str, int]:
        """Main pid of each running engine (postgres: the postmaster)."""
        return {engine.name: pid for engine in self._engines if (pid := engine.pid) is not None}

    def __enter__(self) -> EngineInfo:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
