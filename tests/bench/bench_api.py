"""Benchmark: Partner API throughput on one `pdp serve` process, side by side with its floors.

Run: ``.venv/bin/python tests/bench/bench_api.py [--seconds 10] [--connections 32]``

Boots the embedded engines in a temporary directory, seeds one tenant with 50 providers, starts one API process
(uvicorn, one worker), then loads it from this process with wrk when installed (``apt-get install wrk``), else
with an httpx client. Prints requests/s and latency for:
  - ``GET /healthz``          framework floor (no auth, no database);
  - ``GET /v1/me``            API key lookup + one query;
  - ``GET /v1/providers``     the list endpoint, a page of 10;
and, as the database floor, the same page query issued directly with asyncpg (queries/s, same concurrency).
Machines are noisy: read the ratios, not the absolute numbers. Not a test: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

from pdp.platform import ids
from pdp.platform.db import admin
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.devstack import DevStack
from pdp.tenants.accounts import service as accounts

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.pipeline_world import Engines, bench_engines, engine_settings, serving
from tests.factories import provider_payload
from tests.processes import free_port


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of processes (and their reaped children), from /proc."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


def postgres_pids(stack: DevStack) -> list[int]:
    root = stack.pids()["postgres"]
    children = Path(f"/proc/{root}/task/{root}/children").read_text().split()
    return [root, *map(int, children)]


async def seed(app_url: str, api: str) -> str:
    engine = create_engine(app_url, pool_size=1)
    async with unit_of_work(create_sessionmaker(engine), tenant_id=ids.new_id("tenant")) as session:
        _, issued = await accounts.create_tenant(session, "bench")
    await engine.dispose()
    async with httpx.AsyncClient(base_url=api, headers={"Authorization": f"Bearer {issued.secret}"}) as client:
        for _ in range(50):
            (await client.post("/v1/providers", json=provider_payload())).raise_for_status()
    return issued.secret


def wrk(url: str, key: str, seconds: int, connections: int) -> tuple[float, float, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {key}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return rps, ms("50"), ms("99")


async def httpx_load(url: str, key: str, seconds: int, connections: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {key}"}, limits=limits) as client:

        async def one() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                (await client.get(url)).raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return len(latencies) / elapsed, statistics.median(latencies), latencies[int(len(latencies) * 0.99)]


async def asyncpg_floor(app_url: str, tenant_id: str, seconds: int, connections: int) -> float:
    pool = await asyncpg.create_pool(admin.plain_url(app_url), min_size=connections // 4, max_size=10)
    count = 0
    deadline = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal count
        while time.perf_counter() < deadline:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT set_config('app.tenant_id', $1, true)", tenant_id)
                await conn.fetch("SELECT * FROM providers WHERE tenant_id = $1 ORDER BY id DESC LIMIT 11", tenant_id)
            count += 1

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    rate = count / (time.perf_counter() - started)
    await pool.close()
    return rate


def measure(engines: Engines, server: subprocess.Popen[bytes], api: str, args: argparse.Namespace) -> None:
    app_url, stack = engines.app_url, engines.stack
    key = asyncio.run(seed(app_url, api))
    tenant_id = httpx.get(f"{api}/v1/me", headers={"Authorization": f"Bearer {key}"}).json()["tenant"]["id"]
    tool = "wrk" if shutil.which("wrk") else "httpx"
    print(f"load generator: {tool}, {args.connections} connections, {args.seconds} s per route, 1 API process")
    results = {}
    print(f"api pid {server.pid}", flush=True)
    for route in args.routes:
        url = api + route
        api_cpu, pg_cpu = cpu_seconds([server.pid]), cpu_seconds(postgres_pids(stack))
        rps, p50, p99 = (
            wrk(url, key, args.seconds, args.connections)
            if tool == "wrk"
            else asyncio.run(httpx_load(url, key, args.seconds, args.connections))
        )
        requests = rps * args.seconds
        api_us = (cpu_seconds([server.pid]) - api_cpu) / requests * 1e6
        pg_us = (cpu_seconds(postgres_pids(stack)) - pg_cpu) / requests * 1e6
        results[route] = rps
        print(
            f"  GET {route:<24} {rps:>9,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
            f"   CPU per request: API {api_us:5.0f} us, PostgreSQL {pg_us:5.0f} us"
        )
    floor = asyncio.run(asyncpg_floor(app_url, tenant_id, args.seconds, args.connections))
    print(f"  asyncpg page query (floor) {floor:>9,.0f} q/s")
    providers = results.get("/v1/providers?limit=10", 0.0)
    print(
        json.dumps(
            {
                "providers_rps": round(providers),
                "healthz_rps": round(results.get("/healthz", 0.0)),
                "providers_vs_healthz": round(providers / results.get("/healthz", float("nan")), 3),
                "providers_vs_asyncpg_floor": round(providers / floor, 3),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--routes", nargs="*", default=["/healthz", "/v1/me", "/v1/providers?limit=10"])
    args = parser.parse_args()
    with bench_engines() as engines:
        settings = engine_settings(engines, port=free_port())
        with serving(settings, engines.data / "pdp-serve.log") as server:
            measure(engines, server, f"http://127.0.0.1:{settings.port}", args)


if __name__ == "__main__":
    main()
