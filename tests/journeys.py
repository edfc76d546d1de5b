"""Steps several tests walk through the API: a provider, a mandate accepted on its portal page, a deposit."""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.db.session import unit_of_work
from pdp.tenants.archive import service as archive_service
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.archive.store import Archive
from pdp.tenants.invoices.formats.cii_write import write_cii
from pdp.tenants.invoices.formats.json_input import to_invoice
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.invoices.validation.test_engine import SELLER, structured

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) pdp-tests"


def portal_path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def accept_mandate(client: Any, url: str, **form: str) -> Any:
    """Open the acceptance page like a browser (CSRF cookie and field) and post the form."""
    page = await client.get(portal_path(url), headers={"user-agent": BROWSER})
    assert page.status_code == 200, page.text
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found, "the form carries no CSRF field"
    return await client.post(
        portal_path(url), data={"_csrf_token": found.group(1), **form}, headers={"user-agent": BROWSER}
    )


async def seller_provider(client: Any, tenant: TenantFixture) -> dict[str, Any]:
    """The provider whose SIRET is the seller of the test invoices (tests.invoices.validation.test_engine)."""
    payload = provider_payload(siret=SELLER.siret, name=SELLER.name)
    response = await client.post("/v1/providers", json=payload, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def active_mandate(client: Any, tenant: TenantFixture, provider_id: str, **body: Any) -> dict[str, Any]:
    body.setdefault("valid_from", "2026-01-01")
    created = await client.post(f"/v1/providers/{provider_id}/mandates", json=body, headers=tenant.headers)
    assert created.status_code == 201, created.text
    accepted = await accept_mandate(client, created.json()["acceptance_url"], full_name="Jeanne Dupont", consent="yes")
    assert accepted.status_code == 200, accepted.text
    return dict(created.json())


def cii_invoice(**overrides: object) -> bytes:
    return write_cii(to_invoice(structured(**overrides), seller=SELLER))


def json_invoice(provider_id: str, **overrides: object) -> dict[str, Any]:
    return {**msgspec.to_builtins(structured(**overrides)), "provider_id": provider_id}


async def deposit_cii(client: Any, tenant: TenantFixture, provider_id: str, **overrides: object) -> Any:
    return await client.post(
        "/v1/invoices",
        files={"file": ("facture.xml", cii_invoice(**overrides), "application/xml")},
        data={"metadata": msgspec.json.encode({"provider_id": provider_id}).decode()},
        headers=tenant.headers,
    )


async def mandate_evidence(
    sessionmaker: async_sessionmaker[AsyncSession], archive: Archive, tenant_id: str, mandate_id: str
) -> tuple[set[str], dict[str, Any]]:
    """The kinds of the documents archived for a mandate, and its acceptance evidence as read from the archive."""
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        documents = await DocumentRepository(session).of_subject(mandate_id)
        evidence = next(d for d in documents if d.kind == "mandate_evidence")
        _, raw = await archive_service.content(session, archive, evidence.id)
    return {d.kind for d in documents}, dict(json.loads(raw))
