"""Writes locked under COMPLIANCE for years are bounded: a provider has at most ``PDP_MANDATE_PENDING_MAX``
mandates awaiting acceptance (each archives a PDF nobody can delete), and a tenant at most its archive quota of
bytes, refused before anything reaches S3.

The probe created mandates in a loop, each one a locked PDF, with no limit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.platform.settings import Settings
from pdp.tenants.archive.store import Archive, ArchiveQuota
from pdp.web.app import create_app
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, seller_provider


async def test_a_provider_has_a_bounded_number_of_pending_mandates(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    provider = await seller_provider(client, tenant)
    url = f"/v1/providers/{provider['id']}/mandates"
    created = []
    for _ in range(settings.mandate_pending_max):
        response = await client.post(url, json={"valid_from": "2026-01-01"}, headers=tenant.headers)
        assert response.status_code == 201, response.text
        created.append(response.json()["id"])
    refused = await client.post(url, json={"valid_from": "2026-01-01"}, headers=tenant.headers)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "too_many_pending_mandates"
    assert (problem["pending"], problem["limit"]) == (settings.mandate_pending_max, settings.mandate_pending_max)
    revoked = await client.post(f"/v1/mandates/{created[0]}/revoke", headers=tenant.headers)
    assert revoked.status_code == 200, revoked.text
    again = await client.post(url, json={"valid_from": "2026-01-01"}, headers=tenant.headers)
    assert again.status_code == 201, again.text


async def _usage(owner_engine: AsyncEngine, tenant_id: str) -> tuple[int, int, int]:
    """(bytes counted, bytes of the tenant's documents, documents)."""
    async with owner_engine.connect() as conn:
        counted = (
            await conn.execute(
                text("SELECT coalesce(sum(bytes), 0) FROM archive_usage WHERE tenant_id = :t"), {"t": tenant_id}
            )
        ).scalar_one()
        size, count = (
            await conn.execute(
                text("SELECT coalesce(sum(size), 0), count(*) FROM documents WHERE tenant_id = :t"), {"t": tenant_id}
            )
        ).one()
    return int(counted), int(size), int(count)


async def test_a_tenant_past_its_archive_quota_is_refused_before_s3(
    client: Any, tenant: TenantFixture, settings: Settings, owner_engine: AsyncEngine, archive: Archive
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])  # archives the mandate and its evidence
    first = await deposit_cii(client, tenant, provider["id"])
    assert first.status_code == 201, first.text
    used, size, documents = await _usage(owner_engine, tenant.id)
    assert used == size > 0  # every archived byte is counted

    # Room for a few bytes more, not for another invoice.
    tight = replace(settings, archive_quota_overrides=f"ten_other=1,{tenant.id}={used + 100}")
    async with AsyncTestClient(create_app(tight)) as limited:
        refused = await deposit_cii(limited, tenant, provider["id"], number="F-2026-QUOTA")
    assert refused.status_code == 403, refused.text
    problem = refused.json()
    assert problem["code"] == "archive_quota_exceeded"
    assert (problem["quota_bytes"], problem["used_bytes"]) == (used + 100, used)
    assert await _usage(owner_engine, tenant.id) == (used, size, documents)  # no row
    prefix = f"{tenant.id}/{provider['id']}/invoice_original/"
    listed = archive._client.list_object_versions(Bucket=archive.bucket, Prefix=prefix)
    assert len(listed.get("Versions", [])) == 1  # the first invoice's only: nothing was PUT for the refused one

    # The default quota serves every other tenant.
    assert ArchiveQuota.from_settings(tight).of("ten_someone_else") == settings.archive_quota_bytes
