"""Secrets at rest: a stored secret that does not decrypt is a clean problem naming it, never a bare 500, and
``pdp keys rotate`` re-wraps every secret under the newest master key, once (a second run changes nothing),
audited, its counts reported.

The probe corrupted a provider's ``chorus_password_enc`` and got 500 ``internal_error`` from the account check.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.cli.key_tasks import rotate_keys
from pdp.cli.main import cli
from pdp.platform.security import envelope as envelope_module
from pdp.platform.security.envelope import Envelope, SecretUnreadable, generate_master_key
from pdp.platform.settings import Settings
from pdp.tenants.providers import chorus_account
from pdp.tenants.providers.models import Provider
from tests.conftest import TenantFixture
from tests.factories import provider_payload

CORRUPT = "v1.test1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAA"


async def _provider_with_account(client: Any, tenant: TenantFixture) -> str:
    created = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert created.status_code == 201, created.text
    provider_id = str(created.json()["id"])
    account = {"login": "TECH_1@cpro.fr", "password": "S3cret-Chorus-pass!"}
    stored = await client.put(f"/v1/providers/{provider_id}/chorus-account", json=account, headers=tenant.headers)
    assert stored.status_code == 200, stored.text
    return provider_id


async def _sealed(owner_engine: AsyncEngine, provider_id: str) -> str:
    async with owner_engine.connect() as conn:
        query = text("SELECT chorus_password_enc FROM providers WHERE id = :id")
        return str((await conn.execute(query, {"id": provider_id})).scalar_one())


async def _set_sealed(owner_engine: AsyncEngine, provider_id: str, token: str) -> None:
    async with owner_engine.begin() as conn:
        update = text("UPDATE providers SET chorus_password_enc = :token WHERE id = :id")
        await conn.execute(update, {"token": token, "id": provider_id})


async def test_a_corrupt_stored_password_is_a_problem_naming_it(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    provider_id = await _provider_with_account(client, tenant)
    await _set_sealed(owner_engine, provider_id, CORRUPT)
    response = await client.post(f"/v1/providers/{provider_id}/chorus-account/check", headers=tenant.headers)
    assert response.status_code == 500
    problem = response.json()
    assert problem["code"] == "secret_unreadable"
    assert provider_id in problem["detail"] and "chorus-account" in problem["detail"]  # how to replace it
    # Setting the account again is the tenant's way out.
    again = {"login": "TECH_1@cpro.fr", "password": "An0ther-pass!"}
    fixed = await client.put(f"/v1/providers/{provider_id}/chorus-account", json=again, headers=tenant.headers)
    assert fixed.status_code == 200
    assert (await _sealed(owner_engine, provider_id)) != CORRUPT


def test_an_unreadable_secret_is_logged_with_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    logged: list[tuple[str, dict[str, Any]]] = []

    class Recorder:
        def error(self, event: str, **fields: Any) -> None:
            logged.append((event, fields))

    monkeypatch.setattr(envelope_module, "log", Recorder())
    provider = Provider(tenant_id="ten_x", id="prv_x", chorus_login="TECH", chorus_password_enc=CORRUPT)
    with pytest.raises(SecretUnreadable) as raised:
        chorus_account.account_of(provider, Envelope(generate_master_key("test1")))
    assert raised.value.code == "secret_unreadable" and raised.value.status == 500
    [(event, fields)] = logged
    assert event == "secret.unreadable"
    assert fields["row_id"] == "prv_x" and fields["table"] == "providers" and fields["tenant_id"] == "ten_x"
    assert "S3cret" not in repr(fields)


async def test_keys_rotate_rewraps_every_secret_once(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine, settings: Settings
) -> None:
    provider_id = await _provider_with_account(client, tenant)
    hook = await client.post(
        "/v1/webhook-endpoints",
        json={"url": "https://example.com/pdp-hooks", "events": ["*"]},
        headers=tenant.headers,
    )
    assert hook.status_code == 201, hook.text
    before = await _sealed(owner_engine, provider_id)
    assert before.split(".")[1] == "test1"

    newest = generate_master_key("k2")
    rotated_settings = replace(settings, master_keys=f"{newest},{settings.master_keys}")
    first = await rotate_keys(rotated_settings, tenant.id)  # one tenant: the others' secrets stay test1's
    assert (first["key_id"], first["tenants"], first["rewrapped"], first["unreadable"]) == ("k2", 1, 2, [])

    after = await _sealed(owner_engine, provider_id)
    assert after.split(".")[1] == "k2" and after.split(".")[3] == before.split(".")[3]  # value kept, key re-wrapped
    context = chorus_account.password_context(tenant.id, provider_id)
    assert Envelope(newest).decrypt(after, context=context) == "S3cret-Chorus-pass!"  # the old key is not needed
    async with owner_engine.connect() as conn:
        secret = text("SELECT secret_enc FROM webhook_endpoints WHERE tenant_id = :t")
        assert (await conn.execute(secret, {"t": tenant.id})).scalar_one().split(".")[1] == "k2"
        audited = text(
            "SELECT data FROM audit_events WHERE tenant_id = :t AND action = 'secrets.rewrapped' ORDER BY seq"
        )
        [data] = (await conn.execute(audited, {"t": tenant.id})).scalars().all()
    assert data == {"key_id": "k2", "rewrapped": 2, "unreadable": []}

    second = await rotate_keys(rotated_settings, tenant.id)
    assert (second["rewrapped"], second["current"]) == (0, 2)  # idempotent: nothing left to move


async def test_keys_rotate_on_the_command_line_reports_counts(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider_id = await _provider_with_account(client, tenant)
    monkeypatch.setenv("PDP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PDP_DATABASE_OWNER_URL", settings.owner_url)
    monkeypatch.setenv("PDP_MASTER_KEYS", f"{generate_master_key('k3')},{settings.master_keys}")
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["keys", "rotate", "--tenant", tenant.id])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "key_id": "k3",
        "tenants": 1,
        "rewrapped": 1,
        "current": 0,
        "changed_meanwhile": 0,
        "unreadable": [],
    }
    await _set_sealed(owner_engine, provider_id, CORRUPT)  # an unreadable secret: named, and exit 1
    broken = await asyncio.to_thread(CliRunner().invoke, cli, ["keys", "rotate", "--tenant", tenant.id])
    assert broken.exit_code == 1 and json.loads(broken.output)["unreadable"] == [f"providers/{provider_id}"]
    monkeypatch.setenv("PDP_MASTER_KEYS", "")
    refused = await asyncio.to_thread(CliRunner().invoke, cli, ["keys", "rotate"])
    assert refused.exit_code != 0 and "PDP_MASTER_KEYS" in refused.output
