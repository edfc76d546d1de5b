"""Fixtures of the fault suite: its own PostgreSQL and Redis, an emulator, an in-process API, worker processes."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import ids, jobs
from pdp.platform.db import admin
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.archive.store import Archive, open_archive
from pdp.web.app import create_app
from tests.conftest import TenantFixture
from tests.faults.flows import Party
from tests.faults.stack import Engines, Workers
from tests.journeys import active_mandate, seller_provider
from tests.sandbox.harness import RunningSandbox, start_sandbox, with_emulator

# Emulator delays in real seconds (the virtual clock follows real time unless a test advances it).
EMULATOR = {"rate_limit": 0, "reception_delay": 0.2, "integration_delay": 0.3, "token_lifetime": 3600}


@pytest.fixture(scope="session")
def fault_engines() -> Iterator[Engines]:
    root = Path(tempfile.mkdtemp(prefix="pdp-faults-", dir="/tmp"))
    engines = Engines(root)
    engines.start()
    try:
        yield engines
    finally:
        engines.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def fault_emulator() -> Iterator[RunningSandbox]:
    running = start_sandbox(reception_delay=0.2, integration_delay=0.3)
    yield running
    running.stop()


@pytest.fixture(scope="session")
async def fault_settings(settings: Settings, fault_engines: Engines, fault_emulator: RunningSandbox) -> Settings:
    app_url, owner_url = await admin.ensure_database(fault_engines.admin_url, admin.DatabasePlan("pdp_faults"))
    await asyncio.to_thread(admin.upgrade, owner_url, app_url)
    return replace(
        with_emulator(settings, fault_emulator.info),
        database_url=app_url,
        database_owner_url=owner_url,
        redis_url=fault_engines.redis_url,
        chorus_timeout_seconds=3.0,
        chorus_rate_per_second=40.0,
        chorus_tenant_rate_per_second=40.0,
        # Longer than a deposit call (≤ the 3 s timeout) plus the emulator's 0.5 s integration: an invoice
        # Chorus got is always found before pdp would deposit it again.
        chorus_reconcile_after_seconds=5,
        tracking_intervals_seconds="1",
        outbox_relay_seconds=1.0,
        job_timeout_seconds=15,
        worker_concurrency=4,
        database_pool_size=4,
        invoice_first_check_seconds=3,
        invoice_sweep_lease_seconds=6,
        log_level="warning",
    )


@pytest.fixture(scope="session")
async def fault_engine(fault_settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(fault_settings.database_url, pool_size=4)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def fault_owner_engine(fault_settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(fault_settings.owner_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def fault_sessionmaker(fault_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(fault_engine)


@pytest.fixture(scope="session")
async def fault_api(fault_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(create_app(fault_settings), timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def fault_archive(fault_settings: Settings) -> Iterator[Archive]:
    archive = open_archive(fault_settings)
    yield archive
    archive.close()


@pytest.fixture
def emulator(fault_emulator: RunningSandbox) -> RunningSandbox:
    """The emulator, fresh: base seed, empty ledger, no faults, quick delays."""
    fault_emulator.control("POST", "reset")
    fault_emulator.control("DELETE", "faults")
    fault_emulator.control("POST", "settings", EMULATOR)
    return fault_emulator


@pytest.fixture
def workers(fault_settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(fault_settings, tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
async def redis(fault_settings: Settings) -> AsyncIterator[Any]:
    client = await jobs.create_arq_redis(fault_settings.redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def party(
    fault_api: Any, fault_sessionmaker: async_sessionmaker[AsyncSession], emulator: RunningSandbox
) -> Party:
    """A tenant of its own, whose provider (the emulator's seeded supplier) holds an active mandate."""
    async with unit_of_work(fault_sessionmaker, tenant_id=ids.new_id("tenant")) as session:
        tenant, issued = await accounts.create_tenant(session, "Fault platform")
    fixture = TenantFixture(tenant.id, issued.secret, issued.key.id)
    provider = await seller_provider(fault_api, fixture)
    await active_mandate(fault_api, fixture, provider["id"])
    return Party(fixture, provider["id"], prefix=f"FX-{secrets.token_hex(3).upper()}")
