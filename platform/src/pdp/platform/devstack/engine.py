"""Common shape of the three engines run by DevStack.

Starting is split into `launch` (spawn, returns at once) and `wait_ready`, so
the supervisor can boot all three in parallel: weed's ~1 s boot overlaps with
initdb and postgres start-up instead of adding to it.
"""

from __future__ import annotations

import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from pdp.platform.devstack import procs


class EngineError(RuntimeError):
    """An engine failed to start or to answer in time."""


class Engine(ABC):
    name: ClassVar[str]
    program: ClassVar[str]  # executable file name, for the ownership check
    ready_timeout: ClassVar[float] = 60.0

    def __init__(self, root: Path, log_path: Path, *, fast: bool, log: Callable[[str], None]) -> None:
        self.root = root
        self.log_path = log_path
        self.fast = fast
        self.log = log
        self.port = 0  # the client-facing port, set by adopt/launch
        self._pid: int | None = None
        self._popen: subprocess.Popen[bytes] | None = None
        self._launched_at = 0.0

    # -- to be provided by each engine ---------------------------------------
    @abstractmethod
    def _recorded_pid(self) -> int | None:
        """Pid found in the engine's pidfile, if any (may be stale)."""
        raise NotImplementedError

    @abstractmethod
    def _healthy(self, ports: dict[str, int]) -> bool:
        """Does the running instance answer as configured by `ports`?"""
        raise NotImplementedError

    @abstractmethod
    def launch(self, ports: dict[str, int]) -> None:
        raise NotImplementedError

    @abstractmethod
    def _ready(self) -> bool:
        raise NotImplementedError

    @abstractmethod
    def _shutdown(self, pid: int) -> None:
        raise NotImplementedError

    # -- shared behaviour -----------------------------------------------------
    @property
    def pid(self) -> int | None:
        if self._pid is not None and procs.is_alive(self._pid):
            return self._pid
        return None

    def running_pid(self) -> int | None:
        """Pid of a live instance of this engine on our data dir, ours or a leftover."""
        if self.pid is not None:
            return self.pid
        pid = self._recorded_pid()
        if pid is not None and procs.belongs_to(pid, self.root, self.program):
            return pid
        return None

    def adopt(self, previous_ports: dict[str, int]) -> bool:
        """Reuse an already running instance if it is healthy, else stop it.

        A supervisor that was SIGKILLed leaves engines running (they sit in
        their own session). Reusing a healthy one makes the next start instant
        and keeps the data it has in memory; an unhealthy or differently
        configured one is stopped so that `launch` starts from a clean state.
        """
        pid = self.running_pid()
        if pid is None:
            return False
        self._pid = pid
        if self._healthy(previous_ports):
            return True
        self.log(f"devstack: {self.name}: stopping unhealthy leftover pid {pid}")
        self.stop()
        return False

    def _spawn(self, argv: Sequence[str], **kwargs: Any) -> None:
        # start_new_session: Ctrl-C in the terminal reaches only the supervisor,
        # which then stops the engines in order instead of them dying at random.
        with procs.open_log(self.log_path) as out:
            self._popen = subprocess.Popen(  # noqa: S603 -- argv built from our own paths
                list(argv),
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **kwargs,
            )
        self._pid = self._popen.pid
        self._launched_at = time.monotonic()

    def wait_ready(self) -> None:
        """Block until the engine answers, or raise EngineError."""
        deadline = self._launched_at + self.ready_timeout
        while not self._ready():
            if self._popen is not None and self._popen.poll() is not None:
                raise EngineError(
                    f"{self.name} exited with code {self._popen.returncode} during start-up; "
                    f"log {self.log_path}:\n{procs.log_tail(self.log_path)}"
                )
            if time.monotonic() > deadline:
                raise EngineError(
                    f"{self.name} not ready after {self.ready_timeout:.0f} s; "
                    f"log {self.log_path}:\n{procs.log_tail(self.log_path)}"
                )
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop our instance (or a leftover found via the pidfile). Idempotent."""
        pid = self.running_pid()
        if pid is not None:
            self._shutdown(pid)
        elif self._popen is not None:
            self._popen.poll()  # reap a child that already exited
        self._pid = None
        self._popen = None
        self._after_stop()

    def _popen_for(self, pid: int) -> subprocess.Popen[bytes] | None:
        """Our Popen handle for `pid`, so that stopping it also reaps it."""
        if self._popen is not None and self._popen.pid == pid:
            return self._popen
        return None

    def _after_stop(self) -> None:  # noqa: B027 -- optional hook, a no-op by default
        """Hook for clean-up once the process is gone."""
