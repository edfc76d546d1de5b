"""The webhook endpoints and events API: secrets shown once and stored encrypted, URL rules, pagination."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.db.session import unit_of_work
from pdp.platform.security.envelope import DecryptionError, Envelope
from pdp.platform.settings import Settings
from pdp.tenants.webhooks.models import WebhookEndpoint
from pdp.tenants.webhooks.repository import EndpointRepository
from pdp.tenants.webhooks.service import secret_context
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.webhooks.conftest import register


async def test_the_secret_is_shown_once_and_stored_encrypted(
    client: Any,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    created = await register(client, tenant, "https://hooks.example.com/pdp", ["invoice.status_changed"])
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["events"] == ["invoice.status_changed"] and created["url"] == "https://hooks.example.com/pdp"

    one = (await client.get(f"/v1/webhook-endpoints/{created['id']}", headers=tenant.headers)).json()
    listed = (await client.get("/v1/webhook-endpoints", headers=tenant.headers)).json()["data"]
    assert "secret" not in one and all("secret" not in e for e in listed)
    assert one == {k: v for k, v in created.items() if k != "secret"}
    assert created["id"] in {e["id"] for e in listed}

    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        stored: WebhookEndpoint = await EndpointRepository(session).get(created["id"])
    assert created["secret"] not in stored.secret_enc and stored.secret_enc.startswith("v1.")
    envelope = Envelope(settings.master_keys)
    assert envelope.decrypt(stored.secret_enc, context=secret_context(tenant.id, created["id"])) == created["secret"]
    with pytest.raises(DecryptionError):  # bound to its tenant and endpoint
        envelope.decrypt(stored.secret_enc, context=secret_context(other_tenant.id, created["id"]))


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("ftp://hooks.example.com/x", "PDP-WEBHOOK-URL-SCHEME"),
        ("javascript:alert(1)", "PDP-WEBHOOK-URL-SCHEME"),
        ("hooks.example.com/no-scheme", "PDP-WEBHOOK-URL-SCHEME"),
        ("https://exa mple.com/", "PDP-WEBHOOK-URL-SCHEME"),
        ("https://user:password@hooks.example.com/", "PDP-WEBHOOK-URL-CREDENTIALS"),
        ("https://hooks.example.com:99999/", "PDP-WEBHOOK-URL-SYNTAX"),
        ("https://hooks.example.com/" + "a" * 3000, "PDP-WEBHOOK-URL-LENGTH"),
    ],
)
async def test_bad_urls_are_refused_with_a_stable_code(client: Any, tenant: TenantFixture, url: str, rule: str) -> None:
    response = await client.post("/v1/webhook-endpoints", json={"url": url, "events": ["*"]}, headers=tenant.headers)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "webhook_url_invalid"
    assert [(e["rule"], e["path"]) for e in problem["errors"]] == [(rule, "$.url")]


async def test_unknown_event_types_and_empty_subscriptions_are_refused(client: Any, tenant: TenantFixture) -> None:
    for events in (["invoice.paid"], [], "provider.created"):
        response = await client.post(
            "/v1/webhook-endpoints", json={"url": "https://h.example.com/", "events": events}, headers=tenant.headers
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_failed"


async def test_deleted_endpoints_disappear(client: Any, tenant: TenantFixture) -> None:
    endpoint = await register(client, tenant, "http://127.0.0.1:9/hook", ["provider.created", "provider.created"])
    assert endpoint["events"] == ["provider.created"]
    assert (await client.delete(f"/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers)).status_code == 200
    assert (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers)).status_code == 404
    assert (await client.delete(f"/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers)).status_code == 404
    listed = (await client.get("/v1/webhook-endpoints", headers=tenant.headers)).json()["data"]
    assert endpoint["id"] not in {e["id"] for e in listed}


async def test_events_are_listed_newest_first_page_by_page_and_by_type(client: Any, tenant: TenantFixture) -> None:
    providers = []
    for _ in range(3):
        response = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
        providers.append(response.json()["id"])
    first = (await client.get("/v1/events?limit=2", headers=tenant.headers)).json()
    assert first["has_more"] is True and len(first["data"]) == 2
    rest = (
        await client.get(f"/v1/events?limit=2&starting_after={first['data'][-1]['id']}", headers=tenant.headers)
    ).json()
    assert rest["has_more"] is False
    events = first["data"] + rest["data"]
    assert [e["data"]["provider_id"] for e in events] == providers[::-1]
    assert {e["type"] for e in events} == {"provider.created"}
    by_type = await client.get("/v1/events?type=invoice.created", headers=tenant.headers)
    assert by_type.json()["data"] == []
    assert (await client.get("/v1/events?type=nonsense", headers=tenant.headers)).status_code == 422
    assert (await client.get(f"/v1/events/{events[0]['id']}", headers=tenant.headers)).json() == events[0]
