"""``Idempotency-Key`` on POST: replay, conflict on another body, per-tenant scope, concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import TenantFixture
from tests.factories import provider_payload


async def _count(client: Any, tenant: TenantFixture) -> int:
    return len((await client.get("/v1/providers?limit=100", headers=tenant.headers)).json()["data"])


async def test_same_key_same_body_replays_the_first_response(client: Any, tenant: TenantFixture) -> None:
    payload = provider_payload()
    headers = {**tenant.headers, "Idempotency-Key": "create-1"}
    first = await client.post("/v1/providers", json=payload, headers=headers)
    second = await client.post("/v1/providers", json=payload, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert await _count(client, tenant) == 1


async def test_same_key_another_body_is_409(client: Any, tenant: TenantFixture) -> None:
    headers = {**tenant.headers, "Idempotency-Key": "create-2"}
    assert (await client.post("/v1/providers", json=provider_payload(), headers=headers)).status_code == 201
    reused = await client.post("/v1/providers", json=provider_payload(), headers=headers)
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert await _count(client, tenant) == 1


async def test_a_failed_request_leaves_the_key_free(client: Any, tenant: TenantFixture) -> None:
    headers = {**tenant.headers, "Idempotency-Key": "create-3"}
    bad = await client.post("/v1/providers", json=provider_payload(siret="1"), headers=headers)
    assert bad.status_code == 422
    good = await client.post("/v1/providers", json=provider_payload(), headers=headers)
    assert good.status_code == 201


async def test_keys_are_scoped_to_the_tenant(client: Any, tenant: TenantFixture, other_tenant: TenantFixture) -> None:
    payload = provider_payload()
    mine = await client.post("/v1/providers", json=payload, headers={**tenant.headers, "Idempotency-Key": "shared-key"})
    theirs = await client.post(
        "/v1/providers", json=payload, headers={**other_tenant.headers, "Idempotency-Key": "shared-key"}
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert "idempotent-replayed" not in theirs.headers


async def test_concurrent_identical_posts_create_one_provider(client: Any, tenant: TenantFixture) -> None:
    payload = provider_payload()
    headers = {**tenant.headers, "Idempotency-Key": "burst"}
    responses = await asyncio.gather(*(client.post("/v1/providers", json=payload, headers=headers) for _ in range(20)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert await _count(client, tenant) == 1


async def test_invalid_key_header_is_400(client: Any, tenant: TenantFixture) -> None:
    response = await client.post(
        "/v1/providers", json=provider_payload(), headers={**tenant.headers, "Idempotency-Key": "x" * 256}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"


async def test_an_oversized_body_is_413_with_or_without_a_key(client: Any, tenant: TenantFixture) -> None:
    huge = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    for extra in ({}, {"Idempotency-Key": "big"}):
        response = await client.post(
            "/v1/providers", content=huge, headers={**tenant.headers, **extra, "content-type": "application/json"}
        )
        assert response.status_code == 413, extra
        assert response.json()["code"] == "payload_too_large"
