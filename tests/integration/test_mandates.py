"""Mandates end to end: request, read and accept through the portal page (CSRF, evidence), revoke, expire, scope."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.archive.store import Archive
from pdp.tenants.mandates import service
from tests.conftest import TenantFixture
from tests.factories import provider_payload, siret
from tests.journeys import BROWSER, accept_mandate, mandate_evidence, portal_path


async def _provider(client: Any, tenant: TenantFixture) -> dict[str, Any]:
    response = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _mandate(client: Any, tenant: TenantFixture, provider_id: str, **body: Any) -> dict[str, Any]:
    body.setdefault("valid_from", "2026-01-01")
    response = await client.post(f"/v1/providers/{provider_id}/mandates", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_provider_reads_and_accepts_its_mandate(
    client: Any,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    archive: Archive,
) -> None:
    provider = await _provider(client, tenant)
    mandate = await _mandate(client, tenant, provider["id"], scope={"invoice_types": ["invoice"]})
    assert (mandate["status"], mandate["id"][:4]) == ("pending", "mdt_")
    url = mandate["acceptance_url"]
    assert url.startswith(f"{settings.public_url}/portal/mandates/accept/")

    page = await client.get(portal_path(url))
    assert page.status_code == 200 and mandate["document_sha256"] in page.text
    assert provider["name"] in page.text and "Contestation" in page.text
    pdf = await client.get(portal_path(url) + "/document")
    assert pdf.status_code == 200 and pdf.headers["content-type"].startswith("application/pdf")
    assert hashlib.sha256(pdf.content).hexdigest() == mandate["document_sha256"]  # what is shown is what is signed

    incomplete = await accept_mandate(client, url, full_name="Jeanne Dupont")
    assert incomplete.status_code == 422 and "Cochez la case" in incomplete.text
    assert (await client.get(f"/v1/mandates/{mandate['id']}", headers=tenant.headers)).json()["status"] == "pending"

    accepted = await accept_mandate(client, url, full_name="  Jeanne   Dupont ", consent="yes")
    assert accepted.status_code == 200 and "Mandat accepté" in accepted.text
    after = (await client.get(f"/v1/mandates/{mandate['id']}", headers=tenant.headers)).json()
    assert (after["status"], after["accepted_by"], after["acceptance_url"]) == ("active", "Jeanne Dupont", None)

    kinds, proof = await mandate_evidence(sessionmaker, archive, tenant.id, mandate["id"])
    assert proof["document_sha256"] == mandate["document_sha256"]
    assert (proof["accepted_by"], proof["user_agent"]) == ("Jeanne Dupont", BROWSER)
    assert proof["ip"] and proof["accepted_at"]
    assert kinds == {"mandate", "mandate_evidence"}


async def test_a_used_link_is_gone_and_a_form_without_csrf_is_refused(client: Any, tenant: TenantFixture) -> None:
    provider = await _provider(client, tenant)
    url = (await _mandate(client, tenant, provider["id"]))["acceptance_url"]
    forged = await client.post(portal_path(url), data={"full_name": "Mallory", "consent": "yes"})
    assert forged.status_code == 403  # no CSRF token: the mandate stays pending
    assert (await accept_mandate(client, url, full_name="Jeanne Dupont", consent="yes")).status_code == 200
    replay = await client.get(portal_path(url))
    assert replay.status_code == 410 and "acceptance_link_gone" in replay.text
    unknown = await client.get("/portal/mandates/accept/not-a-real-token")
    assert unknown.status_code == 404


async def test_an_expired_link_is_gone(client: Any, tenant: TenantFixture, owner_engine: AsyncEngine) -> None:
    provider = await _provider(client, tenant)
    mandate = await _mandate(client, tenant, provider["id"])
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE mandates SET token_expires_at = now() - interval '1 minute' WHERE id = :id"),
            {"id": mandate["id"]},
        )
    assert (await client.get(portal_path(mandate["acceptance_url"]))).status_code == 410


async def test_revoke_is_idempotent_and_stops_acceptance(client: Any, tenant: TenantFixture) -> None:
    provider = await _provider(client, tenant)
    mandate = await _mandate(client, tenant, provider["id"])
    for _ in range(2):
        revoked = await client.post(f"/v1/mandates/{mandate['id']}/revoke", headers=tenant.headers)
        assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert (await client.get(portal_path(mandate["acceptance_url"]))).status_code == 410
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
    mandate = await _mandate(client, tenant, provider_id, **body)
    assert (
        await accept_mandate(client, mandate["acceptance_url"], full_name="Jeanne Dupont", consent="yes")
    ).status_code == 200
    return str(mandate["id"])


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
