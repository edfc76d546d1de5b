"""`pdp dev` end to end: boots, serves the walk-through, stops clean, and restarts on the same data."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import provider_payload

pytestmark = pytest.mark.slow


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


class Dev:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        env = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
        self.env = {**env, "PDP_DEV_DIR": str(data_dir)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pdp.cli.main", "dev", "--port", "0"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 90
        while not (data_dir / "dev.json").is_file():
            assert self.process.poll() is None, self.process.stdout.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "pdp dev did not come up"
            time.sleep(0.1)
        time.sleep(0.2)
        self.info = json.loads((data_dir / "dev.json").read_text())

    def cli(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "pdp.cli.main", *args], env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="pdp-dev-e2e-", dir="/tmp"))
    yield path / ".pdp"
    shutil.rmtree(path, ignore_errors=True)


def test_dev_boots_serves_stops_and_keeps_its_data(data_dir: Path) -> None:
    dev = Dev(data_dir)
    try:
        api = dev.info["api_url"]
        assert httpx.get(f"{api}/readyz").status_code == 200
        assert httpx.get(dev.info["docs_url"]).status_code == 200
        for key in ("database_url", "redis_url", "s3"):
            assert dev.info[key]
        created = json.loads(dev.cli("tenant", "create", "--name", "Acme"))
        headers = {"Authorization": f"Bearer {created['api_key']}"}
        provider = httpx.post(f"{api}/v1/providers", json=provider_payload(), headers=headers)
        assert provider.status_code == 201, provider.text
        pids = dev.info["pids"]
    finally:
        dev.stop()
    assert dev.process.returncode == 0
    assert not (data_dir / "dev.json").exists()
    assert [name for name, pid in pids.items() if _alive(pid)] == []

    again = Dev(data_dir)
    try:
        listed = httpx.get(f"{again.info['api_url']}/v1/providers", headers=headers)
        assert [p["id"] for p in listed.json()["data"]] == [provider.json()["id"]]
    finally:
        again.stop()
