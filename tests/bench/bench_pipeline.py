"""Benchmark: the deposit pipeline side by side with its floor (issue 5, Performance).

Run: ``.venv/bin/python tests/bench/bench_pipeline.py [--invoices 600] [--concurrency 16] [--e2e 200]``

Boots the embedded engines in a temporary directory, the Chorus Pro emulator in a thread (clock sped up, so
MISE_A_DISPOSITION comes in seconds), one ``pdp serve`` process, and measures:
  - **floor**: what intake cannot avoid, per invoice — one S3 PUT (Object Lock), one INSERT + COMMIT, one Redis
    enqueue — in a bare asyncio loop at the same concurrency;
  - **intake**: ``POST /v1/invoices`` over real sockets, a mix of UBL, CII and Factur-X, at that concurrency;
  - **end to end**: the same deposits with ``pdp worker`` processes running, until every invoice is
    ``delivered`` (MISE_A_DISPOSITION at the emulator).
Prints invoices/s, p50/p99 latency and the ratio to the floor. Not a test: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec

from pdp.platform import ids, jobs
from pdp.platform.db import admin
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.devstack import DevStack, ensure_bucket
from pdp.platform.security.envelope import generate_master_key
from pdp.platform.settings import load_settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.archive.store import open_archive
from pdp.tenants.invoices.formats.cii_write import write_cii
from pdp.tenants.invoices.formats.facturx_write import write_facturx
from pdp.tenants.invoices.formats.json_input import to_invoice
from pdp.tenants.invoices.formats.ubl_write import write_ubl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.conftest import TenantFixture
from tests.faults.flows import RECIPIENT
from tests.faults.stack import settings_env
from tests.invoices.validation.test_engine import SELLER, structured
from tests.journeys import active_mandate, seller_provider
from tests.sandbox.harness import free_port, start_sandbox

SPEED = 600.0  # emulator clock: 5 virtual minutes to MISE_A_DISPOSITION take 0.5 s
FORMATS = (
    ("ubl", "application/xml", "f.xml"),
    ("cii", "application/xml", "f.xml"),
    ("facturx", "application/pdf", "f.pdf"),
)


def invoice_files(prefix: str, count: int) -> list[tuple[str, bytes, str, str]]:
    files = []
    for n, (syntax, content_type, name) in zip(range(count), itertools.cycle(FORMATS), strict=False):
        invoice = to_invoice(structured(number=f"{prefix}-{n:05d}", recipient=RECIPIENT), seller=SELLER)
        writer = {"ubl": write_ubl, "cii": write_cii, "facturx": write_facturx}[syntax]
        files.append((name, writer(invoice), content_type, syntax))
    return files


async def run_load(count: int, concurrency: int, one: Callable[[int], Awaitable[None]]) -> tuple[float, list[float]]:
    """Run ``one(i)`` for i < count with ``concurrency`` in flight; (invoices/s, latencies in ms)."""
    latencies: list[float] = []
    counter = itertools.count()

    async def lane() -> None:
        while (i := next(counter)) < count:
            began = time.perf_counter()
            await one(i)
            latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return count / (time.perf_counter() - began), latencies


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


async def floor(settings: Any, owner_url: str, files: list[tuple[str, bytes, str, str]], concurrency: int) -> Any:
    archive = open_archive(settings)
    redis = await jobs.create_arq_redis(settings.redis_url)
    pool = await asyncpg.create_pool(admin.plain_url(owner_url), min_size=concurrency, max_size=concurrency)
    await pool.execute("CREATE TABLE IF NOT EXISTS bench_floor (id text PRIMARY KEY, sha256 text, body jsonb)")
    retain = datetime.now(UTC) + timedelta(days=1)

    async def one(i: int) -> None:
        data = files[i][1]
        key = f"bench/floor/{ids.new_id('invoice')}"
        await archive.put_locked(key, data, content_type=files[i][2], retain_until=retain)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO bench_floor VALUES ($1, $2, $3)", key, hashlib.sha256(data).hexdigest(), '{"n": 1}'
            )
        await redis.enqueue_job("bench.noop", _job_id=key, _queue_name="bench:floor")  # no worker reads it

    try:
        return await run_load(len(files), concurrency, one)
    finally:
        await pool.close()
        await redis.aclose()
        archive.close()


async def intake(api: str, tenant: TenantFixture, provider_id: str, files: list[Any], concurrency: int) -> Any:
    metadata = msgspec.json.encode({"provider_id": provider_id}).decode()
    ids_: list[str] = []
    async with httpx.AsyncClient(base_url=api, headers=tenant.headers, timeout=60) as client:

        async def one(i: int) -> None:
            name, data, content_type, _ = files[i]
            response = await client.post(
                "/v1/invoices", files={"file": (name, data, content_type)}, data={"metadata": metadata}
            )
            assert response.status_code == 201, response.text
            ids_.append(response.json()["id"])

        rate, latencies = await run_load(len(files), concurrency, one)
    return rate, latencies, ids_


async def delivered(owner_url: str, invoice_ids: list[str]) -> int:
    conn = await asyncpg.connect(admin.plain_url(owner_url))
    try:
        statuses = ("delivered", "in_process", "approved", "payment_sent")
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM invoices WHERE id = ANY($1) AND status = ANY($2)", invoice_ids, list(statuses)
            )
        )
    finally:
        await conn.close()


async def party(app_url: str, api: str) -> tuple[TenantFixture, str]:
    engine = create_engine(app_url, pool_size=1)
    async with unit_of_work(create_sessionmaker(engine), tenant_id=ids.new_id("tenant")) as session:
        tenant, issued = await accounts.create_tenant(session, "Bench platform")
    await engine.dispose()
    fixture = TenantFixture(tenant.id, issued.secret, issued.key.id)
    async with httpx.AsyncClient(base_url=api, timeout=30) as client:
        provider = await seller_provider(client, fixture)
        await active_mandate(client, fixture, provider["id"])
    return fixture, provider["id"]


def line(label: str, rate: float, latencies: list[float] | None, base: float) -> str:
    timing = f"p50 {pct(latencies, 50):7.1f} ms   p99 {pct(latencies, 99):7.1f} ms" if latencies else " " * 32
    return f"  {label:<34} {rate:8.1f} invoices/s   {timing}   {rate / base:6.1%} of the floor"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--e2e", type=int, default=200, help="invoices carried to MISE_A_DISPOSITION")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="pdp-bench-", dir="/tmp"))
    stack = DevStack(data, fast=True, log=lambda line: None)
    emulator = start_sandbox(reception_delay=1.0, integration_delay=2.0, speed=SPEED)
    children: list[subprocess.Popen[bytes]] = []
    try:
        info = stack.start()
        app_url, owner_url = asyncio.run(admin.ensure_database(info.postgres_admin_url, admin.DatabasePlan("bench")))
        admin.upgrade(owner_url, app_url)
        ensure_bucket(info, "pdp-bench")
        account = next(a for a in emulator.info["technical_accounts"] if a["deposits_for_others"])
        port = free_port()
        settings = load_settings(
            {},
            database_url=app_url,
            database_owner_url=owner_url,
            redis_url=info.redis_url,
            s3_endpoint=info.s3_endpoint,
            s3_access_key=info.s3_access_key,
            s3_secret_key=info.s3_secret_key,
            s3_bucket="pdp-bench",
            archive_retention_days=1,
            archive_lock_mode="GOVERNANCE",
            master_keys=generate_master_key(),
            port=port,
            log_level="warning",
            chorus_api_url=emulator.info["api_url"],
            chorus_token_url=emulator.info["token_url"],
            chorus_client_id=emulator.info["piste"]["client_id"],
            chorus_client_secret=emulator.info["piste"]["client_secret"],
            chorus_login=account["login"],
            chorus_password=account["password"],
            chorus_rate_per_second=1000.0,
            chorus_tenant_rate_per_second=1000.0,
            tracking_intervals_seconds="1",
            outbox_relay_seconds=1.0,
            invoice_first_check_seconds=30,
        )
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("PDP_")}, **settings_env(settings)}
        children.append(subprocess.Popen([sys.executable, "-m", "pdp.cli.main", "serve"], env=env))
        api = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{api}/healthz").raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        tenant, provider_id = asyncio.run(party(app_url, api))
        files = invoice_files("BF", args.invoices)
        warm = invoice_files("BW", 30)
        _, _, warm_ids = asyncio.run(intake(api, tenant, provider_id, warm, 4))  # compile, connect, warm caches
        print(f"{args.invoices} invoices (UBL/CII/Factur-X), concurrency {args.concurrency}, 1 API process, 2 cores")
        floor_rate, floor_lat = asyncio.run(floor(settings, owner_url, files, args.concurrency))
        intake_rate, intake_lat, intake_ids = asyncio.run(intake(api, tenant, provider_id, files, args.concurrency))
        for _ in range(args.workers):
            children.append(subprocess.Popen([sys.executable, "-m", "pdp.cli.main", "worker"], env=env))
        e2e_files = invoice_files("BE", args.e2e)
        began = time.perf_counter()
        _, _, e2e_ids = asyncio.run(intake(api, tenant, provider_id, e2e_files, args.concurrency))
        # The workers carry everything deposited so far (the intake phase's invoices were waiting for them).
        e2e_ids += warm_ids + intake_ids
        while asyncio.run(delivered(owner_url, e2e_ids)) < len(e2e_ids):
            if time.perf_counter() - began > 600:
                print("  end to end: not all delivered within 600 s")
                break
            time.sleep(0.5)
        e2e_rate = len(e2e_ids) / (time.perf_counter() - began)
        print(line("floor (S3 PUT + INSERT/COMMIT + enqueue)", floor_rate, floor_lat, floor_rate))
        print(line("intake POST /v1/invoices", intake_rate, intake_lat, floor_rate))
        print(line(f"end to end, {len(e2e_ids)} to MISE_A_DISPOSITION", e2e_rate, None, floor_rate))
        ledger = emulator.control("GET", "ledger/summary")
        print(f"  emulator: {ledger['deposits']} deposits, {len(ledger['duplicate_deposits'])} duplicates")
    finally:
        for child in reversed(children):
            child.terminate()
            child.wait()
        emulator.stop()
        stack.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
