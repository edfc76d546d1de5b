"""The portal's pages are French HTML, failures included, with the status of the failure."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.journeys import accept_mandate, portal_path

ENGLISH = ("link", "This ", "mandate was", "verification failed", "Forbidden", "Not Found")


async def _acceptance_url(client: Any, tenant: TenantFixture) -> tuple[str, str]:
    provider = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    mandate = await client.post(
        f"/v1/providers/{provider.json()['id']}/mandates", json={"valid_from": "2026-01-01"}, headers=tenant.headers
    )
    assert mandate.status_code == 201, mandate.text
    return mandate.json()["acceptance_url"], mandate.json()["id"]


def _french_page(response: Any, status: int, title: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in response.text and f"<h1>{title}</h1>" in response.text
    body = re.sub(r"<code>[^<]*</code>", "", response.text.split("<main>", 1)[1])  # the code is for support
    assert [word for word in ENGLISH if word in body] == []


async def test_an_unknown_link_is_a_french_404_page(client: Any) -> None:
    _french_page(await client.get("/portal/mandates/accept/not-a-real-token"), 404, "Lien inconnu")
    _french_page(await client.get("/portal/mandates/accept/not-a-real-token/document"), 404, "Lien inconnu")


async def test_a_used_or_expired_link_is_a_french_410_page(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    url, _ = await _acceptance_url(client, tenant)
    assert (await accept_mandate(client, url, full_name="Jeanne Dupont", consent="yes")).status_code == 200
    _french_page(await client.get(portal_path(url)), 410, "Lien déjà utilisé")

    expired_url, mandate_id = await _acceptance_url(client, tenant)
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE mandates SET token_expires_at = now() - interval '1 minute' WHERE id = :id"),
            {"id": mandate_id},
        )
    page = await client.get(portal_path(expired_url))
    _french_page(page, 410, "Lien expiré")
    assert "14 jours" in page.text


async def test_a_form_without_its_csrf_token_is_a_french_403_page(client: Any, tenant: TenantFixture) -> None:
    url, mandate_id = await _acceptance_url(client, tenant)
    refused = await client.post(portal_path(url), data={"full_name": "Mallory", "consent": "yes"})
    _french_page(refused, 403, "Formulaire expiré")
    mandate = await client.get(f"/v1/mandates/{mandate_id}", headers=tenant.headers)
    assert mandate.json()["status"] == "pending"
