"""``pdp tenant list|show|revoke-key``: an operator sees every tenant and its keys and revokes one, all audited."""

from __future__ import annotations

import asyncio
import json
from dataclasses import fields
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.cli.main import cli
from pdp.platform.settings import Settings
from tests.conftest import TenantFixture
from tests.factories import provider_payload


@pytest.fixture
def operator_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for field in fields(settings):
        monkeypatch.setenv(f"PDP_{field.name.upper()}", str(getattr(settings, field.name)))


async def _run(*args: str) -> Any:
    # The commands run their own event loop (asyncio.run): give them a thread of their own.
    return await asyncio.to_thread(CliRunner().invoke, cli, ["tenant", *args])


async def _audited(owner_engine: AsyncEngine, tenant_id: str) -> list[tuple[str, str, str, str]]:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT actor_type, actor_id, action, target_id FROM audit_events WHERE tenant_id = :t "
                "ORDER BY occurred_at"
            ),
            {"t": tenant_id},
        )
        return [tuple(row) for row in rows]


@pytest.mark.usefixtures("operator_environment")
async def test_an_operator_lists_shows_and_revokes_a_key(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    second = await client.post("/v1/api-keys", json={"name": "ci"}, headers=tenant.headers)
    assert second.status_code == 201, second.text
    ci_key = second.json()
    created = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert created.status_code == 201, created.text

    listed = await _run("list")
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    [mine] = [row for row in rows if row["tenant_id"] == tenant.id]
    assert mine["active_api_keys"] == 2 and mine["status"] == "active" and mine["name"]

    shown = await _run("show", tenant.id)
    assert shown.exit_code == 0, shown.output
    keys = {key["id"]: key for key in json.loads(shown.output)["api_keys"]}
    assert set(keys) == {tenant.api_key_id, ci_key["id"]}
    first = keys[tenant.api_key_id]
    assert first["hint"] == f"pdp_test_…{tenant.api_key[-4:]}" and tenant.api_key not in shown.output
    assert first["scopes"] == ["read", "deposit", "admin"]  # the key `pdp tenant create` issues is admin
    assert first["last_action_at"] is not None and first["revoked_at"] is None  # it created the provider and key
    assert keys[ci_key["id"]]["last_action_at"] is None

    revoked = await _run("revoke-key", ci_key["id"])
    assert revoked.exit_code == 0, revoked.output
    answer = json.loads(revoked.output)
    assert answer["tenant_id"] == tenant.id and answer["api_key"]["revoked_at"]
    refused = await client.get("/v1/me", headers={"Authorization": f"Bearer {ci_key['secret']}"})
    assert (refused.status_code, refused.json()["code"]) == (401, "api_key_revoked")
    assert (await client.get("/v1/me", headers=tenant.headers)).status_code == 200
    after = [json.loads(line) for line in (await _run("list")).output.splitlines()]
    assert next(row for row in after if row["tenant_id"] == tenant.id)["active_api_keys"] == 1

    audited = await _audited(owner_engine, tenant.id)
    assert ("staff", "cli", "tenant.inspected", tenant.id) in audited
    assert ("staff", "cli", "api_key.revoked", ci_key["id"]) in audited
    verified = await asyncio.to_thread(CliRunner().invoke, cli, ["audit", "verify", "--tenant", tenant.id])
    assert verified.exit_code == 0 and verified.output.strip().endswith("ok"), verified.output


@pytest.mark.usefixtures("operator_environment")
async def test_unknown_tenants_and_keys_are_said_so() -> None:
    missing_tenant = await _run("show", "ten_01JABCDEFGHJKMNPQRSTVWXYZ0")
    assert missing_tenant.exit_code == 1 and "No tenant ten_01JABCDEFGHJKMNPQRSTVWXYZ0" in missing_tenant.output
    missing_key = await _run("revoke-key", "key_01JABCDEFGHJKMNPQRSTVWXYZ0")
    assert missing_key.exit_code == 1 and "No API key key_01JABCDEFGHJKMNPQRSTVWXYZ0" in missing_key.output
