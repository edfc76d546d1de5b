"""Webhook delivery against a real local receiver: signed, subscribed types only, once, retried, replayed."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from pdp.platform.settings import Settings
from pdp.tenants.webhooks import signature
from pdp.tenants.webhooks.delivery import deliver
from pdp.workers.app import close, create_worker
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.journeys import active_mandate, seller_provider
from tests.webhooks.conftest import Worker, deliveries, register
from tests.webhooks.receiver import Receiver


async def new_provider(client: Any, tenant: TenantFixture) -> dict[str, Any]:
    response = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_subscribed_event_is_delivered_once_signed_and_unsubscribed_ones_never(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker
) -> None:
    providers = await register(client, tenant, receiver.url("/providers"), ["provider.created"])
    mandates = await register(client, tenant, receiver.url("/mandates"), ["mandate.activated"])
    provider = await new_provider(client, tenant)

    assert await worker.relay() == ["delivered"]
    assert await worker.sweep() == [] and await worker.relay() == []  # nothing left to send, nothing sent twice
    [received] = receiver.requests
    assert received.path == "/providers"
    signature.verify(providers["secret"], received.headers["pdp-signature"], received.body)
    event = received.json()
    assert event["type"] == "provider.created" and event["data"]["provider_id"] == provider["id"]
    assert received.headers["pdp-event-id"] == event["id"]
    assert set(event) >= {"id", "type", "created_at", "data"}
    stored = await client.get(f"/v1/events/{event['id']}", headers=tenant.headers)
    assert stored.json()["data"] == event["data"]

    [log] = await deliveries(client, tenant, providers["id"])
    assert (log["status"], log["event_id"], log["attempt_count"]) == ("delivered", event["id"], 1)
    assert [(a["status_code"], a["trigger"], a["error"]) for a in log["attempts"]] == [(200, "automatic", None)]
    assert await deliveries(client, tenant, mandates["id"]) == []


async def test_a_500_is_retried_when_due_then_delivered(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker
) -> None:
    endpoint = await register(client, tenant, receiver.url(), ["*"])
    receiver.statuses.append(500)
    await new_provider(client, tenant)

    assert await worker.relay() == ["failed: http_status: the receiver answered 500"]
    [log] = await deliveries(client, tenant, endpoint["id"])
    assert log["status"] == "pending" and log["next_attempt_at"] is not None
    assert await worker.sweep() == []  # the retry is not due yet
    await worker.time_passes()
    assert await worker.sweep() == ["delivered"]

    [log] = await deliveries(client, tenant, endpoint["id"])
    assert log["status"] == "delivered" and log["next_attempt_at"] is None
    assert [a["status_code"] for a in log["attempts"]] == [500, 200]
    first, second = receiver.requests
    assert first.json()["id"] == second.json()["id"]  # the same event: receivers dedupe on it


async def test_a_receiver_down_for_hours_gets_everything_when_it_is_back(
    client: Any, tenant: TenantFixture, down_receiver: Receiver, worker: Worker
) -> None:
    endpoint = await register(client, tenant, down_receiver.url(), ["provider.created"])
    created = {(await new_provider(client, tenant))["id"] for _ in range(3)}
    outcomes = await worker.relay()
    assert len(outcomes) == 3 and all(o.startswith("failed: connection_failed") for o in outcomes)
    await worker.time_passes()
    assert len(await worker.sweep()) == 3  # still down: failed again, scheduled further out

    await down_receiver.start()
    await worker.time_passes()
    assert await worker.sweep() == ["delivered"] * 3
    assert {r.json()["data"]["provider_id"] for r in down_receiver.requests} == created
    log = await deliveries(client, tenant, endpoint["id"])
    assert {d["status"] for d in log} == {"delivered"}
    assert all([a["status_code"] for a in d["attempts"]] == [None, None, 200] for d in log)
    assert all(d["attempts"][0]["error"].startswith("connection_failed") for d in log)


async def test_retries_end_in_failed_after_the_last_interval(
    client: Any, tenant: TenantFixture, down_receiver: Receiver, worker: Worker
) -> None:
    assert worker.ctx.webhooks is not None
    worker.ctx.webhooks = dataclasses.replace(worker.ctx.webhooks, retry_intervals=(60,))
    endpoint = await register(client, tenant, down_receiver.url(), ["provider.created"])
    await new_provider(client, tenant)
    await worker.relay()
    await worker.time_passes()
    await worker.sweep()
    [log] = await deliveries(client, tenant, endpoint["id"])
    assert (log["status"], log["next_attempt_at"], log["attempt_count"]) == ("failed", None, 2)
    await worker.time_passes()
    assert await worker.sweep() == []


async def test_replay_sends_the_event_again_as_a_new_attempt(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker
) -> None:
    endpoint = await register(client, tenant, receiver.url(), ["provider.created"])
    await new_provider(client, tenant)
    await worker.relay()
    [log] = await deliveries(client, tenant, endpoint["id"])

    replayed = await client.post(f"/v1/webhook-deliveries/{log['id']}/replay", headers=tenant.headers)
    assert replayed.status_code == 202, replayed.text
    assert replayed.json()["status"] == "pending"
    assert await worker.relay() == ["delivered"]
    first, again = receiver.requests
    assert first.json() == again.json()
    signature.verify(endpoint["secret"], again.headers["pdp-signature"], again.body)
    detail = (await client.get(f"/v1/webhook-deliveries/{log['id']}", headers=tenant.headers)).json()
    assert [a["trigger"] for a in detail["attempts"]] == ["automatic", "replay"]
    assert detail["status"] == "delivered" and detail["attempt_count"] == 2


async def test_concurrent_jobs_for_one_delivery_make_one_attempt(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker
) -> None:
    endpoint = await register(client, tenant, receiver.url(), ["provider.created"])
    await new_provider(client, tenant)
    [log] = await deliveries(client, tenant, endpoint["id"])
    assert worker.ctx.webhooks is not None
    outcomes = await asyncio.gather(*(deliver(worker.ctx.webhooks, tenant.id, log["id"]) for _ in range(4)))
    assert outcomes.count("delivered") == 1  # the others found it claimed ("not due") or done already
    assert len(receiver.requests) == 1


async def test_private_addresses_are_refused_when_the_policy_says_so(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker
) -> None:
    assert worker.ctx.webhooks is not None
    worker.ctx.webhooks = dataclasses.replace(worker.ctx.webhooks, allow_private=False)
    endpoint = await register(client, tenant, receiver.url(), ["provider.created"])
    await new_provider(client, tenant)
    [outcome] = await worker.relay()
    assert outcome.startswith("failed: address_refused") and "127.0.0.1" in outcome
    assert receiver.requests == []  # the canary saw nothing
    [log] = await deliveries(client, tenant, endpoint["id"])
    assert log["attempts"][0]["status_code"] is None


async def test_a_deleted_endpoint_gets_nothing_more(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker
) -> None:
    endpoint = await register(client, tenant, receiver.url(), ["*"])
    await new_provider(client, tenant)
    deleted = await client.delete(f"/v1/webhook-endpoints/{endpoint['id']}", headers=tenant.headers)
    assert deleted.status_code == 200 and deleted.json() == {
        "id": endpoint["id"],
        "deleted": True,
        "object": "webhook_endpoint",
    }
    await new_provider(client, tenant)
    assert await worker.relay() == ["nothing to do: canceled"]
    assert receiver.requests == []
    gone = await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=tenant.headers)
    assert gone.status_code == 404


async def test_mandate_events_reach_a_catch_all_endpoint(
    client: Any, tenant: TenantFixture, receiver: Receiver, worker: Worker
) -> None:
    await register(client, tenant, receiver.url(), ["*"])
    provider = await seller_provider(client, tenant)
    mandate = await active_mandate(client, tenant, provider["id"])
    revoked = await client.post(f"/v1/mandates/{mandate['id']}/revoke", headers=tenant.headers)
    assert revoked.status_code == 200
    assert await worker.relay() == ["delivered"] * 3
    received = [r.json() for r in receiver.requests]
    assert sorted(e["type"] for e in received) == ["mandate.activated", "mandate.revoked", "provider.created"]
    by_type = {e["type"]: e["data"] for e in received}
    assert by_type["mandate.revoked"] == {
        "mandate_id": mandate["id"],
        "provider_id": provider["id"],
        "status": "revoked",
        "revoked_by": "tenant",
    }


async def test_a_real_worker_delivers_what_the_outbox_relays(
    client: Any, tenant: TenantFixture, receiver: Receiver, settings: Settings, arq_redis: Any
) -> None:
    endpoint = await register(client, tenant, receiver.url(), ["provider.created"])
    await new_provider(client, tenant)
    # Burst mode: the startup relay (or sweep) queues the delivery, the worker runs it, then stops.
    worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.01)
    try:
        await worker.main()
    finally:
        await close(worker)
    [received] = receiver.requests
    signature.verify(endpoint["secret"], received.headers["pdp-signature"], received.body)
    [log] = await deliveries(client, tenant, endpoint["id"])
    assert log["status"] == "delivered"
