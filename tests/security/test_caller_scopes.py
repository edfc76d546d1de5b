"""One access model: a portal user bound to provider X reads X's rows only — through the repositories, and through
row-level security when a query forgets the filter — while an API key still reads its whole tenant, and nobody
reads another tenant's rows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.testing import AsyncTestClient
from litestar.types import HTTPScope
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.audit import Actor
from pdp.platform.callers import ApiKeyCaller, Caller, PortalRole, PortalUserCaller
from pdp.platform.db import tenancy
from pdp.platform.db.repository import TenantRepository
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import Unauthenticated
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.events.service import EventRepository
from pdp.tenants.mandates.repository import MandateRepository
from pdp.tenants.providers.repository import ProviderRepository
from pdp.tenants.webhooks.repository import EndpointRepository
from pdp.web.deps import provide_session
from pdp.web.resources import open_resources
from pdp.web.uow import Authenticator, UnitOfWorkMiddleware
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.journeys import active_mandate, deposit_cii, seller_provider

SCOPED_TABLES = ("providers", "mandates", "invoices", "documents", "events")
REPOSITORIES: tuple[type[TenantRepository[Any]], ...] = (
    ProviderRepository,
    MandateRepository,
    InvoiceRepository,
    DocumentRepository,
    EventRepository,
)


@dataclass(frozen=True)
class Platform:
    """A tenant with two providers: X (mandate accepted, one invoice deposited) and Y (a pending mandate)."""

    tenant: TenantFixture
    x: str
    y: str
    invoice_id: str

    def key_caller(self) -> ApiKeyCaller:
        return ApiKeyCaller(self.tenant.id, self.tenant.api_key_id, "test", frozenset({"read"}))

    def user_of(self, *providers: str) -> PortalUserCaller:
        return PortalUserCaller(self.tenant.id, "usr_test", {p: PortalRole.VIEWER for p in providers})


async def _platform(client: AsyncTestClient, tenant: TenantFixture) -> Platform:  # type: ignore[type-arg]
    x = (await seller_provider(client, tenant))["id"]
    await active_mandate(client, tenant, x)
    deposited = await deposit_cii(client, tenant, x)
    assert deposited.status_code == 201, deposited.text
    y = (await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)).json()["id"]
    mandate = await client.post(
        f"/v1/providers/{y}/mandates", json={"valid_from": "2026-01-01"}, headers=tenant.headers
    )
    assert mandate.status_code == 201, mandate.text
    return Platform(tenant, x, y, deposited.json()["id"])


@pytest.fixture
async def platforms(
    client: AsyncTestClient,  # type: ignore[type-arg]
    tenant: TenantFixture,
    other_tenant: TenantFixture,
) -> tuple[Platform, Platform]:
    return await _platform(client, tenant), await _platform(client, other_tenant)


async def _raw_rows(sessionmaker: async_sessionmaker[AsyncSession], caller: Caller) -> dict[str, set[str]]:
    """Every id each scoped table shows the caller, by plain SQL with no filter at all: only RLS narrows it."""
    async with unit_of_work(sessionmaker, caller=caller) as session:
        found = {}
        for table in SCOPED_TABLES:
            found[table] = set((await session.execute(text(f"SELECT id FROM {table}"))).scalars())
        found["invoices.provider_id"] = set((await session.execute(text("SELECT provider_id FROM invoices"))).scalars())
        return found


async def _repository_rows(sessionmaker: async_sessionmaker[AsyncSession], caller: Caller) -> dict[str, set[str]]:
    async with unit_of_work(sessionmaker, caller=caller) as session:
        found = {}
        for repository in REPOSITORIES:
            rows = (await session.execute(repository(session).select())).scalars()
            found[repository.model.__tablename__] = {row.id for row in rows}
        return found


async def test_a_portal_user_reads_only_its_providers_rows_through_the_repositories(
    platforms: tuple[Platform, Platform], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, _ = platforms
    as_x = await _repository_rows(sessionmaker, mine.user_of(mine.x))
    as_key = await _repository_rows(sessionmaker, mine.key_caller())

    assert as_x["providers"] == {mine.x}
    assert as_x["invoices"] == {mine.invoice_id}
    assert as_x["mandates"] and as_x["mandates"] < as_key["mandates"]
    assert as_x["documents"] and as_x["documents"] < as_key["documents"]  # Y's mandate has its document too
    assert as_x["events"] and as_x["events"] < as_key["events"]
    assert as_key["providers"] == {mine.x, mine.y}


async def test_a_forgotten_filter_still_shows_a_portal_user_only_its_providers_rows(
    platforms: tuple[Platform, Platform], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, _ = platforms
    as_x = await _raw_rows(sessionmaker, mine.user_of(mine.x))
    as_y = await _raw_rows(sessionmaker, mine.user_of(mine.y))
    as_key = await _raw_rows(sessionmaker, mine.key_caller())

    assert as_x["providers"] == {mine.x} and as_y["providers"] == {mine.y}
    assert as_x["invoices"] == {mine.invoice_id} and as_x["invoices.provider_id"] == {mine.x}
    assert as_y["invoices"] == set() and not as_y["documents"] & as_x["documents"]
    assert as_y["mandates"] and not as_y["mandates"] & as_x["mandates"]
    assert not as_y["events"] & as_x["events"]
    # The API key's view is the union of its providers' views, and then some (tenant-wide rows stay its own).
    for table in SCOPED_TABLES:
        assert as_x[table] | as_y[table] <= as_key[table], table
    assert as_key["providers"] == {mine.x, mine.y}


async def test_the_repositories_statement_for_a_caller_matches_what_rls_shows_it(
    platforms: tuple[Platform, Platform], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, _ = platforms
    caller = mine.user_of(mine.y)
    async with unit_of_work(sessionmaker, caller=mine.key_caller()) as session:  # the filter alone, RLS wide open
        readable = set((await session.execute(ProviderRepository.readable(caller))).scalars())
    assert {provider.id for provider in readable} == {mine.y}


async def test_the_events_statement_for_a_caller_matches_what_rls_shows_it(
    platforms: tuple[Platform, Platform], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # An event reaches its provider through its subject (the provider, one of its invoices or mandates): the
    # repository's condition alone, RLS wide open, shows each provider's user what RLS shows it.
    mine, _ = platforms
    for provider in (mine.x, mine.y):
        caller = mine.user_of(provider)
        async with unit_of_work(sessionmaker, caller=mine.key_caller()) as session:
            readable = {event.id for event in (await session.execute(EventRepository.readable(caller))).scalars()}
        assert readable and readable == (await _raw_rows(sessionmaker, caller))["events"], provider
    async with unit_of_work(sessionmaker, caller=mine.user_of(mine.x)) as session:
        history = await EventRepository(session).of_subject(mine.invoice_id)
    assert [event.type for event in history] == ["invoice.created"]


async def test_a_portal_user_without_providers_and_a_scope_naming_another_tenants_provider_see_nothing(
    platforms: tuple[Platform, Platform], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, theirs = platforms
    for caller in (mine.user_of(), mine.user_of(theirs.x, theirs.y)):
        raw = await _raw_rows(sessionmaker, caller)
        assert all(not ids for ids in raw.values()), raw
        assert all(not ids for ids in (await _repository_rows(sessionmaker, caller)).values())


async def test_an_api_key_never_reads_another_tenants_rows(
    platforms: tuple[Platform, Platform], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, theirs = platforms
    as_mine = await _raw_rows(sessionmaker, mine.key_caller())
    as_theirs = await _raw_rows(sessionmaker, theirs.key_caller())
    for table in SCOPED_TABLES:
        assert not as_mine[table] & as_theirs[table], table
    assert theirs.invoice_id not in as_mine["invoices"]


async def test_a_portal_user_reads_no_table_that_is_not_a_providers(
    platforms: tuple[Platform, Platform], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, _ = platforms
    async with unit_of_work(sessionmaker, caller=mine.user_of(mine.x)) as session:
        assert (await session.execute(EndpointRepository(session).select())).first() is None  # deny by default


async def test_a_portal_user_cannot_write_a_row_for_another_provider(
    platforms: tuple[Platform, Platform], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, _ = platforms
    with pytest.raises(Exception, match="row-level security"):
        async with unit_of_work(sessionmaker, caller=mine.user_of(mine.x)) as session:
            await session.execute(
                text(
                    "INSERT INTO mandates (tenant_id, id, provider_id, status, valid_from) "
                    "VALUES (:t, 'mdt_forged', :p, 'pending', '2026-01-01')"
                ),
                {"t": mine.tenant.id, "p": mine.y},
            )


class _SignedInAs:
    """An authenticator that trusts the test: the portal's cookie session will answer the same question."""

    def __init__(self, caller: PortalUserCaller) -> None:
        self.caller = caller

    async def authenticate(self, session: AsyncSession, scope: HTTPScope) -> PortalUserCaller:
        tenancy.bind(session, self.caller)
        return self.caller


