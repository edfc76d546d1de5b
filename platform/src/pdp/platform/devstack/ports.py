"""Port planning: reuse last run's ports when free, else let the kernel pick.

Stable ports matter beyond convenience: weed names its master metadata
directory after the master port (``m<port>``) and a developer's tools keep the
URLs they were given, so ``ports.json`` remembers what was used last time.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
from collections.abc import Iterable
from pathlib import Path

# weed mini's embedded maintenance workers dial the admin server at
# admin.port + 10000 whatever -admin.port.grpc says, so that pair must keep
# the default offset; every other gRPC port is set freely.
GRPC_OFFSET = 10000
MAX_PORT = 65535

WEED_PORTS = (
    "s3",
    "s3_grpc",
    "master",
    "master_grpc",
    "volume",
    "volume_grpc",
    "filer",
    "filer_grpc",
    "admin",
    "admin_grpc",
)
ENGINE_PORTS: dict[str, tuple[str, ...]] = {
    "postgres": ("postgres",),
    "redis": ("redis",),
    "s3": WEED_PORTS,
}
ALL_PORTS = tuple(name for names in ENGINE_PORTS.values() for name in names)


def load_ports(path: Path) -> dict[str, int]:
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {str(k): int(v) for k, v in raw.items() if isinstance(v, int) and 0 < v <= MAX_PORT}


def save_ports(path: Path, ports: dict[str, int]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(ports, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)  # atomic: a crash never leaves a half-written file


def _hold(port: int, held: contextlib.ExitStack) -> bool:
    """Bind 127.0.0.1:`port` and keep it bound until planning ends.

    SO_REUSEADDR lets a port whose previous owner left TIME_WAIT sockets count
    as free (the engines set it too), while a live listener still blocks us.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(1)
    except OSError:
        sock.close()
        return False
    held.callback(sock.close)
    return True


def free_port(preferred: int) -> int:
    """``preferred`` if nothing listens on it, else any free port (0 asks for any).

    Probes the way the servers that will bind it do (uvicorn, aiosmtpd and asyncio set SO_REUSEADDR), so a port a
    server left in TIME_WAIT a moment ago counts as free: a quick restart keeps its ports.
    """
    if preferred:
        with contextlib.ExitStack() as probe:
            if _hold(preferred, probe):
                return preferred
    with contextlib.ExitStack() as probe:
        return _fresh(probe)


def _fresh(held: contextlib.ExitStack) -> int:
    # No SO_REUSEADDR here so the kernel never hands out a port in use.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    held.callback(sock.close)
    port: int = sock.getsockname()[1]
    return port


def _admin_pair(previous: int | None, held: contextlib.ExitStack) -> int:
    candidates = [previous] if previous else []
    candidates += [random.randint(20000, MAX_PORT - GRPC_OFFSET) for _ in range(200)]
    for port in candidates:
        if port + GRPC_OFFSET > MAX_PORT:
            continue
        with contextlib.ExitStack() as trial:
            if _hold(port, trial) and _hold(port + GRPC_OFFSET, trial):
                held.enter_context(trial.pop_all())
                return port
    raise RuntimeError("no free port pair for the weed admin server")


def plan_ports(previous: dict[str, int], keep: Iterable[str]) -> dict[str, int]:
    """Return a port for every name in ALL_PORTS.

    Names in `keep` belong to engines that are already running (adopted
    orphans): their previous ports are kept without probing.
    """
    kept = set(keep)
    plan = {name: previous[name] for name in kept if name in previous}
    with contextlib.ExitStack() as held:
        if "admin" not in plan:
            plan["admin"] = _admin_pair(previous.get("admin"), held)
            plan["admin_grpc"] = plan["admin"] + GRPC_OFFSET
        for name in ALL_PORTS:
            if name in plan:
                continue
            old = previous.get(name)
            if old and old not in plan.values() and _hold(old, held):
                plan[name] = old
                continue
            port = _fresh(held)
            while port in plan.values():
                port = _fresh(held)
            plan[name] = port
    return plan
