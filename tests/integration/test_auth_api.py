"""API keys: prefixed, shown once, stored hashed, revocable at once; ``GET /v1/me``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TenantFixture


async def test_me_names_the_tenant_and_key(client: Any, tenant: TenantFixture) -> None:
    response = await client.get("/v1/me", headers=tenant.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["tenant"]["id"] == tenant.id
    assert body["api_key"]["id"] == tenant.api_key_id
    assert body["api_key"]["last4"] == tenant.api_key[-4:]
    assert "secret" not in body["api_key"]


async def test_missing_and_invalid_keys_are_401(client: Any) -> None:
    cases = {
        None: "api_key_missing",
        "Basic abc": "api_key_missing",
        "Bearer nope": "api_key_invalid",
        "Bearer pdp_test_" + "A" * 43: "api_key_invalid",
    }
    for authorization, code in cases.items():
        headers = {"Authorization": authorization} if authorization else {}
        response = await client.get("/v1/providers", headers=headers)
        assert response.status_code == 401, authorization
        assert response.json()["code"] == code
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_new_key_is_shown_once_and_revocation_is_immediate(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    created = await client.post("/v1/api-keys", json={"name": "ci"}, headers=tenant.headers)
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    # Of the caller's mode and scopes when the request names neither.
    assert secret.startswith("pdp_test_") and len(secret) == len("pdp_test_") + 43
    assert created.json()["mode"] == "test" and created.json()["scopes"] == ["read", "deposit", "admin"]
    key_id = created.json()["id"]

    listed = (await client.get("/v1/api-keys", headers=tenant.headers)).json()
    assert {k["id"] for k in listed["data"]} >= {key_id, tenant.api_key_id}
    assert all("secret" not in k for k in listed["data"])

    # Stored hashed: the raw secret appears nowhere in the database.
    async with owner_engine.connect() as conn:
        dump = (await conn.execute(text("SELECT string_agg(k::text, '') FROM api_keys k"))).scalar_one()
    assert secret not in dump and tenant.api_key not in dump

    new_headers = {"Authorization": f"Bearer {secret}"}
    assert (await client.get("/v1/me", headers=new_headers)).status_code == 200
    revoked = await client.post(f"/v1/api-keys/{key_id}/revoke", headers=tenant.headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    after = await client.get("/v1/me", headers=new_headers)
    assert after.status_code == 401
    assert after.json()["code"] == "api_key_revoked"
    # The other key keeps working.
    assert (await client.get("/v1/me", headers=tenant.headers)).status_code == 200


async def test_docs_and_health(client: Any) -> None:
    spec = await client.get("/api/openapi.json")
    assert spec.status_code == 200
    document = spec.json()
    assert document["openapi"].startswith("3.1")
    assert {"/v1/providers", "/v1/providers/{provider_id}", "/v1/me"} <= set(document["paths"])
    docs = await client.get("/api/docs")
    assert docs.status_code == 200 and "<html" in docs.text.lower()
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert {name for name, check in ready.json()["checks"].items() if check["ok"]} == {"database", "redis", "s3"}


async def test_every_response_carries_a_request_id(client: Any, tenant: TenantFixture) -> None:
    generated = await client.get("/v1/me", headers=tenant.headers)
    assert len(generated.headers["x-request-id"]) == 26
    echoed = await client.get("/v1/nothing", headers={**tenant.headers, "X-Request-Id": "acme-42"})
    assert echoed.headers["x-request-id"] == "acme-42"
    refused = await client.get("/healthz", headers={"X-Request-Id": "bad id\x7f"})
    assert refused.headers["x-request-id"] != "bad id\x7f"
