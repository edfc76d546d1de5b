"""Issue 11 #6: a test key's invoices reach Chorus Pro's qualification environment only; production is for
live keys. Two emulators stand for the two environments: ``qualification`` configured as ``PDP_CHORUS_*``,
``production`` as ``PDP_CHORUS_LIVE_*``; the production one must never hear of a test invoice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import ids, jobs
from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.accounts import scopes
from pdp.tenants.accounts import service as accounts
from pdp.tenants.archive.store import open_archive
from pdp.tenants.chorus_gateway import open_chorus
from pdp.tenants.deposits.pipeline import Pipeline, advance, build_pipeline
from pdp.web.app import create_app
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, seller_provider
from tests.sandbox.harness import NO_PARAMS, RunningSandbox, start_sandbox, with_emulator

RECIPIENT = {"siret": NO_PARAMS, "name": "Destinataire"}
QUICK = {"rate_limit": 0, "reception_delay": 1.0, "integration_delay": 2.0, "token_lifetime": 3600}


@pytest.fixture(scope="module")
def emulators() -> Iterator[tuple[RunningSandbox, RunningSandbox]]:
    qualification, production = start_sandbox(), start_sandbox()
    for one in (qualification, production):
        one.control("POST", "settings", QUICK)
    yield qualification, production
    qualification.stop()
    production.stop()


def _both(settings: Settings, qualification: RunningSandbox, production: RunningSandbox) -> Settings:
    live = with_emulator(settings, production.info)
    return dataclasses.replace(
        with_emulator(settings, qualification.info),
        chorus_live_api_url=live.chorus_api_url,
        chorus_live_token_url=live.chorus_token_url,
        chorus_live_client_id=live.chorus_client_id,
        chorus_live_client_secret=live.chorus_client_secret,
        chorus_live_login=live.chorus_login,
        chorus_live_password=live.chorus_password,
        chorus_rate_per_second=1000.0,
        chorus_tenant_rate_per_second=1000.0,
    )


@pytest.fixture(scope="module")
async def two_environments(
    settings: Settings, emulators: tuple[RunningSandbox, RunningSandbox], sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[tuple[Any, Pipeline]]:
    both = _both(settings, *emulators)
    redis = await jobs.create_arq_redis(both.redis_url)
    archive = open_archive(both)
    async with AsyncTestClient(create_app(both)) as client, open_chorus(both, redis=redis) as gateway:
        yield client, build_pipeline(both, sessionmaker, gateway=gateway, archive=archive)
    archive.close()
    await redis.aclose()


def _deposits(sandbox: RunningSandbox) -> int:
    return int(sandbox.control("GET", "ledger/summary")["deposits"])


async def _tenant_with_both_modes(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> tuple[TenantFixture, TenantFixture]:
    async with unit_of_work(sessionmaker, tenant_id=ids.new_id("tenant")) as session:
        tenant, test_key = await accounts.create_tenant(session, "Two modes")
        live_key = await accounts.create_api_key(session, "live", "live", scopes.ADMIN, accounts.SYSTEM)
    return (
        TenantFixture(tenant.id, test_key.secret, test_key.key.id),
        TenantFixture(tenant.id, live_key.secret, live_key.key.id),
    )


async def test_a_test_invoice_never_reaches_production(
    two_environments: tuple[Any, Pipeline],
    emulators: tuple[RunningSandbox, RunningSandbox],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client, pipeline = two_environments
    qualification, production = emulators
    test_key, live_key = await _tenant_with_both_modes(sessionmaker)
    provider = await seller_provider(client, test_key)
    await active_mandate(client, test_key, provider["id"])
    before = _deposits(qualification), _deposits(production)

    deposited = await deposit_cii(client, test_key, provider["id"], number="SEC-TEST-1", recipient=RECIPIENT)
    assert deposited.status_code == 201, deposited.text
    assert deposited.json()["mode"] == "test"
    assert await advance(pipeline, test_key.id, deposited.json()["id"]) == "deposited"
    assert (_deposits(qualification), _deposits(production)) == (before[0] + 1, before[1])

    live = await deposit_cii(client, live_key, provider["id"], number="SEC-LIVE-1", recipient=RECIPIENT)
    assert live.status_code == 201 and live.json()["mode"] == "live"
    assert await advance(pipeline, live_key.id, live.json()["id"]) == "deposited"
    assert (_deposits(qualification), _deposits(production)) == (before[0] + 1, before[1] + 1)


async def test_a_mode_without_its_environment_cannot_deposit(
    settings: Settings, emulators: tuple[RunningSandbox, RunningSandbox], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    qualification, _ = emulators
    only_qualification = with_emulator(settings, qualification.info)
    _, live_key = await _tenant_with_both_modes(sessionmaker)
    async with AsyncTestClient(create_app(only_qualification)) as client:
        provider = await seller_provider(client, live_key)
        await active_mandate(client, live_key, provider["id"])
        refused = await deposit_cii(client, live_key, provider["id"], recipient=RECIPIENT)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "chorus_environment_unavailable"


async def test_the_qualification_settings_may_not_name_production(settings: Settings) -> None:
    wrong = dataclasses.replace(
        settings, chorus_api_url="https://api.piste.gouv.fr", chorus_client_id="app", chorus_login="tech"
    )
    with pytest.raises(ValueError, match="PDP_CHORUS_LIVE_"):
        async with open_chorus(wrong):
            pass
