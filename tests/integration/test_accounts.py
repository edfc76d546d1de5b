"""Portal users with memberships and roles; staff users; the tenant CLI."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.cli.main import cli
from pdp.platform.audit import Actor
from pdp.platform.db.session import create_sessionmaker, unit_of_work
from pdp.platform.errors import Conflict, NotFound, ValidationFailed
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.accounts.models import Role
from tests.conftest import TenantFixture
from tests.factories import provider_payload

ADMIN = Actor("system", "test")


async def _provider(client: Any, tenant: TenantFixture) -> str:
    response = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    return str(response.json()["id"])


async def test_portal_user_gets_a_role_on_a_provider_of_its_tenant_only(
    client: Any, tenant: TenantFixture, other_tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, theirs = await _provider(client, tenant), await _provider(client, other_tenant)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        user = await accounts.create_portal_user(session, " Marie@Dupont.fr ", "Marie Dupont", ADMIN)
        membership = await accounts.grant_membership(session, user.id, mine, Role.DEPOSITOR, ADMIN)
    assert user.email == "marie@dupont.fr"
    assert membership.role == "depositor"

    with pytest.raises(NotFound):  # another tenant's provider does not exist from here
        async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
            await accounts.grant_membership(session, user.id, theirs, Role.ADMIN, ADMIN)
    with pytest.raises(Conflict):
        async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
            await accounts.create_portal_user(session, "marie@dupont.fr", "Again", ADMIN)
    # The same person may use another platform's portal: users are per tenant.
    async with unit_of_work(sessionmaker, tenant_id=other_tenant.id) as session:
        other = await accounts.create_portal_user(session, "marie@dupont.fr", "Marie Dupont", ADMIN)
    assert other.id != user.id


async def test_staff_users_are_global_and_unique(owner_engine: AsyncEngine) -> None:
    # Staff are an operator's business, on the owner connection: the app role may only read them.
    sessionmaker = create_sessionmaker(owner_engine)
    email = f"agent-{id(sessionmaker)}@pdp.example"
    async with unit_of_work(sessionmaker) as session:
        staff = await accounts.create_staff_user(session, email, "Agent Smith", "support")
    assert staff.id.startswith("stf_")
    with pytest.raises(Conflict):
        async with unit_of_work(sessionmaker) as session:
            await accounts.create_staff_user(session, email, "Agent Smith", "support")
    with pytest.raises(ValidationFailed):
        async with unit_of_work(sessionmaker) as session:
            await accounts.create_staff_user(session, "x-" + email, "X", "root")


def test_tenant_create_cli_prints_a_working_key(
    settings: Settings, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDP_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["tenant", "create", "--name", "From the CLI"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["tenant_id"].startswith("ten_") and printed["api_key"].startswith("pdp_test_")
    assert set(printed) == {"tenant_id", "api_key"}


def test_migrate_is_idempotent_and_audit_verify_reports_each_chain(
    settings: Settings, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    for field in fields(settings):  # verify reads the checkpoints too: S3 and the master keys
        monkeypatch.setenv(f"PDP_{field.name.upper()}", str(getattr(settings, field.name)))
    migrated = CliRunner().invoke(cli, ["migrate"])
    assert migrated.exit_code == 0, migrated.output
    assert "database at head" in migrated.output
    verified = CliRunner().invoke(cli, ["audit", "verify", "--tenant", tenant.id])
    assert verified.exit_code == 0, verified.output
    assert verified.output.strip() == f"{tenant.id}: 2 events, no checkpoint yet, ok"
