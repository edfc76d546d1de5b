"""« Notifications »: each user chooses their own e-mails (their role's defaults until then), with the form's CSRF
token; another user's choices are not theirs to change."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from pdp.platform.db.session import unit_of_work
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.deposits.transitions import move
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, new_provider, seller_provider
from tests.mail import CaughtMail, run_staged
from tests.portal.accounts import BROWSER
from tests.portal.records import form, signed_in, use
from tests.stored import owner_value


def ticked(page: Any) -> set[str]:
    return set(re.findall(r'<input type="checkbox" id="g-[a-z]+" name="([a-z]+)" value="on" checked', page.text))


async def stored(owner_engine: AsyncEngine, user_id: str) -> dict[str, Any]:
    return dict(await owner_value(owner_engine, "SELECT notifications FROM portal_users WHERE id = :id", id=user_id))


async def test_a_user_starts_with_the_defaults_of_their_role_then_chooses(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider = (await new_provider(client, tenant))["id"]
    viewer = await signed_in(client, sessionmaker, tenant.id, {provider: PortalRole.VIEWER})
    page = await client.get(f"{viewer.base}/notifications")
    assert page.status_code == 200 and ticked(page) == {"action", "payment"}
    assert "Vous recevez les e-mails prévus pour le rôle Gestionnaire." in page.text
    assert f'<a href="{viewer.base}/notifications" aria-current="page">Notifications</a>' in page.text

    saved = await form(
        client, f"{viewer.base}/notifications", f"{viewer.base}/notifications", progress="on", mandates="on"
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("/notifications?notice=enregistre")
    assert await stored(owner_engine, viewer.person.id) == {
        "invoice_status": ["delivered", "deposited"],
        "mandate_events": True,
    }
    page = await client.get(f"{viewer.base}/notifications?notice=enregistre")
    assert ticked(page) == {"progress", "mandates"} and "Vos choix sont enregistrés." in page.text

    back = await form(client, f"{viewer.base}/notifications", f"{viewer.base}/notifications/defaut")
    assert back.status_code == 303 and await stored(owner_engine, viewer.person.id) == {}
    assert ticked(await client.get(f"{viewer.base}/notifications")) == {"action", "payment"}


async def test_choices_need_the_forms_csrf_token_and_are_the_users_own(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider = (await new_provider(client, tenant))["id"]
    admin = await signed_in(client, sessionmaker, tenant.id, {provider: PortalRole.ADMIN})
    viewer = await signed_in(client, sessionmaker, tenant.id, {provider: PortalRole.VIEWER})
    use(client, admin)
    forged = await client.post(f"{admin.base}/notifications", data={"progress": "on"}, headers=BROWSER)
    assert forged.status_code == 403 and "Formulaire expiré" in forged.text
    assert await stored(owner_engine, admin.person.id) == {}
    # The form names no user: whoever is signed in changes their own choices, never the viewer's.
    await form(
        client, f"{admin.base}/notifications", f"{admin.base}/notifications", payment="on", user_id=viewer.person.id
    )
    assert await stored(owner_engine, admin.person.id) == {"invoice_status": ["payment_sent"], "mandate_events": False}
    assert await stored(owner_engine, viewer.person.id) == {}


async def test_the_choice_made_on_the_page_is_what_the_email_job_sends(
    client: Any,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    viewer = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.VIEWER})
    # A viewer's defaults hear of failures, not of deposits; the page turns that around.
    await form(client, f"{viewer.base}/notifications", f"{viewer.base}/notifications", progress="on")
    failed, deposited = [
        (await deposit_cii(client, tenant, provider["id"], number=n)).json()["id"] for n in ("N-1", "N-2")
    ]
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        invoices = InvoiceRepository(session)
        await move(session, await invoices.get(failed), "failed", detail={"message": "Chorus Pro ne répond plus"})
        await move(session, await invoices.get(deposited), "deposited")
    results = await run_staged(
        mailbox.job_context(sessionmaker), owner_engine, tenant.id, "notifications.invoice_status"
    )
    assert results == ["sent", "sent"]
    to_viewer = [m["Subject"] for m in mailbox.messages if m["To"] == viewer.person.email]
    assert len(to_viewer) == 1 and "déposée sur Chorus Pro" in to_viewer[0]
    assert sum(m["To"] == provider["email"] for m in mailbox.messages) == 2  # the contact of record: both
