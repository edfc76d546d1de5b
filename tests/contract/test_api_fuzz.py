"""Fuzz the Partner API from its own OpenAPI document (schemathesis): no input may produce a 5xx.

A live `pdp serve` process runs against the test engines; schemathesis generates valid and invalid requests for
every operation. Checks: never a server error, invalid data is rejected with a 4xx, authentication is enforced,
and every status code, content type and body matches what the document declares.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from pdp.platform.settings import Settings, describe
from tests.conftest import NewTenant, TenantFixture

# Examples per operation: 40 in CI; raise it (PDP_FUZZ_EXAMPLES=500) for a deeper local run.
EXAMPLES = int(os.environ.get("PDP_FUZZ_EXAMPLES", "40"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_api(settings: Settings) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
    for name, _, _ in describe():
        env[name] = str(getattr(settings, name.removeprefix("PDP_").lower()))
    env["PDP_PORT"] = str(port)
    server = subprocess.Popen(
        [sys.executable, "-m", "pdp.cli.main", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            assert server.poll() is None, server.stderr.read()  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
async def fuzz_tenant(new_tenant: NewTenant) -> TenantFixture:
    return await new_tenant("Fuzzed platform")


@pytest.fixture(scope="session")
def api_schema(live_api: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live_api}/api/openapi.json")


def test_no_request_gets_a_server_error(
    api_schema: schemathesis.BaseSchema, live_api: str, fuzz_tenant: TenantFixture
) -> None:
    # schemathesis' own pytest plugin does not run on pytest 9: drive each operation's strategy directly.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=live_api,
                headers=fuzz_tenant.headers,
                checks=[
                    not_a_server_error,
                    negative_data_rejection,
                    ignored_auth,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
            )

        check()
