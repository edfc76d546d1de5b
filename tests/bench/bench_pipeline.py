"""Benchmark: the deposit pipeline side by side with its floor (issue 5, Performance).

Run: ``.venv/bin/python tests/bench/bench_pipeline.py [--invoices 600] [--concurrency 16] [--api-processes 2]
[--rate 20 100 --rate-seconds 20] [--tenants 10000 --providers 10] [--e2e 200] [--soak-minutes 30]``

Boots the embedded engines in a temporary directory, the Chorus Pro emulator (clock sped up, so
MISE_A_DISPOSITION comes in seconds) and ``pdp serve`` as processes of their own, then measures in one run:
  - **floor**: what intake cannot avoid, per invoice — one S3 PUT (Object Lock), one INSERT + COMMIT, one Redis
    enqueue — in a bare asyncio loop at the same concurrency, with pdp's own S3 client;
  - **intake**: ``POST /v1/invoices`` over real sockets, a mix of UBL, CII and Factur-X, at that concurrency;
  - **fixed rate**: the same requests sent at ``--rate`` per second whatever the answers (open loop; latency counted
    from when each request was due, so a stall is not hidden);
  - **tenants**: intake with 1 tenant, then spread over ``--tenants`` x ``--providers`` (cloned in SQL), with
    the SQL statements one deposit costs in each case (counted in-process);
  - **end to end**: the same deposits with ``pdp worker`` processes running, until every invoice is
    ``delivered`` (MISE_A_DISPOSITION at the emulator);
  - **soak** (``--soak-minutes``): API and worker RSS under a steady load.
For each phase, the CPU milliseconds every process spent per invoice. Not a test: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec
from sqlalchemy import event
from sqlalchemy.engine import Engine

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.facturx_write import write_facturx
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.platform import ids, jobs
from pdp.platform.db import admin
from pdp.tenants.archive.store import open_archive

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.pipeline_tenants import Population, invoice_for, population
from tests.bench.pipeline_world import CpuSplit, World, cpu_split, world
from tests.faults.flows import RECIPIENT

SPEED = 600.0  # emulator clock: 5 virtual minutes to MISE_A_DISPOSITION take 0.5 s
WRITERS = (
    (write_ubl, "application/xml", "f.xml"),
    (write_cii, "application/xml", "f.xml"),
    (write_facturx, "application/pdf", "f.pdf"),
)
ROLES = ("bench client", "api", "workers", "postgres", "s3", "redis", "emulator")


class Deposit(msgspec.Struct, frozen=True):
    key: str
    provider_id: str
    name: str
    data: bytes
    content_type: str


def deposits(population: Population, prefix: str, count: int, *, spread: bool) -> list[Deposit]:
    """``count`` deposits (UBL, CII, Factur-X in turn): for the template tenant's first provider, or ``spread``
    over every tenant and provider at random."""
    rng = random.Random(prefix)
    made = []
    for n, (write, content_type, name) in zip(range(count), itertools.cycle(WRITERS), strict=False):
        key, seller = population.pick(rng) if spread else (population.template.api_key, population.sellers[0])
        invoice = invoice_for(seller, f"{prefix}-{n:05d}", RECIPIENT)
        made.append(Deposit(key, seller.provider_id, name, write(invoice), content_type))
    return made


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


async def closed_loop(count: int, concurrency: int, one: Callable[[int], Awaitable[None]]) -> tuple[float, list[float]]:
    """Run ``one(i)`` for i < count with ``concurrency`` in flight; (per second, latencies in ms)."""
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


async def open_loop(count: int, rate: float, one: Callable[[int], Awaitable[None]]) -> tuple[float, list[float]]:
    """Start ``one(i)`` at i/rate seconds whatever is still in flight; latency from when it was due."""
    latencies: list[float] = []
    began = time.perf_counter()

    async def due(i: int) -> None:
        at = began + i / rate
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        await one(i)
        latencies.append((time.perf_counter() - at) * 1000)

    await asyncio.gather(*(due(i) for i in range(count)))
    return count / (time.perf_counter() - began), latencies


def poster(client: httpx.AsyncClient, batch: list[Deposit], sink: list[str]) -> Callable[[int], Awaitable[None]]:
    """POST ``batch[i]``; its id goes to ``sink``, or why it was not acknowledged (overload: 503, or no answer)."""

    async def one(i: int) -> None:
        item = batch[i]
        try:
            response = await client.post(
                "/v1/invoices",
                files={"file": (item.name, item.data, item.content_type)},
                data={"metadata": msgspec.json.encode({"provider_id": item.provider_id}).decode()},
                headers={"Authorization": f"Bearer {item.key}"},
            )
        except httpx.TransportError as exc:  # overload: the server closed or never took the connection
            sink.append(f"no answer ({type(exc).__name__})")
            return
        body = response.json()
        sink.append(body["id"] if response.status_code == 201 else f"{response.status_code} {body.get('code')}")

    return one


class Outcome(msgspec.Struct):
    rate: float
    latencies: list[float]
    ids: list[str]  # the invoices pdp acknowledged
    refused: dict[str, int]  # answers other than 201, by status and code

    def note(self) -> str:
        return ", ".join(f"{count} refused: {answer}" for answer, count in self.refused.items())


async def intake(w: World, batch: list[Deposit], concurrency: int, *, rate: float = 0.0) -> Outcome:
    made: list[str] = []
    limits = httpx.Limits(max_connections=max(concurrency, 256))
    async with httpx.AsyncClient(base_url=w.api_url, timeout=120, limits=limits) as client:
        one = poster(client, batch, made)
        if rate:
            result = await open_loop(len(batch), rate, one)
        else:
            result = await closed_loop(len(batch), concurrency, one)
    acknowledged = [made_id for made_id in made if made_id.startswith("inv_")]
    refused = Counter(answer for answer in made if not answer.startswith("inv_"))
    return Outcome(*result, acknowledged, dict(refused))


async def floor(w: World, batch: list[Deposit], concurrency: int) -> tuple[float, list[float], CpuSplit]:
    """(per second, latencies, CPU split): the split is read before the pool closes, whose backends' CPU would
    leave with them."""
    archive = open_archive(w.settings)
    redis = await jobs.create_arq_redis(w.settings.redis_url)
    pool = await asyncpg.create_pool(admin.plain_url(w.owner_url), min_size=concurrency, max_size=concurrency)
    await pool.execute("CREATE TABLE IF NOT EXISTS bench_floor (id text PRIMARY KEY, sha256 text, body jsonb)")
    retain = datetime.now(UTC) + timedelta(days=1)

    async def one(i: int) -> None:
        item = batch[i]
        key = f"bench/floor/{ids.new_id('invoice')}"
        await archive.put_locked(key, item.data, content_type=item.content_type, retain_until=retain)
        async with pool.acquire() as conn, conn.transaction():
            sha256 = hashlib.sha256(item.data).hexdigest()
            await conn.execute("INSERT INTO bench_floor VALUES ($1, $2, $3)", key, sha256, '{"n": 1}')
        await redis.enqueue_job("bench.noop", _job_id=key, _queue_name="bench:floor")  # no worker reads it

    try:
        with cpu_split(w, len(batch)) as split:
            rate, latencies = await closed_loop(len(batch), concurrency, one)
        return rate, latencies, split
    finally:
        await pool.close()
        await redis.aclose()
        archive.close()


async def verdicts(owner_url: str, invoice_ids: list[str]) -> Counter[str]:
    """How many of ``invoice_ids`` Chorus has made available to the buyer (or gone further), and how many it
    rejected: the tenants phase deposits for suppliers the emulator does not know, which it rejects."""
    conn = await asyncpg.connect(admin.plain_url(owner_url))
    try:
        query = (
            "SELECT CASE WHEN status = 'rejected' THEN 'rejected' ELSE 'delivered' END AS verdict, count(*) "
            "FROM invoices WHERE id = ANY($1) AND status = ANY($2) GROUP BY 1"
        )
        statuses = ["delivered", "in_process", "approved", "payment_sent", "rejected"]
        return Counter({row["verdict"]: row["count"] for row in await conn.fetch(query, invoice_ids, statuses)})
    finally:
        await conn.close()


@contextmanager
def counting_statements() -> Iterator[list[int]]:
    """Count every SQL statement SQLAlchemy sends from this process while the block runs."""
    counted = [0]

    def count(*_: Any) -> None:
        counted[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(Engine, "before_cursor_execute", count)


async def statements_per_deposit(w: World, batch: list[Deposit]) -> float:
    """The API in this process (same app, same middleware) so its statements can be counted, one deposit at a time."""
    from litestar.testing import AsyncTestClient

    from pdp.web.app import create_app

    made: list[str] = []
    async with AsyncTestClient(create_app(w.settings), timeout=60) as client:
        one = poster(client, batch, made)
        await one(0)  # the first one warms the app's caches
        with counting_statements() as counted:
            for i in range(1, len(batch)):
                await one(i)
    return counted[0] / (len(batch) - 1)


class Report:
    def __init__(self) -> None:
        self.floor = 0.0
        self.lines: list[str] = []
        self.splits: list[tuple[str, CpuSplit]] = []

    def rate(self, label: str, rate: float, latencies: list[float] | None, note: str = "") -> None:
        base = self.floor or rate
        timing = f"p50 {pct(latencies, 50):7.1f} ms  p99 {pct(latencies, 99):7.1f} ms" if latencies else " " * 30
        self.lines.append(f"  {label:<44} {rate:7.1f}/s  {timing}  {rate / base:6.1%} of the floor  {note}")
        print(self.lines[-1], flush=True)

    def split(self, label: str, split: CpuSplit) -> None:
        self.splits.append((label, split))

    def print(self) -> None:
        print("\nSummary\n" + "\n".join(self.lines))
        print("\nCPU ms per invoice, by process (2 cores: wall ms x 2 is what the machine had)")
        print(f"  {'phase':<28}" + "".join(f"{role:>13}" for role in (*ROLES, "wall")))
        for label, split in self.splits:
            print(f"  {label:<28}" + "".join(f"{split.ms.get(role, 0.0):13.2f}" for role in (*ROLES, "wall")))


def run_phases(w: World, args: argparse.Namespace, report: Report) -> None:
    people = population(w.admin_url, w.settings, w.api_url, tenants=1, providers=args.providers)
    asyncio.run(intake(w, deposits(people, "BW", 30, spread=False), 4))  # compile, connect, warm caches
    print(
        f"{args.invoices} invoices (UBL/CII/Factur-X), concurrency {args.concurrency}, "
        f"{args.api_processes} API process(es), {args.workers} worker(s)",
        flush=True,
    )
    waiting: list[str] = []

    batch = deposits(people, "BF", args.invoices, spread=False)
    report.floor, latencies, split = asyncio.run(floor(w, batch, args.concurrency))
    report.rate("floor (S3 PUT + INSERT/COMMIT + enqueue)", report.floor, latencies)
    report.split("floor", split)

    with cpu_split(w, len(batch)) as split:
        outcome = asyncio.run(intake(w, batch, args.concurrency))
    waiting += outcome.ids
    report.rate("intake POST /v1/invoices, 1 tenant", outcome.rate, outcome.latencies, outcome.note())
    report.split("intake, 1 tenant", split)

    for rate in args.rate:
        batch = deposits(people, f"BR{rate:g}", int(rate * args.rate_seconds), spread=False)
        with cpu_split(w, len(batch)) as split:
            outcome = asyncio.run(intake(w, batch, args.concurrency, rate=rate))
        waiting += outcome.ids
        label = f"intake at a fixed {rate:g}/s for {args.rate_seconds:g} s"
        report.rate(label, outcome.rate, outcome.latencies, outcome.note() or "every one acknowledged")
        report.split(f"intake at {rate:g}/s", split)

    if args.tenants > 1:
        one_tenant = asyncio.run(statements_per_deposit(w, deposits(people, "BS", 21, spread=False)))
        began = time.perf_counter()
        many = population(w.admin_url, w.settings, w.api_url, tenants=args.tenants, providers=args.providers)
        print(f"  ({args.tenants} tenants x {args.providers} providers cloned in {time.perf_counter() - began:.0f} s)")
        batch = deposits(many, "BT", args.invoices, spread=True)
        with cpu_split(w, len(batch)) as split:
            outcome = asyncio.run(intake(w, batch, args.concurrency))
        waiting += outcome.ids
        spread = asyncio.run(statements_per_deposit(w, deposits(many, "BU", 21, spread=True)))
        label = f"intake over {args.tenants} tenants x {args.providers} providers"
        note = f"SQL statements per deposit: {spread:.1f} (1 tenant: {one_tenant:.1f}) {outcome.note()}"
        report.rate(label, outcome.rate, outcome.latencies, note)
        report.split(f"intake, {args.tenants} tenants", split)

    if args.e2e:
        batch = deposits(people, "BE", args.e2e, spread=False)
        with cpu_split(w) as split:
            began = time.perf_counter()
            w.start_workers(args.workers)  # timed from their start: what they carry first was already waiting
            # The workers carry everything deposited so far, the earlier phases' invoices too.
            waiting += asyncio.run(intake(w, batch, args.concurrency)).ids
            while sum((done := asyncio.run(verdicts(w.owner_url, waiting))).values()) < len(waiting):
                if time.perf_counter() - began > 900:
                    print("  end to end: not all carried within 900 s")
                    break
                time.sleep(0.5)
            split.invoices = len(waiting)
        label = f"end to end, {done['delivered']} to MISE_A_DISPOSITION"
        report.rate(label, 1000 / split.ms["wall"], None, f"(and {done['rejected']} rejected: unknown suppliers)")
        report.split("end to end", split)
        ledger = httpx.get(f"{w.emulator_url}/_sandbox/ledger/summary").json()
        print(f"  emulator: {ledger['deposits']} deposits, {len(ledger['duplicate_deposits'])} duplicates")
        calls = {path.rsplit("/v1/", 1)[-1]: n for path, n in ledger["by_path"].items() if "/cpro/" in path}
        per_path = ", ".join(f"{path} {n / len(waiting):.2f}" for path, n in sorted(calls.items(), key=lambda c: -c[1]))
        report.lines.append(
            f"  Chorus calls per invoice, deposit to MISE_A_DISPOSITION: {sum(calls.values()) / len(waiting):.2f}"
            f" ({per_path})"
        )

    if args.soak_minutes:
        soak(w, people, args, report)


def soak(w: World, people: Population, args: argparse.Namespace, report: Report) -> None:
    """A steady load with the workers running; the largest RSS of each role sampled every 30 s."""
    if "workers" not in w.roles:
        w.start_workers(args.workers)
    rss: dict[str, list[float]] = {"api": [], "workers": []}
    began = time.perf_counter()
    for n in range(int(args.soak_minutes * 2)):
        batch = deposits(people, f"SK{n:03d}", int(args.soak_rate * 30), spread=False)
        asyncio.run(intake(w, batch, args.concurrency, rate=args.soak_rate))
        for role, samples in rss.items():
            samples.append(max(w.rss_mb(role), default=0.0))
        minutes = (time.perf_counter() - began) / 60
        print(f"  soak {minutes:5.1f} min: API RSS {rss['api'][-1]:6.1f} MB, worker RSS {rss['workers'][-1]:6.1f} MB")
    for role, samples in rss.items():
        settled = samples[min(1, len(samples) - 1)]  # after the first half-minute: imports and caches are in
        report.lines.append(
            f"  soak {args.soak_minutes:g} min at {args.soak_rate:g}/s: {role} RSS peak {max(samples):.1f} MB, "
            f"{samples[-1] - settled:+.1f} MB from minute 1 to the end"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--api-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, nargs="*", default=[20.0, 100.0], help="fixed-rate phases (none: skip)")
    parser.add_argument("--rate-seconds", type=float, default=20.0)
    parser.add_argument("--tenants", type=int, default=10_000, help="tenants phase (1: skip)")
    parser.add_argument("--providers", type=int, default=10)
    parser.add_argument("--e2e", type=int, default=200, help="invoices carried to MISE_A_DISPOSITION (0: skip)")
    parser.add_argument("--soak-minutes", type=float, default=0.0)
    parser.add_argument("--soak-rate", type=float, default=20.0)
    args = parser.parse_args()
    report = Report()
    with world(
        speed=SPEED,
        chorus_rate_per_second=1000.0,
        chorus_tenant_rate_per_second=1000.0,
        tracking_intervals_seconds="1",
        outbox_relay_seconds=1.0,
        invoice_first_check_seconds=30,
    ) as w:
        w.start_api(args.api_processes)
        try:
            run_phases(w, args, report)
        finally:
            report.print()


if __name__ == "__main__":
    main()
