"""Test harness: real PostgreSQL, Redis and S3, started once per run.

Engines come from ``PDP_TEST_DATABASE_URL`` (a superuser URL of an existing server), ``PDP_TEST_REDIS_URL`` and
``PDP_TEST_S3_ENDPOINT`` (+ ``PDP_TEST_S3_ACCESS_KEY``/``PDP_TEST_S3_SECRET_KEY``) when all are set; otherwise the
embedded engines of ``pdp dev`` are booted in a temporary directory. Each run gets its own database, built by
running the Alembic migrations, and dropped at the end. Tests isolate themselves by creating their own tenants.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.connectors.mail.catcher import start_catcher
from pdp.platform import ids
from pdp.platform.db import admin
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.devstack import DevStack, EngineInfo, ensure_bucket
from pdp.platform.security.envelope import generate_master_key
from pdp.platform.settings import Settings, load_settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.archive.store import Archive, open_archive
from pdp.web.app import create_app
from tests.mail import PUBLIC_URL, CaughtMail
from tests.processes import free_port, stop, wait_answering


def _external_engines() -> EngineInfo | None:
    env = os.environ
    needed = ("PDP_TEST_DATABASE_URL", "PDP_TEST_REDIS_URL", "PDP_TEST_S3_ENDPOINT")
    if not all(env.get(name) for name in needed):
        return None
    return EngineInfo(
        postgres_admin_url=env["PDP_TEST_DATABASE_URL"],
        redis_url=env["PDP_TEST_REDIS_URL"],
        s3_endpoint=env["PDP_TEST_S3_ENDPOINT"],
        s3_access_key=env.get("PDP_TEST_S3_ACCESS_KEY", ""),
        s3_secret_key=env.get("PDP_TEST_S3_SECRET_KEY", ""),
        s3_region=env.get("PDP_TEST_S3_REGION", "us-east-1"),
    )


@pytest.fixture(scope="session")
def engines() -> Iterator[EngineInfo]:
    external = _external_engines()
    if external is not None:
        yield external
        return
    # Not under $HOME: as root, the PostgreSQL wrapper opens every parent directory of its data to others.
    data_dir = Path(tempfile.mkdtemp(prefix="pdp-test-", dir="/tmp"))
    stack = DevStack(data_dir, fast=True, log=lambda line: None)
    try:
        yield stack.start()
    finally:
        stack.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@dataclass(frozen=True)
class DatabaseUrls:
    app_url: str
    owner_url: str
    admin_url: str
    name: str


@pytest.fixture(scope="session")
async def database(engines: EngineInfo) -> AsyncIterator[DatabaseUrls]:
    name = f"pdp_test_{secrets.token_hex(4)}"
    app_url, owner_url = await admin.ensure_database(engines.postgres_admin_url, admin.DatabasePlan(name))
    await asyncio.to_thread(admin.upgrade, owner_url, app_url)
    yield DatabaseUrls(app_url, owner_url, engines.postgres_admin_url, name)
    await admin.drop_database(engines.postgres_admin_url, name)


@dataclass(frozen=True)
class ProConnectMock:
    """pdp dev's ProConnect stand-in (oidc-provider-mock), one per test run: its authorization form signs in
    whoever is named in its ``sub`` field, with the claims :meth:`person` gave that subject."""

    issuer: str
    client_id: str = "pdp-tests"
    client_secret: str = "pdp-tests-secret"

    def person(self, sub: str, **claims: str) -> None:
        response = httpx.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        assert response.status_code == 204, response.text


@pytest.fixture(scope="session")
def proconnect_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProConnectMock]:
    port = free_port()
    log = tmp_path_factory.mktemp("proconnect") / "oidc-provider-mock.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--require-nonce"],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}"
    try:
        discovery = f"{issuer}/.well-known/openid-configuration"
        wait_answering(discovery, process, name="oidc-provider-mock", within=30, log=log)
        yield ProConnectMock(issuer)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def settings(engines: EngineInfo, database: DatabaseUrls, proconnect_mock: ProConnectMock) -> Settings:
    bucket = f"pdp-test-{secrets.token_hex(3)}"
    ensure_bucket(engines, bucket)
    return load_settings(
        {},
        environment="test",
        database_url=database.app_url,
        database_owner_url=database.owner_url,
        database_pool_size=5,
        redis_url=engines.redis_url,
        s3_endpoint=engines.s3_endpoint,
        s3_access_key=engines.s3_access_key,
        s3_secret_key=engines.s3_secret_key,
        s3_region=engines.s3_region,
        s3_bucket=bucket,
        master_keys=generate_master_key("test1"),
        archive_retention_days=1,
        log_level="warning",
        proconnect_issuer=proconnect_mock.issuer,
        proconnect_client_id=proconnect_mock.client_id,
        proconnect_client_secret=proconnect_mock.client_secret,
    )


@pytest.fixture(scope="session")
async def app_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database_url, pool_size=3)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessionmaker(app_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(app_engine)


@pytest.fixture(scope="session")
async def owner_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.owner_url, pool_size=1)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def archive(settings: Settings) -> Iterator[Archive]:
    """The Object Lock archive the test app writes to, for tests that read or attack it directly."""
    bucket = open_archive(settings)
    yield bucket
    bucket.close()


@pytest.fixture(scope="session")
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def mailbox(settings: Settings) -> Iterator[CaughtMail]:
    """A local SMTP catcher for one test, and the session's settings sending to it (tests.mail)."""
    port = free_port()
    controller, box = start_catcher("127.0.0.1", port)
    try:
        yield CaughtMail(box, replace(settings, smtp_host="127.0.0.1", smtp_port=port, public_url=PUBLIC_URL))
    finally:
        controller.stop()


@dataclass(frozen=True)
class TenantFixture:
    id: str
    api_key: str
    api_key_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


NewTenant = Callable[..., Awaitable[TenantFixture]]


@pytest.fixture(scope="session")
def new_tenant(sessionmaker: async_sessionmaker[AsyncSession]) -> NewTenant:
    async def make(name: str = "Test platform") -> TenantFixture:
        async with unit_of_work(sessionmaker, tenant_id=ids.new_id("tenant")) as session:
            tenant, issued = await accounts.create_tenant(session, name)
        return TenantFixture(tenant.id, issued.secret, issued.key.id)

    return make


@pytest.fixture
async def tenant(new_tenant: NewTenant) -> TenantFixture:
    return await new_tenant()


@pytest.fixture
async def other_tenant(new_tenant: NewTenant) -> TenantFixture:
    return await new_tenant("Other platform")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """The figures a test added to SUMMARY travel with its report: under pytest-xdist the test runs in a worker
    process, and only the reports reach the process that prints the summary."""
    from tests.invoices.report import SUMMARY

    report = yield
    if call.when == "teardown":
        report.user_properties.extend(("pdp figure", line) for line in SUMMARY)
        SUMMARY.clear()
    return report


FIGURES: list[str] = []  # gathered from the reports, in the process that prints them


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    FIGURES.extend(str(value) for name, value in report.user_properties if name == "pdp figure")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Figures some tests must show in every run's output (the oracle agreement rates)."""
    if FIGURES:
        terminalreporter.section("pdp figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
