"""Tenant isolation: every route answers 404 for another tenant's object; RLS is the backstop underneath."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.db import tenancy
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import TenantContextMissing
from pdp.tenants.providers.repository import ProviderRepository
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.journeys import active_mandate, deposit_cii, seller_provider

# What a path parameter names, and how to make one in tenant A. A new parameterised route whose parameter is
# not here fails test_every_parameterised_route_is_covered: add it, with its object factory.
PARAMETERS = {
    "provider_id",
    "key_id",
    "mandate_id",
    "invoice_id",
    "document_id",
    "endpoint_id",
    "delivery_id",
    "event_id",
}
# Parameters naming public data, the same for every tenant (no tenant can own it), with the reason.
PUBLIC_PARAMETERS = {"siret": "/v1/recipients: Chorus Pro's public directory"}
# Valid bodies, so each attempt gets past validation and reaches the tenant check.
BODIES: dict[str, Any] = {
    "PATCH": {"name": "stolen"},
    "POST": {},
    "PUT": {"login": "TECH_1_stolen@cpro.fr", "password": "stolen"},
}
BODIES_BY_PATH: dict[str, Any] = {"/v1/providers/{provider_id:str}/mandates": {"valid_from": "2026-01-01"}}


async def _objects_of(client: Any, tenant: TenantFixture) -> dict[str, str]:
    endpoint = await client.post(
        "/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/hook", "events": ["*"]}, headers=tenant.headers
    )
    provider = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    key = await client.post("/v1/api-keys", json={"name": "victim"}, headers=tenant.headers)
    provider_id = provider.json()["id"]
    mandate = await client.post(
        f"/v1/providers/{provider_id}/mandates", json={"valid_from": "2026-01-01"}, headers=tenant.headers
    )
    seller = await seller_provider(client, tenant)
    await active_mandate(client, tenant, seller["id"])
    invoice = (await deposit_cii(client, tenant, seller["id"])).json()
    documents = await client.get(f"/v1/invoices/{invoice['id']}/documents", headers=tenant.headers)
    endpoint_id = endpoint.json()["id"]
    deliveries = await client.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries", headers=tenant.headers)
    events = await client.get("/v1/events", headers=tenant.headers)
    return {
        "endpoint_id": endpoint_id,
        "delivery_id": deliveries.json()["data"][0]["id"],
        "event_id": events.json()["data"][0]["id"],
        "provider_id": provider_id,
        "key_id": key.json()["id"],
        "mandate_id": mandate.json()["id"],
        "invoice_id": invoice["id"],
        "document_id": documents.json()["data"][0]["id"],
    }


def _parameterised_routes(client: AsyncTestClient) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    routes = []
    for route in client.app.routes:
        if not route.path.startswith("/v1/") or "{" not in route.path:
            continue
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            routes.append((method, route.path))
    return routes


async def test_every_parameterised_route_is_covered(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    routes = _parameterised_routes(client)
    assert routes, "no parameterised /v1 route found"
    for _, path in routes:
        names = set(re.findall(r"{(\w+):?\w*}", path))
        unknown = names - PARAMETERS - PUBLIC_PARAMETERS.keys()
        assert not unknown, f"{path}: add {unknown} to PARAMETERS and _objects_of"


async def test_another_tenants_object_is_404_on_every_route(
    client: AsyncTestClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,  # type: ignore[type-arg]
) -> None:
    victims = await _objects_of(client, tenant)
    for method, path in _parameterised_routes(client):
        if set(re.findall(r"{(\w+):?\w*}", path)) <= PUBLIC_PARAMETERS.keys():
            continue
        url = re.sub(r"{(\w+):?\w*}", lambda m: victims[m.group(1)], path)
        body = BODIES_BY_PATH.get(path, BODIES.get(method))
        response = await client.request(method, url, json=body, headers=other_tenant.headers)
        assert response.status_code == 404, f"{method} {url} → {response.status_code}"
        assert response.json()["code"] == "not_found"
    # Nothing was changed by those attempts.
    provider = (await client.get(f"/v1/providers/{victims['provider_id']}", headers=tenant.headers)).json()
    assert provider["name"] != "stolen"
    assert (await client.get("/v1/me", headers=tenant.headers)).status_code == 200


async def test_lists_and_filters_never_show_another_tenant(
    client: AsyncTestClient,
    tenant: TenantFixture,
    other_tenant: TenantFixture,  # type: ignore[type-arg]
) -> None:
    victims = await _objects_of(client, tenant)
    mine = await client.get("/v1/providers?limit=100", headers=other_tenant.headers)
    assert victims["provider_id"] not in {p["id"] for p in mine.json()["data"]}
    victim = (await client.get(f"/v1/providers/{victims['provider_id']}", headers=tenant.headers)).json()
    by_siret = await client.get(f"/v1/providers?siret={victim['siret']}", headers=other_tenant.headers)
    assert by_siret.json()["data"] == []
    invoices = await client.get("/v1/invoices?limit=100", headers=other_tenant.headers)
    assert victims["invoice_id"] not in {i["id"] for i in invoices.json()["data"]}
    mandates = await client.get("/v1/mandates?limit=100", headers=other_tenant.headers)
    assert victims["mandate_id"] not in {m["id"] for m in mandates.json()["data"]}
    keys = await client.get("/v1/api-keys?limit=100", headers=other_tenant.headers)
    assert victims["key_id"] not in {k["id"] for k in keys.json()["data"]}
    events = await client.get("/v1/events?limit=100", headers=other_tenant.headers)
    assert victims["event_id"] not in {e["id"] for e in events.json()["data"]}
    endpoints = await client.get("/v1/webhook-endpoints?limit=100", headers=other_tenant.headers)
    assert victims["endpoint_id"] not in {e["id"] for e in endpoints.json()["data"]}


async def test_raw_query_without_tenant_context_sees_no_rows(
    client: AsyncTestClient,
    tenant: TenantFixture,
    app_engine: AsyncEngine,
    owner_engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    await _objects_of(client, tenant)
    async with owner_engine.connect() as conn:
        tables = (
            (
                await conn.execute(
                    text(
                        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
                        "AND column_name = 'tenant_id'"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert {"providers", "api_keys", "audit_events"} <= set(tables)
    async with app_engine.connect() as conn:
        for table in [*tables, "tenants"]:
            visible = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            assert visible == 0, f"{table}: {visible} rows visible without a tenant"


async def test_a_pooled_connection_does_not_leak_the_tenant(
    client: AsyncTestClient,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],  # type: ignore[type-arg]
) -> None:
    await _objects_of(client, tenant)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        assert (await session.execute(text("SELECT count(*) FROM providers"))).scalar_one() >= 1
    async with sessionmaker() as session:  # same pool, no tenant
        assert (await session.execute(text("SELECT count(*) FROM providers"))).scalar_one() == 0


async def test_rls_refuses_writing_into_another_tenant(
    tenant: TenantFixture, other_tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        tenancy.bind_tenant(session, tenant.id)
        async with session.begin():
            try:
                await session.execute(
                    text(
                        "INSERT INTO providers (tenant_id, id, siret, siren, vat_number, name, email) "
                        "VALUES (:t, 'prv_x', '1', '1', '1', 'x', 'x')"
                    ),
                    {"t": other_tenant.id},
                )
            except Exception as exc:
                assert "row-level security" in str(exc)
            else:
                raise AssertionError("RLS let a row into another tenant")


async def test_repository_refuses_to_run_without_a_tenant(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        try:
            ProviderRepository(session)
        except TenantContextMissing:
            return
    raise AssertionError("a tenant repository was built without a tenant context")
