"""Issue 11 #1: one tenant cannot take the Partner API down for the others.

Two real API processes on loopback, sharing one Redis: tenant B's slow uploads (headers announcing 1 MB, then a
byte at a time) hold neither a database connection nor the other tenants' capacity, are cut with 408, and B's
requests beyond its own concurrency get 429; a tenant's request rate is counted across both processes.
Assertions are on statuses and counts only; the latency figures are tests/bench/bench_abuse.py's.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pdp.platform.settings import Settings
from tests.conftest import NewTenant, TenantFixture
from tests.security.api_processes import api_processes, open_slow_upload, response_status, trickle

GLOBAL_IN_FLIGHT = 8
TENANT_IN_FLIGHT = 3
BURST = 12
SLOW_UPLOADS = 10


@pytest.fixture(scope="module")
def api(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    log_dir: Path = tmp_path_factory.mktemp("abuse")
    with api_processes(
        settings,
        2,
        log_dir,
        api_max_in_flight=GLOBAL_IN_FLIGHT,
        api_tenant_max_in_flight=TENANT_IN_FLIGHT,
        api_tenant_rate_per_second=0.1,  # next to nothing refills during a test: counts are exact
        api_tenant_rate_burst=BURST,
        api_body_grace_seconds=1.0,
        api_body_min_bytes_per_second=1000,
    ) as urls:
        yield urls


@pytest.fixture
async def two_tenants(new_tenant: NewTenant) -> tuple[TenantFixture, TenantFixture]:
    return await new_tenant("Tenant A"), await new_tenant("Tenant B")


def test_slow_uploads_of_one_tenant_leave_the_others_served(
    api: list[str], two_tenants: tuple[TenantFixture, TenantFixture]
) -> None:
    tenant_a, tenant_b = two_tenants
    url = api[0]
    slow = [open_slow_upload(url, tenant_b.api_key) for _ in range(SLOW_UPLOADS)]
    try:
        time.sleep(0.3)  # every slow request reaches the server (on loopback, well within this)
        with httpx.Client(base_url=url, timeout=10.0) as client:
            a_statuses = [client.get("/v1/me", headers=tenant_a.headers).status_code for _ in range(6)]
            b_meanwhile = client.get("/v1/me", headers=tenant_b.headers)
        for _ in range(8):  # 1 byte every 0.25 s: far below 1000 bytes/s
            for sock in slow:
                trickle(sock)
            time.sleep(0.25)
        answers = [response_status(sock, within=5.0) for sock in slow]
    finally:
        for sock in slow:
            sock.close()

    assert a_statuses == [200] * 6
    assert b_meanwhile.status_code == 429
    assert b_meanwhile.json()["code"] == "rate_limited"
    assert int(b_meanwhile.headers["retry-after"]) >= 1
    statuses = [status for status, _ in answers]
    assert statuses.count(408) == TENANT_IN_FLIGHT  # B's own slots, cut for slowness
    # the others refused at once: B's concurrency (429), or, arriving all together, the process's cap (503)
    assert {status for status in statuses if status != 408} <= {429, 503}
    assert statuses.count(429) >= 1
    assert all('"code":"request_timeout"' in body for status, body in answers if status == 408)
    with httpx.Client(base_url=url, timeout=10.0) as client:
        assert client.get("/v1/me", headers=tenant_b.headers).status_code == 200  # its slots were given back


def test_request_rate_is_per_tenant_and_shared_by_every_api_process(
    api: list[str], two_tenants: tuple[TenantFixture, TenantFixture]
) -> None:
    other, greedy = two_tenants
    responses = [httpx.get(f"{api[i % 2]}/v1/me", headers=greedy.headers, timeout=10.0) for i in range(20)]

    served = [r for r in responses if r.status_code == 200]
    limited = [r for r in responses if r.status_code == 429]
    assert BURST <= len(served) <= BURST + 1  # one token may refill at 0.1/s while the 20 requests run
    assert len(served) + len(limited) == 20
    first = served[0]
    assert (first.headers["ratelimit-limit"], first.headers["ratelimit-remaining"]) == (str(BURST), str(BURST - 1))
    assert int(first.headers["ratelimit-reset"]) >= 1
    refused = limited[0]
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit-remaining"] == "0"
    assert httpx.get(f"{api[1]}/v1/me", headers=other.headers, timeout=10.0).status_code == 200
