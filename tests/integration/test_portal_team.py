"""A provider's team, as its administrators manage it (the services the portal's users page calls): who may, whom
they see, the last administrator kept, invitations staged and withdrawn, every change audited as the portal user's."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pdp.tenants.accounts import team, user_invitations
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.portal.accounts import portal_user_caller


@pytest.fixture
async def shop(client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """Provider X (an admin, a depositor, a viewer) and provider Y of the same tenant (its own admin)."""
    x, y = (await new_provider(client, tenant))["id"], (await new_provider(client, tenant))["id"]
    return {
        "x": x,
        "y": y,
        "admin": await portal_user_caller(sessionmaker, tenant.id, {x: PortalRole.ADMIN}),
        "depositor": await portal_user_caller(sessionmaker, tenant.id, {x: PortalRole.DEPOSITOR}),
        "viewer": await portal_user_caller(sessionmaker, tenant.id, {x: PortalRole.VIEWER}),
        "admin_y": await portal_user_caller(sessionmaker, tenant.id, {y: PortalRole.ADMIN}),
    }


async def test_an_admin_sees_the_providers_users_and_nobody_elses(
    shop: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin: PortalUserCaller = shop["admin"]
    async with unit_of_work(sessionmaker, caller=admin) as session:
        seen = await team.team_of(session, admin, shop["x"])
        assert {m.user_id for m in seen.members} == {
            shop["admin"].user_id,
            shop["depositor"].user_id,
            shop["viewer"].user_id,
        }
        assert shop["admin_y"].user_id not in {m.user_id for m in seen.members}
        assert {m.role for m in seen.members} == set(PortalRole)
        assert [m.is_caller for m in seen.members if m.user_id == admin.user_id] == [True]
        with pytest.raises(NotFound):  # Y exists in the tenant, but not for this caller
            await team.team_of(session, admin, shop["y"])


@pytest.mark.parametrize("role", ["viewer", "depositor"])
async def test_only_an_admin_manages_users(
    shop: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession], role: str
) -> None:
    caller: PortalUserCaller = shop[role]
    async with unit_of_work(sessionmaker, caller=caller) as session:
        with pytest.raises(Forbidden) as refused:
            await team.team_of(session, caller, shop["x"])
        assert refused.value.code == "portal_role_required"
        with pytest.raises(Forbidden):
            await user_invitations.invite(session, caller, shop["x"], "new@fournisseur.example", "viewer")
        with pytest.raises(Forbidden):
            await team.change_role(session, caller, shop["x"], caller.user_id, "admin")


async def test_a_provider_keeps_its_last_admin(
    shop: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    admin: PortalUserCaller = shop["admin"]
    async with unit_of_work(sessionmaker, caller=admin) as session:
        with pytest.raises(Conflict) as last:
            await team.change_role(session, admin, shop["x"], admin.user_id, "viewer")
        assert last.value.code == "last_admin"
        with pytest.raises(Conflict):
            await team.remove(session, admin, shop["x"], admin.user_id)
    async with unit_of_work(sessionmaker, caller=admin) as session:
        await team.change_role(session, admin, shop["x"], shop["depositor"].user_id, "admin")
    # Two admins now: the first may step down, and the other is then the last.
    async with unit_of_work(sessionmaker, caller=admin) as session:
        await team.remove(session, admin, shop["x"], admin.user_id)
    second = PortalUserCaller(admin.tenant_id, shop["depositor"].user_id, {shop["x"]: PortalRole.ADMIN})
    async with unit_of_work(sessionmaker, caller=second) as session:
        members = (await team.team_of(session, second, shop["x"])).members
        assert admin.user_id not in {m.user_id for m in members}
        with pytest.raises(Conflict):
            await team.remove(session, second, shop["x"], second.user_id)
    async with owner_engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT actor_type, actor_id, action, data FROM audit_events WHERE tenant_id = :t "
                    "AND action IN ('membership.changed', 'membership.revoked') ORDER BY occurred_at, id"
                ),
                {"t": admin.tenant_id},
            )
        ).all()
    assert [(r.actor_type, r.actor_id, r.action) for r in rows] == [
        ("portal_user", admin.user_id, "membership.changed"),
        ("portal_user", admin.user_id, "membership.revoked"),
    ]
    assert rows[0].data["role"] == "admin" and rows[0].data["previous"] == "depositor"


async def test_another_providers_user_cannot_be_changed_or_removed(
    shop: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin: PortalUserCaller = shop["admin"]
    async with unit_of_work(sessionmaker, caller=admin) as session:
        with pytest.raises(NotFound):
            await team.change_role(session, admin, shop["x"], shop["admin_y"].user_id, "viewer")
        with pytest.raises(NotFound):
            await team.remove(session, admin, shop["y"], shop["admin_y"].user_id)
        with pytest.raises(ValidationFailed):
            await team.change_role(session, admin, shop["x"], shop["viewer"].user_id, "owner")
