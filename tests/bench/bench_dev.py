"""Benchmark: `pdp dev` cold start, warm start, stop, and the memory of the whole local stack.

Run: ``.venv/bin/python tests/bench/bench_dev.py [--runs 2]``

Each run starts `pdp dev` on a fresh directory (cold: initdb, empty S3), stops it with SIGTERM, starts it again
on the same directory (warm) and stops it. "Up" is the time until `/readyz` answers 200. Memory is summed over
the supervisor's whole process tree (API, worker, PostgreSQL, Redis, SeaweedFS), sampled every 0.2 s while a
small load runs (100 provider creations and 300 list calls); PSS counts shared pages once, RSS once per process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from pdp.platform.devstack.procs import descendants

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.factories import provider_payload


def memory_kib(root: int) -> tuple[int, int]:
    rss = pss = 0
    for pid in descendants(root):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss, pss


class Run:
    def __init__(self, data_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
        self.env = {**env, "PDP_DEV_DIR": str(data_dir)}
        self.data_dir = data_dir
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pdp.cli.main", "dev", "--port", "0"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while not (data_dir / "dev.json").is_file():
            if self.process.poll() is not None:
                raise SystemExit("pdp dev failed to start")
            time.sleep(0.02)
        self.info = json.loads((data_dir / "dev.json").read_text())
        while True:
            try:
                if httpx.get(self.info["health_url"], timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
        self.up_seconds = time.perf_counter() - started

    def load_and_sample(self) -> tuple[int, int]:
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss, pss = memory_kib(self.process.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                time.sleep(0.2)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            out = subprocess.run(
                [sys.executable, "-m", "pdp.cli.main", "tenant", "create", "--name", "bench"],
                env=self.env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            headers = {"Authorization": f"Bearer {json.loads(out)['api_key']}"}
            with httpx.Client(base_url=self.info["api_url"], headers=headers) as client:
                for _ in range(100):
                    client.post("/v1/providers", json=provider_payload()).raise_for_status()
                for _ in range(300):
                    client.get("/v1/providers").raise_for_status()
        finally:
            done.set()
            sampler.join()
        return peak[0], peak[1]

    def stop(self) -> float:
        started = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=120)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    rows: dict[str, list[float]] = {
        "cold up (s)": [],
        "warm up (s)": [],
        "stop (s)": [],
        "peak RSS (MiB)": [],
        "peak PSS (MiB)": [],
    }
    for _ in range(args.runs):
        base = Path(tempfile.mkdtemp(prefix="pdp-bench-dev-", dir="/tmp"))
        try:
            cold = Run(base / ".pdp")
            rows["cold up (s)"].append(cold.up_seconds)
            rss, pss = cold.load_and_sample()
            rows["peak RSS (MiB)"].append(rss / 1024)
            rows["peak PSS (MiB)"].append(pss / 1024)
            rows["stop (s)"].append(cold.stop())
            warm = Run(base / ".pdp")
            rows["warm up (s)"].append(warm.up_seconds)
            rows["stop (s)"].append(warm.stop())
        finally:
            shutil.rmtree(base, ignore_errors=True)
    for name, values in rows.items():
        print(f"{name:<16} median {statistics.median(values):7.2f}   all {', '.join(f'{v:.2f}' for v in values)}")


if __name__ == "__main__":
    main()
