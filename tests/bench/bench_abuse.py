"""Benchmark: one tenant's abuse against another's latency, and the API's memory for large batches.

Run: ``.venv/bin/python tests/bench/bench_abuse.py [--slow 200] [--requests 400] [--batches 1,6] [--old PATH]``

Boots the embedded engines, one API process (``pdp serve``, default limits) and two tenants, then prints side by
side:
  - tenant A's ``GET /v1/me`` p50/p99 alone, then while tenant B holds ``--slow`` uploads that trickle one byte a
    second (issue 11 #1);
  - the API process's RSS growth (peak, sampled every 10 ms) for 1 and for 6 concurrent 110 MB
    ``POST /v1/invoice-batches`` with an Idempotency-Key (issue 11 #2).
``--old PATH`` runs the API from another checkout's sources (``git worktree add /tmp/old <commit>``) for the
before figures. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

from pdp.platform import ids
from pdp.platform.db import admin
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.devstack import DevStack, ensure_bucket
from pdp.platform.security.envelope import generate_master_key
from pdp.platform.settings import load_settings
from pdp.tenants.accounts import service as accounts

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.security.api_processes import api_processes, open_slow_upload, trickle

MIB = 1024 * 1024


async def new_key(app_url: str, name: str) -> str:
    engine = create_engine(app_url, pool_size=1)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant_id=ids.new_id("tenant")) as session:
            _, issued = await accounts.create_tenant(session, name)
        return issued.secret
    finally:
        await engine.dispose()


def latencies(url: str, key: str, count: int) -> tuple[float, float, int]:
    """p50 and p99 in ms of ``count`` sequential GET /v1/me, and how many were not 200."""
    times, failed = [], 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30.0) as client:
        client.get("/v1/me")
        for _ in range(count):
            started = time.perf_counter()
            failed += client.get("/v1/me").status_code != 200
            times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[98], failed


def batch_body(size: int) -> tuple[bytes, str]:
    boundary = "benchboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{{"provider_id": "prv_none"}}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.xml"\r\n\r\n<a>'
    ).encode()
    return head + bytes(size) + f"\r\n--{boundary}--\r\n".encode(), boundary


def rss_growth(url: str, pid: int, key: str, concurrent: int) -> tuple[float, list[int]]:
    """Peak RSS growth (MiB) of the API process during ``concurrent`` 110 MB batches, and their statuses."""
    body, boundary = batch_body(110 * MIB)
    process = psutil.Process(pid)
    base = process.memory_info().rss
    peak = base
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.01)

    async def send_all() -> list[int]:
        async with httpx.AsyncClient(base_url=url, timeout=300.0) as client:
            headers = {"Authorization": f"Bearer {key}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
            answers = await asyncio.gather(
                *(
                    client.post("/v1/invoice-batches", content=body, headers={**headers, "Idempotency-Key": ids.ulid()})
                    for _ in range(concurrent)
                )
            )
        return [answer.status_code for answer in answers]

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        statuses = asyncio.run(send_all())
    finally:
        done.set()
        sampler.join()
    return (peak - base) / MIB, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--batches", default="1,6")
    parser.add_argument("--old", type=Path, help="another checkout whose API to measure (before figures)")
    args = parser.parse_args()
    if args.old:
        roots = [args.old / part / "src" for part in ("platform", "connectors", "tenants", "workers", "web")]
        os.environ["PYTHONPATH"] = os.pathsep.join(str(root) for root in roots)
    data = Path(tempfile.mkdtemp(prefix="pdp-bench-abuse-", dir="/tmp"))
    stack = DevStack(data, fast=True, log=lambda line: None)
    try:
        engines = stack.start()
        plan = admin.DatabasePlan("pdp_bench_abuse")
        app_url, owner_url = asyncio.run(admin.ensure_database(engines.postgres_admin_url, plan))
        admin.upgrade(owner_url, app_url)
        ensure_bucket(engines, "pdp-bench")
        settings = load_settings(
            {},
            environment="test",
            database_url=app_url,
            database_owner_url=owner_url,
            redis_url=engines.redis_url,
            s3_endpoint=engines.s3_endpoint,
            s3_access_key=engines.s3_access_key,
            s3_secret_key=engines.s3_secret_key,
            s3_bucket="pdp-bench",
            master_keys=generate_master_key("bench"),
            archive_retention_days=1,
            log_level="warning",
        )
        key_a, key_b = asyncio.run(new_key(app_url, "A")), asyncio.run(new_key(app_url, "B"))
        # A measures its latency with 2x400 quick requests: a rate that never limits it (B is held by concurrency).
        with api_processes(settings, 1, data, api_tenant_rate_per_second=1000, api_tenant_rate_burst=2000) as [url]:
            pid = next(p.pid for p in psutil.Process().children(recursive=True) if "pdp.cli.main" in p.cmdline())
            alone = latencies(url, key_a, args.requests)
            slow = [open_slow_upload(url, key_b) for _ in range(args.slow)]
            stop = threading.Event()

            def keep_trickling() -> None:
                while not stop.wait(1.0):
                    for sock in slow:
                        trickle(sock)

            trickler = threading.Thread(target=keep_trickling)
            trickler.start()
            time.sleep(1.0)
            try:
                attacked = latencies(url, key_a, args.requests)
            finally:
                stop.set()
                trickler.join()
                for sock in slow:
                    sock.close()
            print(f"API under test: {'old checkout ' + str(args.old) if args.old else 'this checkout'}")
            print(f"{'tenant A GET /v1/me':<44}{'p50 ms':>10}{'p99 ms':>10}{'not 200':>10}")
            print(f"{'alone':<44}{alone[0]:>10.1f}{alone[1]:>10.1f}{alone[2]:>10}")
            label = f"with B's {args.slow} slow uploads"
            print(f"{label:<44}{attacked[0]:>10.1f}{attacked[1]:>10.1f}{attacked[2]:>10}")
            print(f"{'ratio (attacked / alone)':<44}{attacked[0] / alone[0]:>10.2f}{attacked[1] / alone[1]:>10.2f}")
            time.sleep(2.0)
            for concurrent in (int(n) for n in args.batches.split(",")):
                growth, statuses = rss_growth(url, pid, key_a, concurrent)
                per = growth / concurrent
                print(f"RSS growth, {concurrent} x 110 MB batches: {growth:7.1f} MiB ({per:.1f} per batch) {statuses}")
    finally:
        stack.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
