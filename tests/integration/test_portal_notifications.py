"""The e-mails about a provider's invoices and mandates, with its portal users' choices: the contact of record gets
every status e-mail as before, the users who asked get theirs (their role's defaults until they choose), each
address once, and a mandate's revocation reaches the users who asked for mandate e-mails."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.audit import Actor
from pdp.platform.callers import PortalRole
from pdp.platform.db.session import unit_of_work
from pdp.tenants.accounts import service as accounts
from pdp.tenants.accounts.portal_repository import PortalUserRepository
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.deposits.transitions import move
from pdp.tenants.notifications import preferences
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, seller_provider
from tests.mail import PUBLIC_URL, CaughtMail, run_staged

TESTS = Actor("system", "tests")
SIGNATORY = "jeanne.dupont@example.fr"  # who accepted the mandate (tests.journeys): an admin of the provider


async def _user(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: str,
    email: str,
    provider_id: str,
    role: PortalRole,
    *,
    groups: list[str] | None = None,
    mandates: bool = False,
    status: str = "active",
) -> str:
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        user = await accounts.create_portal_user(session, email, "Camille Roux", TESTS)
        await accounts.grant_membership(session, user.id, provider_id, role, TESTS)
        user.status = status
        if groups is not None:
            await preferences.choose(session, user, groups, mandates, TESTS)
    return user.id


@pytest.fixture
async def provider(client: Any, tenant: TenantFixture) -> dict[str, Any]:
    provider = await seller_provider(client, tenant)
    provider["mandate"] = await active_mandate(client, tenant, provider["id"])
    return provider


async def test_status_emails_reach_the_contact_and_the_users_who_asked_once_each(
    client: Any,
    tenant: TenantFixture,
    provider: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
) -> None:
    contact = provider["email"]
    x = provider["id"]
    await _user(sessionmaker, tenant.id, "admin@dupont.fr", x, PortalRole.ADMIN)  # defaults: everything
    await _user(sessionmaker, tenant.id, "compta-perso@dupont.fr", x, PortalRole.VIEWER, groups=["payment"])
    await _user(sessionmaker, tenant.id, contact.upper(), x, PortalRole.DEPOSITOR)  # the contact's own address
    await _user(sessionmaker, tenant.id, "parti@dupont.fr", x, PortalRole.ADMIN, status="disabled")
    invoice_id = (await deposit_cii(client, tenant, x)).json()["id"]
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        invoice = await InvoiceRepository(session).get(invoice_id)
        assert await move(session, invoice, "failed", detail={"message": "Chorus Pro ne répond plus"})

    ctx = mailbox.job_context(sessionmaker)
    assert await run_staged(ctx, owner_engine, tenant.id, "notifications.invoice_status") == ["sent"]
    to = [message["To"] for message in mailbox.messages]
    # The contact first; the admins (the mandate's signatory too) by their roles' defaults; the viewer chose
    # payments only; the depositor's address is the contact's, written to once; the disabled user gets nothing.
    assert to[0] == contact and sorted(to[1:]) == ["admin@dupont.fr", SIGNATORY]
    by_address = {message["To"]: message.get_content() for message in mailbox.messages}
    assert "non déposée" in by_address["admin@dupont.fr"]
    assert f"{PUBLIC_URL}/portal/{tenant.id}/notifications" in by_address["admin@dupont.fr"]
    assert "/notifications" not in by_address[contact]  # the contact of record chose nothing: no such footer


async def test_a_users_choice_replaces_their_roles_defaults(
    client: Any,
    tenant: TenantFixture,
    provider: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
) -> None:
    x = provider["id"]
    await _user(sessionmaker, tenant.id, "viewer@dupont.fr", x, PortalRole.VIEWER)  # defaults: action + payment
    quiet = await _user(sessionmaker, tenant.id, "quiet@dupont.fr", x, PortalRole.ADMIN, groups=[])
    invoice_id = (await deposit_cii(client, tenant, x)).json()["id"]
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        await move(session, await InvoiceRepository(session).get(invoice_id), "deposited")
    ctx = mailbox.job_context(sessionmaker)
    await run_staged(ctx, owner_engine, tenant.id, "notifications.invoice_status")
    # "deposited" is in neither user's choice (the mandate's signatory, an admin, gets it by default).
    assert [m["To"] for m in mailbox.messages] == [provider["email"], SIGNATORY]

    # The admin goes back to the defaults of the role: deposits included again.
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        await preferences.follow_role(session, await PortalUserRepository(session).get(quiet), TESTS)
    mailbox.messages.clear()
    await run_staged(ctx, owner_engine, tenant.id, "notifications.invoice_status")  # the same job, run again
    assert sorted(m["To"] for m in mailbox.messages) == sorted([provider["email"], "quiet@dupont.fr", SIGNATORY])


async def test_a_revoked_mandate_reaches_the_users_who_asked(
    client: Any,
    tenant: TenantFixture,
    provider: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
) -> None:
    x = provider["id"]
    await _user(sessionmaker, tenant.id, "admin@dupont.fr", x, PortalRole.ADMIN)  # defaults: mandate e-mails
    await _user(sessionmaker, tenant.id, "viewer@dupont.fr", x, PortalRole.VIEWER)  # defaults: none
    await _user(sessionmaker, tenant.id, "depositor@dupont.fr", x, PortalRole.DEPOSITOR, groups=[], mandates=True)
    revoked = await client.post(f"/v1/mandates/{provider['mandate']['id']}/revoke", headers=tenant.headers)
    assert revoked.status_code == 200, revoked.text
    results = await run_staged(
        mailbox.job_context(sessionmaker), owner_engine, tenant.id, "notifications.mandate_event"
    )
    assert results == ["sent", "sent"]  # the activation (its job runs only now) and the revocation
    asked = ["admin@dupont.fr", "depositor@dupont.fr", SIGNATORY]
    activation = [m for m in mailbox.messages if "accepté" in m["Subject"]]
    revocation = [m for m in mailbox.messages if "révoqué" in m["Subject"]]
    assert sorted(m["To"] for m in activation) == sorted(m["To"] for m in revocation) == asked
    assert len(mailbox.messages) == 6
    body = revocation[0].get_content()
    assert provider["mandate"]["id"] in body
    assert "Révoqué par : Test platform." in body
