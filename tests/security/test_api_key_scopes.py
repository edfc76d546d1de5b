"""Issue 11 #6: API keys carry scopes and a mode, enforced on every route before anything else runs.

Before scopes, any key could do everything: a test key minted live keys, a read-only integration could deposit,
and any key revoked the others.
"""

from __future__ import annotations

from typing import Any

from pdp.platform.db.session import unit_of_work
from pdp.tenants.accounts import scopes
from pdp.tenants.accounts import service as accounts
from tests.conftest import NewTenant, TenantFixture
from tests.factories import provider_payload


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def _key(client: Any, admin: TenantFixture, *wanted: str) -> dict[str, Any]:
    created = await client.post(
        "/v1/api-keys", json={"name": "-".join(wanted), "scopes": list(wanted)}, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def _refused(response: Any, needed: str) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == "insufficient_scope" and body["needed_scope"] == needed, body


async def test_the_first_key_is_admin_and_scopes_are_stored_closed(client: Any, new_tenant: NewTenant) -> None:
    tenant = await new_tenant()
    me = (await client.get("/v1/me", headers=tenant.headers)).json()
    assert me["api_key"]["scopes"] == ["read", "deposit", "admin"]
    deposit = await _key(client, tenant, "deposit")
    assert deposit["scopes"] == ["read", "deposit"] and deposit["mode"] == "test"


async def test_a_test_key_cannot_mint_a_live_key(client: Any, new_tenant: NewTenant) -> None:
    tenant = await new_tenant()
    response = await client.post("/v1/api-keys", json={"name": "prod", "mode": "live"}, headers=tenant.headers)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "api_key_mode_forbidden"
    listed = (await client.get("/v1/api-keys", headers=tenant.headers)).json()["data"]
    assert all(key["mode"] == "test" for key in listed)


async def test_a_live_key_cannot_mint_a_test_key_either(client: Any, sessionmaker: Any) -> None:
    from pdp.platform import ids

    async with unit_of_work(sessionmaker, tenant_id=ids.new_id("tenant")) as session:
        _, issued = await accounts.create_tenant(session, "Live platform", key_mode="live")
    response = await client.post("/v1/api-keys", json={"name": "t", "mode": "test"}, headers=_bearer(issued.secret))
    assert response.json()["code"] == "api_key_mode_forbidden"
    created = await client.post("/v1/api-keys", json={"name": "same"}, headers=_bearer(issued.secret))
    assert created.status_code == 201 and created.json()["secret"].startswith("pdp_live_")


async def test_a_read_key_cannot_deposit_create_or_revoke(client: Any, new_tenant: NewTenant) -> None:
    tenant = await new_tenant()
    read = _bearer((await _key(client, tenant, "read"))["secret"])
    assert (await client.get("/v1/providers", headers=read)).status_code == 200
    _refused(await client.post("/v1/providers", json=provider_payload(), headers=read), "deposit")
    _refused(
        await client.post("/v1/invoices", json={"provider_id": "prv_x"}, headers=read), "deposit"
    )  # refused before the body is even looked at
    _refused(await client.post("/v1/invoice-batches", headers=read), "deposit")
    _refused(await client.post(f"/v1/api-keys/{tenant.api_key_id}/revoke", headers=read), "admin")
    _refused(await client.get("/v1/api-keys", headers=read), "admin")
    assert (await client.get("/v1/me", headers=tenant.headers)).status_code == 200  # the admin key still works


async def test_a_read_key_cannot_replay_a_deposit_either(client: Any, new_tenant: NewTenant) -> None:
    tenant = await new_tenant()
    read = _bearer((await _key(client, tenant, "read"))["secret"])
    headers = {"Idempotency-Key": "onboard-1"}
    payload = provider_payload()
    first = await client.post("/v1/providers", json=payload, headers={**tenant.headers, **headers})
    assert first.status_code == 201
    _refused(await client.post("/v1/providers", json=payload, headers={**read, **headers}), "deposit")


async def test_a_deposit_key_deposits_but_cannot_touch_keys_or_webhooks(client: Any, new_tenant: NewTenant) -> None:
    tenant = await new_tenant()
    deposit = _bearer((await _key(client, tenant, "deposit"))["secret"])
    assert (await client.post("/v1/providers", json=provider_payload(), headers=deposit)).status_code == 201
    _refused(await client.post("/v1/api-keys", json={"name": "x", "scopes": ["read"]}, headers=deposit), "admin")
    _refused(await client.post(f"/v1/api-keys/{tenant.api_key_id}/revoke", headers=deposit), "admin")
    _refused(
        await client.post(
            "/v1/webhook-endpoints", json={"url": "https://example.com/h", "events": ["*"]}, headers=deposit
        ),
        "admin",
    )
    assert (await client.get("/v1/webhook-endpoints", headers=deposit)).status_code == 200


async def test_a_key_never_grants_more_than_it_holds(client: Any, new_tenant: NewTenant, sessionmaker: Any) -> None:
    tenant = await new_tenant()
    # A deposit key cannot create keys at all; the grant rule itself, for a key that could:
    principal = accounts.Principal(tenant.id, "key_x", "test", scopes.closure(["deposit"]))
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        try:
            await accounts.issue_api_key(session, principal, "wider", mode=None, scopes=["admin"])
        except scopes.InsufficientScope as exc:
            assert exc.extra["needed_scope"] == "admin"
        else:
            raise AssertionError("a deposit key granted admin")
    unknown = await client.post("/v1/api-keys", json={"name": "x", "scopes": ["root"]}, headers=tenant.headers)
    assert unknown.status_code == 422


async def test_the_openapi_description_names_each_operations_scope(client: Any) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    needed = {
        (path, method): operation["security"][0]["apiKey"]
        for path, item in spec["paths"].items()
        if path.startswith("/v1/")
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    }
    assert needed[("/v1/api-keys", "post")] == ["admin"]
    assert needed[("/v1/api-keys", "get")] == ["admin"]
    assert needed[("/v1/webhook-endpoints", "post")] == ["admin"]
    assert needed[("/v1/invoices", "post")] == ["deposit"]
    assert needed[("/v1/me", "get")] == ["read"]
    assert all(value and value[0] in scopes.SCOPES for value in needed.values())
