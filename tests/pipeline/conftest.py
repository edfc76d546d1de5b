"""The deposit pipeline against the Chorus Pro emulator over real sockets, with pdp's real engines."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import jobs
from pdp.platform.settings import Settings
from pdp.tenants.archive.store import open_archive
from pdp.tenants.chorus_gateway import open_chorus
from pdp.tenants.deposits.pipeline import Pipeline, build_pipeline
from pdp.web.app import create_app
from tests.sandbox.harness import RunningSandbox, start_sandbox, with_emulator

QUICK = {"rate_limit": 0, "reception_delay": 1.0, "integration_delay": 2.0, "token_lifetime": 3600}


@pytest.fixture(scope="session")
def emulator() -> Iterator[RunningSandbox]:
    running = start_sandbox(reception_delay=1.0, integration_delay=2.0)
    yield running
    running.stop()


@pytest.fixture
def sandbox(emulator: RunningSandbox) -> RunningSandbox:
    emulator.control("POST", "reset")
    emulator.control("POST", "settings", QUICK)
    return emulator


@pytest.fixture(scope="session")
def chorus_settings(settings: Settings, emulator: RunningSandbox) -> Settings:
    return replace(
        with_emulator(settings, emulator.info),
        chorus_timeout_seconds=5.0,
        chorus_rate_per_second=1000.0,
        chorus_tenant_rate_per_second=1000.0,
        tracking_intervals_seconds="1",
    )


@pytest.fixture(scope="session")
async def chorus_client(chorus_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(create_app(chorus_settings)) as client:
        yield client


@pytest.fixture
async def pipeline(
    chorus_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Pipeline]:
    redis = await jobs.create_arq_redis(chorus_settings.redis_url)
    archive = open_archive(chorus_settings)
    async with open_chorus(chorus_settings, redis=redis) as gateway:
        yield build_pipeline(chorus_settings, sessionmaker, gateway=gateway, archive=archive)
    archive.close()
    await redis.aclose()
