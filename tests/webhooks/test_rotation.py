"""Rotating a webhook endpoint's signing secret: the former one signs beside the new one until it expires."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.cli.key_tasks import rotate_keys
from pdp.platform import clock
from pdp.platform.audit import Actor
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import ValidationFailed
from pdp.platform.security import envelope as envelope_module
from pdp.platform.security.envelope import Envelope, SecretUnreadable, generate_master_key
from pdp.platform.settings import Settings
from pdp.tenants.webhooks import signature
from pdp.tenants.webhooks.service import rotate_secret, secret_context
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.webhooks.conftest import Worker, register
from tests.webhooks.receiver import Receiver


@pytest.fixture
def later() -> Iterator[Any]:
    """Moves pdp's clock forward by the given time (the wall clock stays: signatures are checked against it)."""

    def move(by: timedelta) -> None:
        clock.set_clock(lambda: datetime.now(UTC) + by)

    yield move
    clock.set_clock(None)


async def _rotate(client: Any, tenant: TenantFixture, endpoint_id: str, **body: Any) -> Any:
    return await client.post(
        f"/v1/webhook-endpoints/{endpoint_id}/rotate-secret", json=body or None, headers=tenant.headers
    )


async def _delivered_signature(client: Any, tenant: TenantFixture, worker: Worker, receiver: Receiver) -> Any:
    """The ``PDP-Signature`` of the delivery of a new event, with its body."""
    created = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert created.status_code == 201, created.text
    assert await worker.relay() == ["delivered"]
    received = receiver.requests[-1]
    return received.headers["pdp-signature"], received.body


def _v1s(header: str) -> list[str]:
    return [part.removeprefix("v1=") for part in header.split(",") if part.startswith("v1=")]


async def _stored(owner_engine: AsyncEngine, endpoint_id: str) -> Any:
    async with owner_engine.connect() as conn:
        query = text(
            "SELECT secret_enc, previous_secret_enc, previous_secret_expires_at FROM webhook_endpoints WHERE id = :e"
        )
        return (await conn.execute(query, {"e": endpoint_id})).one()


async def test_a_rotation_shows_a_new_secret_once_and_deliveries_carry_both_signatures(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker, owner_engine: AsyncEngine
) -> None:
    endpoint = await register(client, tenant, receiver.url(), ["provider.created"])
    rotated = await _rotate(client, tenant, endpoint["id"])  # no body: the former secret signs 24 hours more
    assert rotated.status_code == 200, rotated.text
    answer = rotated.json()
    assert answer["secret"].startswith("whsec_") and answer["secret"] != endpoint["secret"]
    assert {k: v for k, v in answer.items() if k != "secret"} == {k: v for k, v in endpoint.items() if k != "secret"}
    shown = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers)).json()
    assert "secret" not in shown

    header, body = await _delivered_signature(client, tenant, worker, receiver)
    sent_at = int(header.split(",")[0].removeprefix("t="))
    # The new secret's signature first, then the former one's: each receiver finds the one it checks with.
    expected = [signature.compute(s, sent_at, body) for s in (answer["secret"], endpoint["secret"])]
    assert _v1s(header) == expected
    for secret in (answer["secret"], endpoint["secret"]):
        assert signature.verify(secret, header, body) == sent_at

    stored = await _stored(owner_engine, endpoint["id"])
    assert timedelta(hours=23) < stored.previous_secret_expires_at - clock.now() <= timedelta(hours=24)
    async with owner_engine.connect() as conn:
        audited = text("SELECT data FROM audit_events WHERE target_id = :e AND action = :a")
        [data] = (await conn.execute(audited, {"e": endpoint["id"], "a": "webhook_endpoint.secret_rotated"})).scalars()
    assert data == {"previous_valid_until": stored.previous_secret_expires_at.isoformat()}


async def test_a_leaked_secret_stops_at_once_with_zero_hours(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker, owner_engine: AsyncEngine
) -> None:
    endpoint = await register(client, tenant, receiver.url(), ["provider.created"])
    first = (await _rotate(client, tenant, endpoint["id"], previous_secret_expires_in_hours=48)).json()
    leaked = await _rotate(client, tenant, endpoint["id"], previous_secret_expires_in_hours=0)
    assert leaked.status_code == 200, leaked.text
    stored = await _stored(owner_engine, endpoint["id"])
    assert (stored.previous_secret_enc, stored.previous_secret_expires_at) == (None, None)

    header, body = await _delivered_signature(client, tenant, worker, receiver)
    assert len(_v1s(header)) == 1
    signature.verify(leaked.json()["secret"], header, body)
    for former in (endpoint["secret"], first["secret"]):
        with pytest.raises(signature.SignatureError):
            signature.verify(former, header, body)


