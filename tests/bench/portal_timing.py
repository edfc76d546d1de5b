"""How ``bench_portal.py`` times pages: wall time per request, and the CPU the API process and PostgreSQL spent.

On a shared, noisy machine a page's wall time moves with whatever else runs; the CPU it costs moves much less.
Sequential requests go round-robin over every page (one request of each, then again), so a burst of someone
else's load falls on all pages alike and their ratios hold.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

import httpx
import psutil

BROWSER = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) pdp-bench"}


@dataclass
class Timing:
    label: str
    ms: list[float] = field(default_factory=list)
    size: int = 0  # bytes of the last answer
    api_cpu_ms: float = 0.0  # summed over the requests
    postgres_cpu_ms: float = 0.0

    def cut(self, percent: int) -> float:
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)


@dataclass(frozen=True)
class Page:
    label: str
    client: httpx.Client  # signed in as the user who looks at it
    url: str


@dataclass(frozen=True)
class CpuMeter:
    """CPU seconds (user + system) spent so far by the API process and by PostgreSQL's processes."""

    api: psutil.Process
    postgres: psutil.Process

    def seconds(self) -> tuple[float, float]:
        postgres = 0.0
        for process in (self.postgres, *self.postgres.children(recursive=True)):
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:  # a backend that ended with its connection
                continue
            postgres += times.user + times.system
        api = self.api.cpu_times()
        return api.user + api.system, postgres


def fetch(client: httpx.Client, label: str, url: str) -> httpx.Response:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{label}: {response.status_code} {response.text[:300]}")
    return response


def round_robin(meter: CpuMeter, pages: list[Page], rounds: int, warm_up: int = 3) -> list[Timing]:
    """``rounds`` times one request of each page, after ``warm_up`` rounds that are not counted."""
    timings = [Timing(page.label) for page in pages]
    for index in range(warm_up + rounds):
        for page, timing in zip(pages, timings, strict=True):
            api, postgres = meter.seconds()
            started = time.perf_counter()
            response = fetch(page.client, page.label, page.url)
            elapsed = (time.perf_counter() - started) * 1000
            after = meter.seconds()
            if index < warm_up:
                continue
            timing.ms.append(elapsed)
            timing.size = len(response.content)
            timing.api_cpu_ms += (after[0] - api) * 1000
            timing.postgres_cpu_ms += (after[1] - postgres) * 1000
    return timings


async def _parallel(cookies: list[httpx.Cookies], url: str, each: int, timing: Timing) -> None:
    async def user(jar: httpx.Cookies) -> None:
        async with httpx.AsyncClient(cookies=jar, headers=BROWSER, timeout=120.0) as client:
            await client.get(url)  # its connection opened before the clock runs
            for _ in range(each):
                started = time.perf_counter()
                response = await client.get(url)
                timing.ms.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                timing.size = len(response.content)

    await asyncio.gather(*(user(jar) for jar in cookies))


def parallel(meter: CpuMeter, label: str, cookies: list[httpx.Cookies], url: str, each: int) -> tuple[Timing, float]:
    """Every user (one cookie jar each) asks ``url`` ``each`` times, all at once; the timing and requests/s."""
    timing = Timing(label)
    api, postgres = meter.seconds()
    started = time.perf_counter()
    asyncio.run(_parallel(cookies, url, each, timing))
    elapsed = time.perf_counter() - started
    after = meter.seconds()
    timing.api_cpu_ms, timing.postgres_cpu_ms = (after[0] - api) * 1000, (after[1] - postgres) * 1000
    return timing, len(timing.ms) / elapsed


HEADER = f"  {'page':<36} {'p50 ms':>7} {'p95':>7} {'max':>7} {'x floor':>7} {'API cpu':>8} {'PG cpu':>7} {'KiB':>8}"


def row(timing: Timing, floor: float, extra: str = "") -> str:
    """One line: p50/p95/max, the p50's ratio to ``floor``, CPU ms per request, size."""
    count = max(1, len(timing.ms))
    return (
        f"  {timing.label:<36} {timing.p50:7.1f} {timing.cut(95):7.1f} {max(timing.ms):7.1f} {timing.p50 / floor:7.1f}"
        f" {timing.api_cpu_ms / count:8.1f} {timing.postgres_cpu_ms / count:7.1f} {timing.size / 1024:8.1f}{extra}"
    )
