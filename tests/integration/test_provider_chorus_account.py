"""PUT /v1/providers/{id}/chorus-account: stored encrypted, never shown; the check needs Chorus access.

The check against Chorus Pro itself (valid / refused / not attached) runs against the sandbox emulator in
``tests/contract``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TenantFixture
from tests.factories import provider_payload

PASSWORD = "S3cret-Chorus-pass!"


async def _provider(client: Any, tenant: TenantFixture) -> dict[str, Any]:
    response = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_account_is_stored_encrypted_and_never_returned(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    provider = await _provider(client, tenant)
    assert provider["chorus_account"] is None
    login = f"TECH_1_{provider['siret']}@cpro.fr"
    url = f"/v1/providers/{provider['id']}/chorus-account"
    response = await client.put(url, json={"login": login, "password": PASSWORD}, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["chorus_account"] == {
        "login": login,
        "status": "unchecked",
        "checked_at": None,
        "password_expires_at": None,  # read from Chorus Pro by the daily job (tests/workers/test_chorus_password_jobs)
    }
    assert PASSWORD not in response.text
    fetched = await client.get(f"/v1/providers/{provider['id']}", headers=tenant.headers)
    assert fetched.json()["chorus_account"]["login"] == login and PASSWORD not in fetched.text
    async with owner_engine.connect() as conn:
        stored = (
            await conn.execute(text("SELECT chorus_password_enc FROM providers WHERE id = :id"), {"id": provider["id"]})
        ).scalar_one()
    assert stored and PASSWORD not in stored and stored.startswith("v1.")


async def test_invalid_bodies_get_clear_errors(client: Any, tenant: TenantFixture) -> None:
    provider = await _provider(client, tenant)
    url = f"/v1/providers/{provider['id']}/chorus-account"
    for body in ({"login": "x"}, {"login": "", "password": "p"}, {"login": "x", "password": "p", "extra": 1}):
        response = await client.put(url, json=body, headers=tenant.headers)
        assert response.status_code in (400, 422), (body, response.text)
        assert response.json()["code"]


async def test_check_without_an_account_or_without_chorus_says_why(client: Any, tenant: TenantFixture) -> None:
    provider = await _provider(client, tenant)
    check = f"/v1/providers/{provider['id']}/chorus-account/check"
    missing = await client.post(check, headers=tenant.headers)
    assert (missing.status_code, missing.json()["code"]) == (409, "chorus_account_missing")
    await client.put(
        f"/v1/providers/{provider['id']}/chorus-account",
        json={"login": "TECH_1@cpro.fr", "password": PASSWORD},
        headers=tenant.headers,
    )
    unconfigured = await client.post(check, headers=tenant.headers)
    assert (unconfigured.status_code, unconfigured.json()["code"]) == (503, "chorus_not_configured")