async def test_after_expiry_only_the_new_secret_signs(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker, later: Any
) -> None:
    endpoint = await register(client, tenant, receiver.url(), ["provider.created"])
    rotated = (await _rotate(client, tenant, endpoint["id"], previous_secret_expires_in_hours=1)).json()
    later(timedelta(hours=1, minutes=1))
    header, body = await _delivered_signature(client, tenant, worker, receiver)
    assert len(_v1s(header)) == 1
    signature.verify(rotated["secret"], header, body)
    with pytest.raises(signature.SignatureError):
        signature.verify(endpoint["secret"], header, body)


async def _copy_sealed(owner_engine: AsyncEngine, column: str, source_id: str, target_id: str) -> None:
    """Put another endpoint's sealed secret in ``column``: bound to that endpoint, it does not open here."""
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                f"UPDATE webhook_endpoints SET {column} = "
                "(SELECT secret_enc FROM webhook_endpoints WHERE id = :source) WHERE id = :target"
            ),
            {"source": source_id, "target": target_id},
        )


async def test_a_previous_secret_that_does_not_decrypt_does_not_stop_delivery(
    client: Any,
    tenant: TenantFixture,
    receiver: Receiver,
    worker: Worker,
    owner_engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logged: list[tuple[str, dict[str, Any]]] = []

    class Recorder:
        def error(self, event: str, **fields: Any) -> None:
            logged.append((event, fields))

    monkeypatch.setattr(envelope_module, "log", Recorder())
    endpoint = await register(client, tenant, receiver.url(), ["provider.created"])
    other = await register(client, tenant, "https://hooks.example.com/other", ["invoice.created"])
    rotated = (await _rotate(client, tenant, endpoint["id"])).json()
    await _copy_sealed(owner_engine, "previous_secret_enc", other["id"], endpoint["id"])
    header, body = await _delivered_signature(client, tenant, worker, receiver)
    assert len(_v1s(header)) == 1
    signature.verify(rotated["secret"], header, body)
    [(event, fields)] = logged  # the operator learns which row and column
    assert (event, fields["column"], fields["row_id"]) == ("secret.unreadable", "previous_secret_enc", endpoint["id"])


async def test_rotation_replaces_a_current_secret_that_does_not_decrypt(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker, owner_engine: AsyncEngine
) -> None:
    endpoint = await register(client, tenant, receiver.url(), ["provider.created"])
    other = await register(client, tenant, "https://hooks.example.com/other", ["invoice.created"])
    await _copy_sealed(owner_engine, "secret_enc", other["id"], endpoint["id"])
    await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    with pytest.raises(SecretUnreadable):
        await worker.relay()

    rotated = await _rotate(client, tenant, endpoint["id"])  # 24 hours asked, but nothing readable to keep
    assert rotated.status_code == 200, rotated.text
    stored = await _stored(owner_engine, endpoint["id"])
    assert (stored.previous_secret_enc, stored.previous_secret_expires_at) == (None, None)
    header, body = await _delivered_signature(client, tenant, worker, receiver)
    assert len(_v1s(header)) == 1
    signature.verify(rotated.json()["secret"], header, body)


async def test_another_tenants_or_a_deleted_endpoint_is_not_found(
    client: Any, tenant: TenantFixture, other_tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    theirs = await register(client, other_tenant, "https://hooks.example.com/theirs", ["*"])
    before = await _stored(owner_engine, theirs["id"])
    refused = await _rotate(client, tenant, theirs["id"])
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert await _stored(owner_engine, theirs["id"]) == before

    mine = await register(client, tenant, "https://hooks.example.com/mine", ["*"])
    assert (await client.delete(f"/v1/webhook-endpoints/{mine['id']}", headers=tenant.headers)).status_code == 200
    assert (await _rotate(client, tenant, mine["id"])).status_code == 404


async def test_a_key_without_the_admin_scope_cannot_rotate(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    endpoint = await register(client, tenant, "https://hooks.example.com/pdp", ["*"])
    before = await _stored(owner_engine, endpoint["id"])
    minted = await client.post("/v1/api-keys", json={"name": "ci", "scopes": ["deposit"]}, headers=tenant.headers)
    assert minted.status_code == 201, minted.text
    refused = await client.post(
        f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret",
        headers={"Authorization": f"Bearer {minted.json()['secret']}"},
    )
    assert refused.status_code == 403 and refused.json()["needed_scope"] == "admin", refused.text
    assert await _stored(owner_engine, endpoint["id"]) == before


@pytest.mark.parametrize("hours", [-1, 169, 10**15])
async def test_an_overlap_out_of_range_is_refused_with_a_stable_code(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine, hours: int
) -> None:
    endpoint = await register(client, tenant, "https://hooks.example.com/pdp", ["*"])
    before = await _stored(owner_engine, endpoint["id"])
    refused = await _rotate(client, tenant, endpoint["id"], previous_secret_expires_in_hours=hours)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "webhook_secret_overlap_invalid"
    assert await _stored(owner_engine, endpoint["id"]) == before


async def test_the_service_refuses_more_than_a_week_for_other_callers(
    client: Any, tenant: TenantFixture, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    endpoint = await register(client, tenant, "https://hooks.example.com/pdp", ["*"])
    envelope = Envelope(settings.master_keys)
    for too_long in (timedelta(days=7, seconds=1), timedelta(seconds=-1)):
        with pytest.raises(ValidationFailed) as refused:
            async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
                await rotate_secret(
                    session, endpoint["id"], envelope, Actor("system", "tests"), previous_valid_for=too_long
                )
        assert refused.value.code == "webhook_secret_overlap_invalid"


async def test_a_master_key_rotation_rewraps_the_previous_secret_too(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine, settings: Settings
) -> None:
    endpoint = await register(client, tenant, "https://hooks.example.com/pdp", ["*"])
    assert (await _rotate(client, tenant, endpoint["id"])).status_code == 200
    newest = generate_master_key("k9")
    report = await rotate_keys(replace(settings, master_keys=f"{newest},{settings.master_keys}"), tenant.id)
    assert report["rewrapped"] == 2 and report["unreadable"] == []
    stored = await _stored(owner_engine, endpoint["id"])
    # The old master key can now be dropped: the former secret still opens, and signs until it expires.
    context = secret_context(tenant.id, endpoint["id"])
    assert Envelope(newest).decrypt(stored.previous_secret_enc, context=context) == endpoint["secret"]


async def test_the_openapi_document_describes_the_optional_body_and_the_answer(client: Any) -> None:
    document = (await client.get("/api/openapi.json")).json()
    operation = document["paths"]["/v1/webhook-endpoints/{endpoint_id}/rotate-secret"]["post"]
    assert operation["requestBody"]["required"] is False
    hours = document["components"]["schemas"]["WebhookSecretRotation"]["properties"]["previous_secret_expires_in_hours"]
    assert (hours["minimum"], hours["maximum"], hours["default"]) == (0, 168, 24)
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/WebhookEndpointCreated"}
    assert {"404", "409", "422"} <= set(operation["responses"])
    assert operation["security"] == [{"apiKey": ["admin"]}]


async def test_a_rotation_waits_for_one_in_progress_and_keeps_its_new_secret_as_the_previous_one(
    client: Any,
    tenant: TenantFixture,
    owner_engine: AsyncEngine,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    endpoint = await register(client, tenant, "https://hooks.example.com/pdp", ["*"])
    envelope, actor, day = Envelope(settings.master_keys), Actor("system", "tests"), timedelta(days=1)

    async def rotate_in_its_own_transaction() -> str:
        async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
            return (await rotate_secret(session, endpoint["id"], envelope, actor, previous_valid_for=day))[1]

    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as first:
        _, first_secret = await rotate_secret(first, endpoint["id"], envelope, actor, previous_valid_for=day)
        second = asyncio.create_task(rotate_in_its_own_transaction())
        for _ in range(500):  # until the second one waits for this transaction (or, unlocked, went on regardless)
            async with owner_engine.connect() as conn:
                waiting = await conn.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
            if waiting or second.done():
                break
            await asyncio.sleep(0.01)
    second_secret = await second

    stored = await _stored(owner_engine, endpoint["id"])
    context = secret_context(tenant.id, endpoint["id"])
    assert envelope.decrypt(stored.secret_enc, context=context) == second_secret
    # Read after the first one committed: its new secret, which its caller holds, still signs.
    assert envelope.decrypt(stored.previous_secret_enc, context=context) == first_secret
