"""A backing service that is down gives 503 with a stable code, never a 500 or a hang."""

from __future__ import annotations

import socket
from dataclasses import replace

from litestar.testing import AsyncTestClient

from pdp.platform.settings import Settings
from pdp.web.app import create_app
from tests.conftest import TenantFixture
from tests.factories import provider_payload


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


async def test_database_down_is_503_service_unavailable(settings: Settings, tenant: TenantFixture) -> None:
    port = _closed_port()
    broken = replace(
        settings,
        database_url=settings.database_url.replace(
            settings.database_url.split("@", 1)[1].split("/", 1)[0], f"127.0.0.1:{port}"
        ),
    )
    async with AsyncTestClient(create_app(broken)) as client:
        response = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
        assert response.status_code == 503
        assert response.json()["code"] == "service_unavailable"
        assert "127.0.0.1" not in response.text  # no driver text leaks
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"]["ok"] is False


async def test_redis_and_s3_down_make_readyz_503_but_the_api_still_serves(
    settings: Settings, tenant: TenantFixture
) -> None:
    broken = replace(
        settings, redis_url=f"redis://127.0.0.1:{_closed_port()}/0", s3_endpoint=f"http://127.0.0.1:{_closed_port()}"
    )
    async with AsyncTestClient(create_app(broken)) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        checks = ready.json()["checks"]
        assert (checks["database"]["ok"], checks["redis"]["ok"], checks["s3"]["ok"]) == (True, False, False)
        created = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
        assert created.status_code == 201


async def test_past_its_in_flight_limit_an_api_process_answers_503_overloaded_at_once(
    settings: Settings, tenant: TenantFixture
) -> None:
    app = create_app(replace(settings, api_max_in_flight=3))
    async with AsyncTestClient(app) as client:
        resources = app.state.resources
        resources.in_flight = 3  # three requests still being worked on
        refused = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
        assert refused.status_code == 503
        assert refused.json()["code"] == "overloaded" and refused.headers["retry-after"] == "1"
        resources.in_flight = 2
        assert (await client.get("/v1/providers", headers=tenant.headers)).json()["data"] == []  # nothing written
        accepted = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
        assert accepted.status_code == 201, accepted.text
        assert resources.in_flight == 2  # every request that was let in gave its place back
