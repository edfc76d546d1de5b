"""The portal's pages are French HTML, failures included, with the status of the failure."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TenantFixture
from tests.journeys import accept_invitation, pending_invitation

ENGLISH = ("link", "This ", "mandate was", "verification failed", "Forbidden", "Not Found")


def _french_page(response: Any, status: int, title: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in response.text and f"<h1>{title}</h1>" in response.text
    body = re.sub(r"<code>[^<]*</code>", "", response.text.split("<main>", 1)[1])  # the code is for support
    assert [word for word in ENGLISH if word in body] == []


async def test_an_unknown_or_retired_link_is_a_french_page(client: Any, tenant: TenantFixture) -> None:
    _french_page(await client.get(f"/portal/{tenant.id}/invitation/not-a-real-token"), 404, "Lien inconnu")
    _french_page(await client.get(f"/portal/{tenant.id}/invitation/not-a-real-token/document"), 404, "Lien inconnu")
    # The links tenants were handed before invitations say where acceptance went.
    _french_page(await client.get("/portal/mandates/accept/not-a-real-token"), 410, "Lien retiré")


async def test_a_used_or_expired_invitation_is_a_french_410_page(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    mandate, path = await pending_invitation(client, tenant)
    accepted = await accept_invitation(client, tenant, mandate["id"])
    assert accepted.status_code == 303, accepted.text
    _french_page(await client.get(path), 410, "Mandat clos")

    expired_mandate, expired_path = await pending_invitation(client, tenant)
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE mandates SET token_expires_at = now() - interval '1 minute' WHERE id = :id"),
            {"id": expired_mandate["id"]},
        )
    _french_page(await client.get(expired_path), 410, "Invitation expirée")


async def test_a_form_without_its_csrf_token_is_a_french_403_page(client: Any, tenant: TenantFixture) -> None:
    mandate, path = await pending_invitation(client, tenant)
    refused = await client.post(path, data={"full_name": "Mallory", "consent": "yes"})
    _french_page(refused, 403, "Formulaire expiré")
    after = await client.get(f"/v1/mandates/{mandate['id']}", headers=tenant.headers)
    assert after.json()["status"] == "pending"
