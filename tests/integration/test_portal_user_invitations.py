"""Inviting someone to a provider's team (the services behind the users page and the invitation page): staged with
the invitation, superseded and withdrawn; e-mailed by a job with a link that works once; joined with a new account
or an existing one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import Conflict, NotFound, ValidationFailed
from pdp.tenants.accounts import passwords, sessions, team, user_invitations
from pdp.tenants.accounts.portal_repository import PortalUserRepository
from pdp.tenants.accounts.service import portal_caller
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.mail import PUBLIC_URL, CaughtMail
from tests.portal.accounts import PASSWORD, portal_user_caller
from tests.stored import audit_actions, staged_jobs

LIFETIMES = sessions.Lifetimes(idle=timedelta(minutes=30), maximum=timedelta(hours=8))


@pytest.fixture
async def provider_x(client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]) -> Any:
    x = (await new_provider(client, tenant))["id"]
    return x, await portal_user_caller(sessionmaker, tenant.id, {x: PortalRole.ADMIN})


async def _invite(
    sessionmaker: async_sessionmaker[AsyncSession], admin: PortalUserCaller, provider_id: str, email: str, role: str
) -> str:
    async with unit_of_work(sessionmaker, caller=admin) as session:
        return (await user_invitations.invite(session, admin, provider_id, email, role)).id


async def _send(
    sessionmaker: async_sessionmaker[AsyncSession], mailbox: CaughtMail, tenant_id: str, invitation_id: str, by: str
) -> str:
    """The invitation job's work (the e-mail with a new secret), sent to the mailbox."""
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        return await user_invitations.send_invitation(session, mailbox.settings, invitation_id, by)


def _token(mailbox: CaughtMail, tenant_id: str) -> str:
    """The secret of the invitation link in the last e-mail, on pdp's public URL."""
    link = mailbox.last_link("/invitation-utilisateur/")
    prefix = f"{PUBLIC_URL}/portal/{tenant_id}/invitation-utilisateur/"
    assert link.startswith(prefix), link
    return link.removeprefix(prefix)


