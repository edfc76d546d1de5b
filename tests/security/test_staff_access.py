"""Support staff read a tenant only under an access grant they opened, and the tenant sees it.

The grant is checked twice: by :mod:`pdp.tenants.staff.grants` before a read, and by PostgreSQL on every row the
staff role reads (migration 0024). These tests go straight to the database as a staff caller, as a console bug
that forgot the first check would: without an open grant of their own for that tenant, staff read nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import ids
from pdp.platform.callers import StaffCaller
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import ValidationFailed
from pdp.tenants.accounts.models import PortalSession, StaffUser, Tenant
from pdp.tenants.providers.models import Provider
from pdp.tenants.staff import grants
from tests.conftest import TenantFixture
from tests.journeys import new_provider

Reader = Callable[[StaffCaller], Awaitable[set[str]]]


@pytest.fixture
async def staff(owner_engine: AsyncEngine) -> StaffUser:
    """A support member, created as an operator does (the owner: the app role cannot create staff)."""
    staff_id = ids.new_id("staff_user")
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO staff_users (id, email, full_name, role)"
                " VALUES (:id, :email, 'Camille Support', 'support')"
            ),
            {"id": staff_id, "email": f"{staff_id}@support.example"},
        )
    return StaffUser(id=staff_id, full_name="Camille Support", role="support")


async def _open(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, staff: StaffUser, **narrowed: Any
) -> StaffCaller:
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        member = await grants.staff_member(session, staff.id)
        grant = await grants.open_grant(session, member, grants.Purpose("Facture non payée", "SUP-1234"), **narrowed)
    return grants.caller_of(grant)


@pytest.fixture
def providers_seen(sessionmaker: async_sessionmaker[AsyncSession]) -> Reader:
    """The provider ids a staff caller's transaction sees, with no filter of its own (as a forgetful query)."""

    async def read(caller: StaffCaller) -> set[str]:
        async with unit_of_work(sessionmaker, caller=caller) as session:
            return set((await session.execute(select(Provider.id))).scalars())

    return read


async def test_without_a_grant_staff_read_nothing_and_with_one_only_that_tenant(
    client: Any,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    staff: StaffUser,
    sessionmaker: async_sessionmaker[AsyncSession],
    providers_seen: Reader,
) -> None:
    mine = (await new_provider(client, tenant))["id"]
    theirs = (await new_provider(client, other_tenant))["id"]
    # A made-up grant id: a console that skipped the check still reads nothing.
    assert await providers_seen(StaffCaller(tenant.id, staff.id, ids.new_id("staff_grant"))) == set()
    caller = await _open(sessionmaker, tenant.id, staff)
    assert await providers_seen(caller) == {mine}
    # The same grant bound to the other tenant: the database finds no grant for it.
    assert await providers_seen(StaffCaller(other_tenant.id, staff.id, caller.grant_id)) == set()
    assert theirs not in await providers_seen(caller)
    # Another staff member holding this grant's id reads nothing either.
    assert await providers_seen(StaffCaller(tenant.id, ids.new_id("staff_user"), caller.grant_id)) == set()


async def test_a_grant_narrowed_to_a_provider_reads_that_provider_only(
    client: Any,
    tenant: TenantFixture,
    staff: StaffUser,
    sessionmaker: async_sessionmaker[AsyncSession],
    providers_seen: Reader,
) -> None:
    first = (await new_provider(client, tenant))["id"]
    await new_provider(client, tenant)
    caller = await _open(sessionmaker, tenant.id, staff, provider_id=first)
    assert await providers_seen(caller) == {first}


async def test_expiry_and_revocation_cut_access_at_once(
    client: Any,
    tenant: TenantFixture,
    staff: StaffUser,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    providers_seen: Reader,
) -> None:
    provider = (await new_provider(client, tenant))["id"]
    caller = await _open(sessionmaker, tenant.id, staff)
    assert await providers_seen(caller) == {provider}
    async with owner_engine.begin() as conn:  # the hour is up
        await conn.execute(
            text("UPDATE staff_access_grants SET expires_at = created_at + interval '1 microsecond' WHERE id = :id"),
            {"id": caller.grant_id},
        )
    assert await providers_seen(caller) == set()
    with pytest.raises(grants.GrantClosed):
        async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
            await grants.record_read(session, caller, "/console/providers")
    revoked = await _open(sessionmaker, tenant.id, staff)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        await grants.revoke(session, revoked)
    assert await providers_seen(revoked) == set()


async def test_the_staff_role_reads_and_never_writes_nor_reads_sessions(
    tenant: TenantFixture, staff: StaffUser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    caller = await _open(sessionmaker, tenant.id, staff)
    async with unit_of_work(sessionmaker, caller=caller) as session:
        assert [t.id for t in (await session.execute(select(Tenant))).scalars()] == [tenant.id]
        role = (await session.execute(text("SELECT current_user"))).scalar_one()
        assert role.endswith("_staff")
    for statement in (
        text("UPDATE tenants SET name = 'pwned'"),
        text(
            "INSERT INTO staff_access_grants (tenant_id, id, staff_id, staff_name, reason, ticket, expires_at) "
            "VALUES (:t, 'sag_x', :s, 'x', 'x', 'x', now() + interval '1 day')"
        ),
        select(PortalSession.id),
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with unit_of_work(sessionmaker, caller=caller) as session:
                await session.execute(statement, {"t": tenant.id, "s": staff.id})


async def test_a_grant_needs_a_reason_a_ticket_and_a_bounded_duration(
    tenant: TenantFixture, staff: StaffUser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for purpose, duration in (
        (grants.Purpose("  ", "SUP-1"), grants.DEFAULT_DURATION),
        (grants.Purpose("Facture bloquée", ""), grants.DEFAULT_DURATION),
        (grants.Purpose("Facture bloquée", "SUP-1"), timedelta(days=2)),
    ):
        with pytest.raises(ValidationFailed):
            async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
                member = await grants.staff_member(session, staff.id)
                await grants.open_grant(session, member, purpose, duration=duration)


async def test_the_tenant_lists_each_access_with_its_reason_and_reads_and_audit_has_them(
    client: Any,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    staff: StaffUser,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    caller = await _open(sessionmaker, tenant.id, staff)
    for page in ("/console/tenants", "/console/invoices"):
        async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
            await grants.record_read(session, caller, page)
    listed = (await client.get("/v1/staff-access", headers=tenant.headers)).json()
    [access] = listed["data"]
    assert (access["id"], access["staff_name"], access["reason"], access["ticket"]) == (
        caller.grant_id,
        "Camille Support",
        "Facture non payée",
        "SUP-1234",
    )
    assert access["active"] is True and access["pages_read"] == 2 and access["object"] == "staff_access"
    assert (await client.get("/v1/staff-access", headers=other_tenant.headers)).json()["data"] == []
    async with owner_engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT action, actor_type, actor_id, data->>'page' FROM audit_events"
                    " WHERE tenant_id = :t AND target_id = :g ORDER BY occurred_at"
                ),
                {"t": tenant.id, "g": caller.grant_id},
            )
        ).all()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("staff_access.opened", "staff", staff.id, None),
        ("staff_access.read", "staff", staff.id, "/console/tenants"),
        ("staff_access.read", "staff", staff.id, "/console/invoices"),
    ]