@get("/invoices")
async def _invoice_ids(session: NamedDependency[AsyncSession]) -> list[str]:
    return list((await session.execute(text("SELECT id FROM invoices ORDER BY id"))).scalars())


@post("/invoices/count", status_code=201)
async def _invoice_count(session: NamedDependency[AsyncSession]) -> dict[str, int]:
    return {"count": (await session.execute(text("SELECT count(*) FROM invoices"))).scalar_one()}


def _surface(settings: Settings, authenticator: Authenticator) -> Litestar:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with open_resources(settings) as resources:
            app.state.resources = resources
            yield

    surface = Router(
        path="/surface",
        route_handlers=[_invoice_ids, _invoice_count],
        middleware=[UnitOfWorkMiddleware(authenticator)],
        dependencies={"session": Provide(provide_session)},
    )
    return Litestar(route_handlers=[surface], lifespan=[lifespan])


async def test_another_surface_shares_the_unit_of_work_and_differs_only_in_its_authenticator(
    platforms: tuple[Platform, Platform], settings: Settings
) -> None:
    mine, _ = platforms
    app = _surface(settings, _SignedInAs(mine.user_of(mine.y)))
    async with AsyncTestClient(app) as client:
        assert (await client.get("/surface/invoices")).json() == []  # Y has no invoice; X's is not shown
        first = await client.post("/surface/invoices/count", headers={"Idempotency-Key": "count-1"})
        replayed = await client.post("/surface/invoices/count", headers={"Idempotency-Key": "count-1"})
    assert first.status_code == replayed.status_code == 201 and first.json() == {"count": 0}
    assert replayed.headers.get("idempotent-replayed") == "true"

    app = _surface(settings, _SignedInAs(mine.user_of(mine.x)))
    async with AsyncTestClient(app) as client:
        assert (await client.get("/surface/invoices")).json() == [mine.invoice_id]


async def test_a_portal_users_caller_comes_from_its_memberships(
    platforms: tuple[Platform, Platform], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, theirs = platforms
    pdp = Actor("system", "test")
    async with unit_of_work(sessionmaker, tenant_id=mine.tenant.id) as session:
        user = await accounts.create_portal_user(session, "gestion@dupont.fr", "Gestion Dupont", pdp)
        await accounts.grant_membership(session, user.id, mine.x, PortalRole.VIEWER, pdp)
        caller = await accounts.portal_caller(session, user.id)
    assert caller == PortalUserCaller(mine.tenant.id, user.id, {mine.x: PortalRole.VIEWER})
    assert caller.role_on(mine.x) is PortalRole.VIEWER and caller.role_on(mine.y) is None
    assert (await _raw_rows(sessionmaker, caller))["providers"] == {mine.x}

    with pytest.raises(Unauthenticated):  # a user id of this tenant, looked up from another tenant
        async with unit_of_work(sessionmaker, tenant_id=theirs.tenant.id) as session:
            await accounts.portal_caller(session, user.id)
