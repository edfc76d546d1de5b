"""Mandates through the Partner API: request, revoke, expire, the deposit check's scope and dates (the provider's
side, invitation and acceptance, is tests/integration/test_mandate_invitations.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.db.session import unit_of_work
from pdp.tenants.mandates import service
from tests.conftest import TenantFixture
from tests.factories import provider_payload, siret
from tests.journeys import active_mandate, invitation_path


async def _provider(client: Any, tenant: TenantFixture) -> dict[str, Any]:
    response = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _mandate(client: Any, tenant: TenantFixture, provider_id: str, **body: Any) -> dict[str, Any]:
    body.setdefault("valid_from", "2026-01-01")
    response = await client.post(f"/v1/providers/{provider_id}/mandates", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_form_without_its_csrf_token_is_refused(client: Any, tenant: TenantFixture) -> None:
    provider = await _provider(client, tenant)
    mandate = await _mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    forged = await client.post(path, data={"full_name": "Mallory", "consent": "yes"})
    assert forged.status_code == 403  # no CSRF token: the mandate stays pending
    assert (await client.get(f"/v1/mandates/{mandate['id']}", headers=tenant.headers)).json()["status"] == "pending"


async def test_revoke_is_idempotent_and_closes_the_invitation(client: Any, tenant: TenantFixture) -> None:
    provider = await _provider(client, tenant)
    mandate = await _mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    for _ in range(2):
        revoked = await client.post(f"/v1/mandates/{mandate['id']}/revoke", headers=tenant.headers)
        assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
        assert revoked.json()["revoked_by"] == "tenant"
    closed = await client.get(path)
    assert closed.status_code == 410 and "mandate_not_pending" in closed.text
    listed = await client.get(f"/v1/mandates?provider_id={provider['id']}&status=revoked", headers=tenant.headers)
    assert [m["id"] for m in listed.json()["data"]] == [mandate["id"]]


async def test_bad_requests_get_clear_errors(client: Any, tenant: TenantFixture) -> None:
    provider = await _provider(client, tenant)
    url = f"/v1/providers/{provider['id']}/mandates"
    dates = await client.post(
        url, json={"valid_from": "2026-02-01", "valid_until": "2026-01-01"}, headers=tenant.headers
    )
    assert dates.status_code == 422 and dates.json()["errors"][0]["rule"] == "PDP-MANDATE-DATES"
    bad_siret = await client.post(
        url, json={"valid_from": "2026-01-01", "scope": {"recipients": ["12345678901234"]}}, headers=tenant.headers
    )
    assert bad_siret.status_code == 422 and bad_siret.json()["errors"][0]["rule"] == "PDP-SIRET-INVALID"
    unknown = await client.post(
        "/v1/providers/prv_01JABCDEFGHJKMNPQRSTVWXYZ0/mandates",
        json={"valid_from": "2026-01-01"},
        headers=tenant.headers,
    )
    assert unknown.status_code == 404


async def _active(client: Any, tenant: TenantFixture, provider_id: str, **body: Any) -> str:
    return str((await active_mandate(client, tenant, provider_id, **body))["id"])


async def test_the_deposit_check_follows_scope_dates_and_status(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = await _provider(client, tenant)
    recipient, other = siret(), siret()
    mandate_id = await _active(
        client,
        tenant,
        provider["id"],
        valid_from="2026-03-01",
        valid_until="2026-12-31",
        scope={"recipients": [recipient], "invoice_types": ["invoice"]},
    )
    day = datetime(2026, 6, 1, tzinfo=UTC)

    async def covered(recipient_siret: str, kind: str = "invoice", on: datetime = day) -> bool:
        async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
            try:
                await service.require_mandate(
                    session, provider["id"], recipient_siret=recipient_siret, invoice_type=kind, on=on
                )
            except service.MandateRequired:
                return False
            return True

    assert await covered(recipient)
    assert not await covered(other)
    assert not await covered(recipient, "credit_note")
    assert not await covered(recipient, on=datetime(2026, 2, 28, tzinfo=UTC))
    assert not await covered(recipient, on=datetime(2027, 1, 1, tzinfo=UTC))
    await client.post(f"/v1/mandates/{mandate_id}/revoke", headers=tenant.headers)
    assert not await covered(recipient)


async def test_ended_mandates_expire(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = await _provider(client, tenant)
    ended = await _active(client, tenant, provider["id"], valid_from="2025-01-01", valid_until="2025-12-31")
    ongoing = await _active(client, tenant, provider["id"], valid_from="2025-01-01")
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        expired = await service.expire_ended(session, date.today())
    assert ended in expired and ongoing not in expired
    states = {
        m: (await client.get(f"/v1/mandates/{m}", headers=tenant.headers)).json()["status"] for m in (ended, ongoing)
    }
    assert states == {ended: "expired", ongoing: "active"}
