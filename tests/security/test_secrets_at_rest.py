"""Issue 11 #3: a secret shown once is stored nowhere in clear, and an Idempotency-Key replay never shows it
(a webhook secret's rotation, issue 15, included).

Before: ``idempotency_keys.response_body`` kept the whole answer of ``POST /v1/api-keys`` and
``POST /v1/webhook-endpoints`` for 168 hours, and any key of the tenant replayed the secret.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.webhooks.service import secret_context
from tests.conftest import NewTenant, TenantFixture

ENDPOINT = {"url": "https://example.com/pdp-hooks", "events": ["*"]}


async def _created(client: Any, tenant: TenantFixture, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    response = await client.post(path, json=body, headers={**tenant.headers, "Idempotency-Key": key})
    assert response.status_code == 201, response.text
    assert "secret" in response.json()
    return dict(response.json())


async def _holding(owner_engine: AsyncEngine, needle: str) -> list[str]:
    """Every column of every table in the schema that holds ``needle``, text or bytes (as the owner: no RLS)."""
    async with owner_engine.connect() as conn:
        columns = (
            await conn.execute(
                text(
                    "SELECT table_name, column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND data_type IN "
                    "('text', 'character varying', 'bytea', 'jsonb', 'json', 'ARRAY')"
                )
            )
        ).all()
        found = []
        for table, column, kind in columns:
            if kind == "bytea":
                condition = f"position(convert_to(:needle, 'UTF8') in \"{column}\") > 0"
            else:
                condition = f"\"{column}\"::text LIKE '%' || :needle || '%'"
            hits = await conn.execute(text(f'SELECT count(*) FROM "{table}" WHERE {condition}'), {"needle": needle})
            if hits.scalar_one():
                found.append(f"{table}.{column}")
        return found


async def test_a_replayed_key_creation_never_shows_the_secret(client: Any, new_tenant: NewTenant) -> None:
    tenant = await new_tenant()
    first = await _created(client, tenant, "/v1/api-keys", {"name": "ci", "scopes": ["read"]}, "mint-1")
    replay = await client.post(
        "/v1/api-keys", json={"name": "ci", "scopes": ["read"]}, headers={**tenant.headers, "Idempotency-Key": "mint-1"}
    )
    assert replay.status_code == 409, replay.text
    assert replay.headers["idempotent-replayed"] == "true"
    body = replay.json()
    assert body["code"] == "idempotency_replay_unavailable"
    assert body["created"] == {"object": "api_key", "id": first["id"]}  # what to revoke
    assert first["secret"] not in replay.text
    keys = (await client.get("/v1/api-keys", headers=tenant.headers)).json()["data"]
    assert sum(1 for key in keys if key["name"] == "ci") == 1  # the retry created nothing


async def test_a_replayed_webhook_endpoint_never_shows_the_secret(client: Any, new_tenant: NewTenant) -> None:
    tenant = await new_tenant()
    first = await _created(client, tenant, "/v1/webhook-endpoints", ENDPOINT, "hook-1")
    replay = await client.post(
        "/v1/webhook-endpoints", json=ENDPOINT, headers={**tenant.headers, "Idempotency-Key": "hook-1"}
    )
    assert replay.status_code == 409 and replay.json()["code"] == "idempotency_replay_unavailable"
    assert replay.json()["created"] == {"object": "webhook_endpoint", "id": first["id"]}
    assert first["secret"] not in replay.text


async def test_the_database_holds_no_secret_in_clear(
    client: Any, new_tenant: NewTenant, owner_engine: AsyncEngine
) -> None:
    tenant = await new_tenant()
    key = await _created(client, tenant, "/v1/api-keys", {"name": "ci"}, "mint-2")
    endpoint = await _created(client, tenant, "/v1/webhook-endpoints", ENDPOINT, "hook-2")
    # The search finds what is there, in bytes too: the kept refusal names the key.
    assert "idempotency_keys.response_body" in await _holding(owner_engine, key["id"])
    for secret in (key["secret"], endpoint["secret"], tenant.api_key):
        assert await _holding(owner_engine, secret) == [], secret[:12]
    # Nor any recognisable part: the body of a key after its prefix, the token of a webhook secret.
    assert await _holding(owner_engine, key["secret"].split("_")[-1][:20]) == []
    assert await _holding(owner_engine, endpoint["secret"].removeprefix("whsec_")[:20]) == []


async def test_a_replayed_secret_rotation_never_shows_the_secret_nor_rotates_again(
    client: Any, new_tenant: NewTenant, owner_engine: AsyncEngine, settings: Settings
) -> None:
    tenant = await new_tenant()
    endpoint = await _created(client, tenant, "/v1/webhook-endpoints", ENDPOINT, "hook-3")
    path = f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret"
    headers = {**tenant.headers, "Idempotency-Key": "roll-1"}
    rotated = await client.post(path, json={"previous_secret_expires_in_hours": 1}, headers=headers)
    assert rotated.status_code == 200, rotated.text
    secret = rotated.json()["secret"]

    replay = await client.post(path, json={"previous_secret_expires_in_hours": 1}, headers=headers)
    assert replay.status_code == 409, replay.text
    assert replay.headers["idempotent-replayed"] == "true"
    body = replay.json()
    assert body["code"] == "idempotency_replay_unavailable"
    assert body["rotated"] == {"object": "webhook_endpoint", "id": endpoint["id"]}  # what to rotate again
    assert "created" not in body and "rotate-secret" in body["detail"]
    assert secret not in replay.text
    for shown in (secret, endpoint["secret"]):
        assert await _holding(owner_engine, shown) == [], shown[:12]
        assert await _holding(owner_engine, shown.removeprefix("whsec_")[:20]) == []
    async with owner_engine.connect() as conn:
        query = text("SELECT secret_enc FROM webhook_endpoints WHERE id = :e")
        sealed = (await conn.execute(query, {"e": endpoint["id"]})).scalar_one()
    context = secret_context(tenant.id, endpoint["id"])
    assert Envelope(settings.master_keys).decrypt(sealed, context=context) == secret  # the replay rotated nothing
