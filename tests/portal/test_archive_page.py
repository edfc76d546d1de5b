"""« Archive »: the documents of the providers in view, filtered by period and kind, downloaded byte-identical with
their SHA-256, a period's zip with its manifest; nobody reads another provider's or another tenant's documents,
whatever the URL."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from pdp.platform.db.session import unit_of_work
from pdp.tenants.archive import service as archive_service
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.archive.store import Archive
from tests.conftest import TenantFixture
from tests.journeys import new_mandate, new_provider
from tests.portal.records import signed_in, use


def listed(page: Any) -> list[str]:
    return re.findall(r'<tr data-document="([^"]+)"', page.text)


async def documents_of(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, provider_id: str) -> list[Any]:
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        return await DocumentRepository(session).of_provider(provider_id)


@pytest.fixture
async def archives(
    client: Any, tenant: TenantFixture, other_tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> dict[str, Any]:
    """Providers X and Y of one tenant, Z of another; two mandates (two archived PDFs) on X, one on Y and Z."""
    x, y = (await new_provider(client, tenant))["id"], (await new_provider(client, tenant))["id"]
    z = (await new_provider(client, other_tenant))["id"]
    for provider_id, asking in ((x, tenant), (x, tenant), (y, tenant), (z, other_tenant)):
        await new_mandate(client, asking, provider_id)
    return {
        "x": x,
        "y": y,
        "x_docs": await documents_of(sessionmaker, tenant.id, x),
        "y_docs": await documents_of(sessionmaker, tenant.id, y),
        "z_docs": await documents_of(sessionmaker, other_tenant.id, z),
    }


async def test_a_viewer_reads_and_downloads_its_providers_documents_only(
    client: Any,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    archive: Archive,
    archives: dict[str, Any],
) -> None:
    viewer = await signed_in(client, sessionmaker, tenant.id, {archives["x"]: PortalRole.VIEWER})
    page = await client.get(f"{viewer.base}/archive")
    assert page.status_code == 200
    assert sorted(listed(page)) == sorted(d.id for d in archives["x_docs"]) and len(archives["x_docs"]) == 2
    first = archives["x_docs"][0]
    assert first.sha256 in page.text and "Mandat (PDF)" in page.text

    download = await client.get(f"{viewer.base}/archive/documents/{first.id}")
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        _, archived = await archive_service.content(session, archive, first.id)
    assert download.status_code == 200 and download.content == archived
    assert download.headers["digest"] == f"sha-256={first.sha256}"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert hashlib.sha256(download.content).hexdigest() == first.sha256

    # Y's document (same tenant) and Z's (another tenant), asked for by their ids: not found.
    for other in (archives["y_docs"][0], archives["z_docs"][0]):
        assert (await client.get(f"{viewer.base}/archive/documents/{other.id}")).status_code == 404
    # Another tenant's portal with this session: no session there (its cookie is scoped to this portal's path).
    foreign = await client.get(
        f"/portal/{other_tenant.id}/archive/documents/{archives['z_docs'][0].id}", follow_redirects=False
    )
    assert foreign.status_code == 303 and "/connexion" in foreign.headers["location"]


async def test_the_filters_narrow_by_kind_and_period(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], archives: dict[str, Any]
) -> None:
    both = await signed_in(
        client, sessionmaker, tenant.id, {archives["x"]: PortalRole.VIEWER, archives["y"]: PortalRole.DEPOSITOR}
    )
    every = {d.id for d in archives["x_docs"] + archives["y_docs"]}
    assert set(listed(await client.get(f"{both.base}/archive"))) == every
    assert set(listed(await client.get(f"{both.base}/archive?type=mandate"))) == every
    assert listed(await client.get(f"{both.base}/archive?type=invoice_original")) == []
    tomorrow = date.today() + timedelta(days=2)
    assert listed(await client.get(f"{both.base}/archive?du={tomorrow}")) == []
    week_ago = date.today() - timedelta(days=7)
    assert set(listed(await client.get(f"{both.base}/archive?du={week_ago}&au={tomorrow}"))) == every
    wrong = await client.get(f"{both.base}/archive?du=31/12/2026")
    assert wrong.status_code == 200 and "Date invalide (AAAA-MM-JJ)." in wrong.text and listed(wrong) == []
    unknown = await client.get(f"{both.base}/archive?type=secret_kind")
    assert "secret_kind" not in "".join(listed(unknown)) and 'id="filter-errors"' in unknown.text


async def test_a_periods_zip_holds_each_document_and_a_manifest_that_proves_it(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], archives: dict[str, Any]
) -> None:
    viewer = await signed_in(client, sessionmaker, tenant.id, {archives["x"]: PortalRole.VIEWER})
    first, last = date.today() - timedelta(days=30), date.today() + timedelta(days=1)
    answer = await client.get(f"{viewer.base}/archive/export?du={first}&au={last}")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    assert answer.headers["content-disposition"] == f'attachment; filename="archive-{first}-{last}.zip"'
    with zipfile.ZipFile(io.BytesIO(answer.content)) as exported:
        assert exported.testzip() is None  # every member's CRC checks
        manifest = json.loads(exported.read("manifest.json"))
        assert [p["id"] for p in manifest["providers"]] == [archives["x"]]
        assert manifest["period"] == {"first_day": str(first), "last_day": str(last), "time_zone": "Europe/Paris"}
        entries = {entry["id"]: entry for entry in manifest["documents"]}
        assert set(entries) == {d.id for d in archives["x_docs"]}  # Y's are not the viewer's
        for entry in entries.values():
            data = exported.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
            assert entry["provider_id"] == archives["x"] and entry["retain_until"] and entry["s3_version_id"]


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 422), ("du=2026-01-01", 422), ("du=2025-01-01&au=2026-12-31", 422), ("du=2026-05-01&au=2026-04-01", 422)],
)
async def test_an_export_needs_a_period_of_at_most_a_year(
    client: Any,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    archives: dict[str, Any],
    query: str,
    status: int,
) -> None:
    viewer = await signed_in(client, sessionmaker, tenant.id, {archives["x"]: PortalRole.VIEWER})
    use(client, viewer)
    refused = await client.get(f"{viewer.base}/archive/export?{query}")
    assert refused.status_code == status and 'id="export-errors"' in refused.text
    assert refused.headers["content-type"].startswith("text/html")
