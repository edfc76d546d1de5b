"""Process helpers built on /proc: liveness, ownership, termination, RSS.

Why /proc instead of ``os.kill(pid, 0)``: on some machines (e.g. the project's
firecracker VMs) PID 1 never reaps orphans, so a stopped engine that was not
our child lingers as a zombie and ``kill(pid, 0)`` still succeeds. A zombie
holds no memory, ports or files, so everything here treats it as dead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

_PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state is index 0)."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may itself contain spaces or ')'.
    return raw[raw.rfind(")") + 2 :].split()


def is_alive(pid: int) -> bool:
    """True if `pid` exists and is not a zombie."""
    if pid <= 0:
        return False
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def cmdline(pid: int) -> list[str]:
    try:
        raw = (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def cwd(pid: int) -> Path | None:
    try:
        return Path(os.readlink(_PROC / str(pid) / "cwd"))
    except OSError:
        return None


def exe_name(pid: int) -> str | None:
    try:
        target = os.readlink(_PROC / str(pid) / "exe")
    except OSError:
        return None
    # A reinstalled venv leaves running binaries marked "(deleted)": still ours.
    return Path(target.removesuffix(" (deleted)")).name


def belongs_to(pid: int, root: Path, program: str | None = None) -> bool:
    """True if the live process `pid` is tied to directory `root`.

    The command line is checked first (postgres -D, weed -dir=). Redis rewrites
    its argv into a process title without the data dir, so its working
    directory (redis chdirs to --dir) is accepted as proof as well. `program`
    (the executable's file name) guards against a recycled pid or a shell that
    merely sits in that directory: we must never kill a process that is not ours.
    """
    if not is_alive(pid):
        return False
    if program is not None and exe_name(pid) != program:
        return False
    needle = str(root)
    for arg in cmdline(pid):
        # "-dir=/x/s3" and "-D /x/postgres" both carry the path as a value.
        value = arg.split("=", 1)[-1] if arg.startswith("-") else arg
        if value == needle or value.startswith(needle + "/"):
            return True
    where = cwd(pid)
    return where is not None and (where == root or root in where.parents)


def read_pidfile(path: Path) -> int | None:
    try:
        first = path.read_text().split()[0]
        return int(first)
    except (OSError, ValueError, IndexError):
        return None


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def _wait_gone(pid: int, popen: subprocess.Popen[bytes] | None, timeout: float) -> bool:
    if popen is not None:
        # Our own child: wait() also reaps it, so no zombie is left behind.
        try:
            popen.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    return wait_until(lambda: not is_alive(pid), timeout)


def terminate(
    pid: int,
    *,
    popen: subprocess.Popen[bytes] | None = None,
    sig: signal.Signals = signal.SIGTERM,
    timeout: float = 10.0,
) -> None:
    """Send `sig`, wait up to `timeout` s, then SIGKILL and wait again."""
    if not is_alive(pid):
        if popen is not None:
            popen.poll()  # reap if it already exited
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    if _wait_gone(pid, popen, timeout):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_gone(pid, popen, 5.0)


def descendants(pid: int) -> list[int]:
    """`pid` and all its live descendants (one /proc scan)."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is None or fields[0] in ("Z", "X"):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    result: list[int] = []
    todo = [pid] if is_alive(pid) else []
    while todo:
        current = todo.pop()
        result.append(current)
        todo.extend(children.get(current, []))
    return result


def rss_kib(pid: int) -> int:
    """VmRSS of one process in KiB (0 if gone)."""
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_rss_kib(pid: int) -> int:
    """Sum of VmRSS over `pid` and its descendants (counts shared pages per process)."""
    return sum(rss_kib(p) for p in descendants(pid))


def processes_under(root: Path) -> Iterator[int]:
    """Live processes other than ourselves that `belongs_to` `root`."""
    me = os.getpid()
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and int(entry.name) != me and belongs_to(int(entry.name), root):
            yield int(entry.name)


def open_log(path: Path) -> IO[bytes]:
    """Append-mode log handle; the child keeps its own copy after Popen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("ab")


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
