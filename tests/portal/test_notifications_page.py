"""« Notifications »: each user chooses their own e-mails (their role's defaults until then), with the form's CSRF
token; another user's choices are not theirs to change."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.conftest import TenantFixture
from tests.portal.accounts import BROWSER, new_provider
from tests.portal.records import form, signed_in, use


def ticked(page: Any) -> set[str]:
    return set(re.findall(r'<input type="checkbox" id="g-[a-z]+" name="([a-z]+)" value="on" checked', page.text))


async def stored(owner_engine: AsyncEngine, user_id: str) -> dict[str, Any]:
    async with owner_engine.connect() as conn:
        found = await conn.execute(text("SELECT notifications FROM portal_users WHERE id = :id"), {"id": user_id})
        return dict(found.scalar_one())


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