async def test_an_invitation_is_staged_superseded_and_withdrawn(
    client: Any,
    tenant: TenantFixture,
    provider_x: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    x, admin = provider_x
    viewer = await portal_user_caller(sessionmaker, tenant.id, {x: PortalRole.VIEWER})
    y = (await new_provider(client, tenant))["id"]
    admin_y = await portal_user_caller(sessionmaker, tenant.id, {y: PortalRole.ADMIN})
    first = await _invite(sessionmaker, admin, x, " New@Fournisseur.example ", "viewer")
    second = await _invite(sessionmaker, admin, x, "new@fournisseur.example", "depositor")
    async with unit_of_work(sessionmaker, caller=admin) as session:
        pending = (await team.team_of(session, admin, x)).invitations
        assert [(i.id, i.email, i.role) for i in pending] == [(second, "new@fournisseur.example", "depositor")]
        viewer_email = (await PortalUserRepository(session).get(viewer.user_id)).email
        with pytest.raises(Conflict) as member:
            await user_invitations.invite(session, admin, x, viewer_email, "admin")
        assert member.value.code == "portal_user_already_member"
        with pytest.raises(ValidationFailed):
            await user_invitations.invite(session, admin, x, "not an address", "viewer")
    async with unit_of_work(sessionmaker, caller=admin_y) as session:
        with pytest.raises(NotFound):  # Y's admin cannot touch X's invitations
            await user_invitations.withdraw(session, admin_y, x, second)
    async with unit_of_work(sessionmaker, caller=admin) as session:
        await user_invitations.withdraw(session, admin, x, second)
        assert (await team.team_of(session, admin, x)).invitations == []
    jobs = await staged_jobs(owner_engine, tenant.id, "portal.invite_user")
    assert {(job["invitation_id"], job["invited_by"]) for job in jobs} == {
        (first, admin.user_id),
        (second, admin.user_id),
    }
    actions = await audit_actions(owner_engine, tenant.id, admin.user_id)
    assert actions == ["portal_user.invited", "portal_user.invited", "portal_user.invitation_withdrawn"]


async def test_the_emailed_link_makes_an_account_once(
    tenant: TenantFixture,
    provider_x: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    mailbox: CaughtMail,
) -> None:
    x, admin = provider_x
    invitation = await _invite(sessionmaker, admin, x, "claire@fournisseur.example", "viewer")
    assert await _send(sessionmaker, mailbox, tenant.id, invitation, admin.user_id) == "sent"
    message = mailbox.messages[-1]
    assert message["To"] == "claire@fournisseur.example"
    assert "gestionnaire (consultation et téléchargement)" in message.get_content()
    token = _token(mailbox, tenant.id)

    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        opened = await user_invitations.open_invitation(session, token)
        assert opened.needs_password and opened.provider.id == x and opened.role is PortalRole.VIEWER
        with pytest.raises(ValidationFailed) as refused:
            await user_invitations.accept(
                session,
                token,
                user_invitations.NewAccount("Claire Martin", "court", "court"),
                lifetimes=LIFETIMES,
                ip="192.0.2.1",
                user_agent="tests",
            )
        assert refused.value.code == "password_refused"
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        joined = await user_invitations.accept(
            session,
            token,
            user_invitations.NewAccount("  Claire   Martin ", PASSWORD, PASSWORD),
            lifetimes=LIFETIMES,
            ip="192.0.2.1",
            user_agent="tests",
        )
        assert joined.user.full_name == "Claire Martin"
        assert await passwords.verify_password(joined.user.password_hash, PASSWORD)
        resumed = await sessions.resume(session, joined.session_token, LIFETIMES)
        assert resumed.user.id == joined.user.id and resumed.record.method == "invitation"
        assert await portal_caller(session, joined.user.id) == PortalUserCaller(
            tenant.id, joined.user.id, {x: PortalRole.VIEWER}
        )
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        with pytest.raises(sessions.LinkGone) as gone:
            await user_invitations.open_invitation(session, token)
        assert gone.value.extra.get("reason") == "used"
    # Sent again after use, the job sends nothing: the invitation is no longer pending.
    assert await _send(sessionmaker, mailbox, tenant.id, invitation, admin.user_id) == "not pending"


async def test_someone_with_an_account_joins_without_a_new_password(
    client: Any,
    tenant: TenantFixture,
    provider_x: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    mailbox: CaughtMail,
) -> None:
    x, admin = provider_x
    y = (await new_provider(client, tenant))["id"]
    colleague = await portal_user_caller(sessionmaker, tenant.id, {y: PortalRole.ADMIN})
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        email = (await PortalUserRepository(session).get(colleague.user_id)).email
    invitation = await _invite(sessionmaker, admin, x, email, "depositor")
    await _send(sessionmaker, mailbox, tenant.id, invitation, admin.user_id)
    token = _token(mailbox, tenant.id)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        opened = await user_invitations.open_invitation(session, token)
        assert not opened.needs_password and opened.account is not None
        joined = await user_invitations.accept(session, token, None, lifetimes=LIFETIMES, ip=None, user_agent=None)
        assert joined.user.id == colleague.user_id
        assert (await portal_caller(session, colleague.user_id)).roles == {
            y: PortalRole.ADMIN,
            x: PortalRole.DEPOSITOR,
        }


async def test_a_withdrawn_or_superseded_link_no_longer_works(
    tenant: TenantFixture,
    provider_x: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    mailbox: CaughtMail,
) -> None:
    x, admin = provider_x
    invitation = await _invite(sessionmaker, admin, x, "paul@fournisseur.example", "viewer")
    await _send(sessionmaker, mailbox, tenant.id, invitation, admin.user_id)
    first_token = _token(mailbox, tenant.id)
    # A retried job sends a new secret: the earlier e-mail's link stops working.
    await _send(sessionmaker, mailbox, tenant.id, invitation, admin.user_id)
    second_token = _token(mailbox, tenant.id)
    assert second_token != first_token
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        with pytest.raises(NotFound):
            await user_invitations.open_invitation(session, first_token)
    async with unit_of_work(sessionmaker, caller=admin) as session:
        await user_invitations.withdraw(session, admin, x, invitation)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        with pytest.raises(sessions.LinkGone) as gone:
            await user_invitations.open_invitation(session, second_token)
        assert gone.value.extra.get("reason") == "expired"
    assert await _send(sessionmaker, mailbox, tenant.id, invitation, admin.user_id) == "not pending"
