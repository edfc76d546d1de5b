"""The e-mails about a provider's invoices and mandates, with its portal users' choices: the contact of record gets
every status e-mail as before, the users who asked get theirs (their role's defaults until they choose), each
address once, and a mandate's revocation reaches the users who asked for mandate e-mails."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.connectors.mail.catcher import Mailbox, start_catcher
from pdp.platform import jobs
from pdp.platform.audit import Actor
from pdp.platform.callers import PortalRole
from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.accounts.portal_repository import PortalUserRepository
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.deposits.transitions import move
from pdp.tenants.notifications import preferences
from pdp.workers.registry import JobContext
from pdp.workers.tasks.invoices import email_status
from pdp.workers.tasks.notifications import email_mandate_event
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, seller_provider
from tests.sandbox.harness import free_port

TESTS = Actor("system", "tests")
SIGNATORY = "jeanne.dupont@example.fr"  # who accepted the mandate (tests.journeys): an admin of the provider


class _NoQueue:
    async def send(self, job: jobs.JobRequest) -> bool:
        raise AssertionError("sending an e-mail enqueues nothing")


@pytest.fixture
def mail(settings: Settings) -> Iterator[tuple[Mailbox, Settings]]:
    port = free_port()
    controller, box = start_catcher("127.0.0.1", port)
    yield box, replace(settings, smtp_host="127.0.0.1", smtp_port=port, public_url="https://pdp.example")
    controller.stop()


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


async def _staged(owner_engine: AsyncEngine, tenant_id: str, job_name: str) -> list[str]:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload->>'event_id' FROM outbox WHERE tenant_id = :t AND job_name = :j ORDER BY id"),
            {"t": tenant_id, "j": job_name},
        )
        return [row[0] for row in rows]


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
    mail: tuple[Mailbox, Settings],
) -> None:
    box, mail_settings = mail
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

    ctx = JobContext(mail_settings, sessionmaker, _NoQueue(), "test", 1)
    (event_id,) = await _staged(owner_engine, tenant.id, "notifications.invoice_status")
    assert await email_status(ctx, tenant_id=tenant.id, event_id=event_id) == "sent"
    to = [message["To"] for message in box.messages]
    # The contact first; the admins (the mandate's signatory too) by their roles' defaults; the viewer chose
    # payments only; the depositor's address is the contact's, written to once; the disabled user gets nothing.
    assert to[0] == contact and sorted(to[1:]) == ["admin@dupont.fr", SIGNATORY]
    by_address = {message["To"]: message.get_content() for message in box.messages}
    assert "non déposée" in by_address["admin@dupont.fr"]
    assert f"https://pdp.example/portal/{tenant.id}/notifications" in by_address["admin@dupont.fr"]
    assert "/notifications" not in by_address[contact]  # the contact of record chose nothing: no such footer


async def test_a_users_choice_replaces_their_roles_defaults(
    client: Any,
    tenant: TenantFixture,
    provider: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mail: tuple[Mailbox, Settings],
) -> None:
    box, mail_settings = mail
    x = provider["id"]
    await _user(sessionmaker, tenant.id, "viewer@dupont.fr", x, PortalRole.VIEWER)  # defaults: action + payment
    quiet = await _user(sessionmaker, tenant.id, "quiet@dupont.fr", x, PortalRole.ADMIN, groups=[])
    invoice_id = (await deposit_cii(client, tenant, x)).json()["id"]
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        await move(session, await InvoiceRepository(session).get(invoice_id), "deposited")
    ctx = JobContext(mail_settings, sessionmaker, _NoQueue(), "test", 1)
    (event_id,) = await _staged(owner_engine, tenant.id, "notifications.invoice_status")
    await email_status(ctx, tenant_id=tenant.id, event_id=event_id)
    # "deposited" is in neither user's choice (the mandate's signatory, an admin, gets it by default).
    assert [m["To"] for m in box.messages] == [provider["email"], SIGNATORY]

    # The admin goes back to the defaults of the role: deposits included again.
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        await preferences.follow_role(session, await PortalUserRepository(session).get(quiet), TESTS)
    box.messages.clear()
    await email_status(ctx, tenant_id=tenant.id, event_id=event_id)
    assert sorted(m["To"] for m in box.messages) == sorted([provider["email"], "quiet@dupont.fr", SIGNATORY])


async def test_a_revoked_mandate_reaches_the_users_who_asked(
    client: Any,
    tenant: TenantFixture,
    provider: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mail: tuple[Mailbox, Settings],
) -> None:
    box, mail_settings = mail
    x = provider["id"]
    await _user(sessionmaker, tenant.id, "admin@dupont.fr", x, PortalRole.ADMIN)  # defaults: mandate e-mails
    await _user(sessionmaker, tenant.id, "viewer@dupont.fr", x, PortalRole.VIEWER)  # defaults: none
    await _user(sessionmaker, tenant.id, "depositor@dupont.fr", x, PortalRole.DEPOSITOR, groups=[], mandates=True)
    revoked = await client.post(f"/v1/mandates/{provider['mandate']['id']}/revoke", headers=tenant.headers)
    assert revoked.status_code == 200, revoked.text
    ctx = JobContext(mail_settings, sessionmaker, _NoQueue(), "test", 1)
    results = [
        await email_mandate_event(ctx, tenant_id=tenant.id, event_id=event_id)
        for event_id in await _staged(owner_engine, tenant.id, "notifications.mandate_event")
    ]
    assert results == ["sent", "sent"]  # the activation (its job runs only now) and the revocation
    asked = ["admin@dupont.fr", "depositor@dupont.fr", SIGNATORY]
    activation = [m for m in box.messages if "accepté" in m["Subject"]]
    revocation = [m for m in box.messages if "révoqué" in m["Subject"]]
    assert sorted(m["To"] for m in activation) == sorted(m["To"] for m in revocation) == asked
    assert len(box.messages) == 6
    body = revocation[0].get_content()
    assert provider["mandate"]["id"] in body
    assert "Révoqué par : Test platform." in body
