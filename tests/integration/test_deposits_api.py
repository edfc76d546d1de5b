"""POST /v1/invoices: validate → mandate → archive → one transaction → 201; and everything that must refuse."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.einvoice.formats.facturx_write import write_facturx
from pdp.einvoice.formats.json_input import to_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.platform.settings import Settings
from pdp.web.app import create_app
from tests.conftest import TenantFixture
from tests.factories import siret
from tests.invoices.validation.test_engine import RECIPIENT_SIRET, SELLER, structured
from tests.journeys import active_mandate, cii_invoice, deposit_cii, json_invoice, seller_provider


async def _count(owner_engine: AsyncEngine, table: str, tenant_id: str) -> int:
    async with owner_engine.connect() as conn:
        found = await conn.execute(text(f"SELECT count(*) FROM {table} WHERE tenant_id = :t"), {"t": tenant_id})
        return int(found.scalar_one())


async def _invoice_jobs(owner_engine: AsyncEngine, tenant_id: str) -> int:
    """The jobs staged for invoices (the mandate's invitation is staged too, by the mandate's creation)."""
    async with owner_engine.connect() as conn:
        found = await conn.execute(
            text("SELECT count(*) FROM outbox WHERE tenant_id = :t AND job_name LIKE 'invoices.%'"), {"t": tenant_id}
        )
        return int(found.scalar_one())


async def test_a_cii_deposit_is_archived_committed_and_queued(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    provider = await seller_provider(client, tenant)
    mandate = await active_mandate(client, tenant, provider["id"])
    response = await deposit_cii(client, tenant, provider["id"])
    assert response.status_code == 201, response.text
    invoice = response.json()
    assert invoice["id"].startswith("inv_") and invoice["mandate_id"] == mandate["id"]
    assert (invoice["status"], invoice["format"], invoice["type"], invoice["number"]) == (
        "queued",
        "cii",
        "invoice",
        "F-2026-0042",
    )
    assert invoice["recipient"] == {"siret": RECIPIENT_SIRET, "service_code": "SERV01", "engagement_number": None}
    assert (invoice["total_excl_tax"], invoice["total_incl_tax"], invoice["currency"]) == ("1285.50", "1542.60", "EUR")
    assert invoice["archive"]["sha256"] == hashlib.sha256(cii_invoice()).hexdigest()

    documents = (await client.get(f"/v1/invoices/{invoice['id']}/documents", headers=tenant.headers)).json()["data"]
    assert [d["kind"] for d in documents] == ["invoice_original"]
    content = await client.get(
        f"/v1/invoices/{invoice['id']}/documents/{documents[0]['id']}/content", headers=tenant.headers
    )
    assert content.status_code == 200 and content.content == cii_invoice()  # byte-identical
    events = (await client.get(f"/v1/invoices/{invoice['id']}/events", headers=tenant.headers)).json()["data"]
    assert [e["type"] for e in events] == ["invoice.created"]
    async with owner_engine.connect() as conn:
        job = await conn.execute(
            # The mandate's own jobs (its invitation…) are not the deposit's.
            text(
                "SELECT job_name, payload->>'invoice_id' FROM outbox "
                "WHERE tenant_id = :t AND job_name LIKE 'invoices.%'"
            ),
            {"t": tenant.id},
        )
        assert job.all() == [("invoices.submit", invoice["id"])]
    listed = await client.get(f"/v1/invoices?provider_id={provider['id']}&status=queued", headers=tenant.headers)
    assert [i["id"] for i in listed.json()["data"]] == [invoice["id"]]


async def test_json_ubl_and_facturx_deposits(client: Any, tenant: TenantFixture) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    created = await client.post("/v1/invoices", json=json_invoice(provider["id"]), headers=tenant.headers)
    assert created.status_code == 201, created.text
    assert created.json()["format"] == "json"
    kinds = await client.get(f"/v1/invoices/{created.json()['id']}/documents", headers=tenant.headers)
    assert sorted(d["kind"] for d in kinds.json()["data"]) == ["invoice_facturx", "invoice_original"]
    metadata = {"metadata": f'{{"provider_id": "{provider["id"]}"}}'}
    ubl = write_ubl(to_invoice(structured(number="F-2026-0043"), seller=SELLER))
    as_ubl = await client.post(
        "/v1/invoices", files={"file": ("f.xml", ubl, "application/xml")}, data=metadata, headers=tenant.headers
    )
    assert as_ubl.status_code == 201 and as_ubl.json()["format"] == "ubl", as_ubl.text
    pdf = write_facturx(to_invoice(structured(number="F-2026-0044"), seller=SELLER))
    as_facturx = await client.post(
        "/v1/invoices", files={"file": ("f.pdf", pdf, "application/pdf")}, data=metadata, headers=tenant.headers
    )
    assert as_facturx.status_code == 201 and as_facturx.json()["format"] == "facturx", as_facturx.text


async def test_no_mandate_no_deposit(client: Any, tenant: TenantFixture, owner_engine: AsyncEngine) -> None:
    provider = await seller_provider(client, tenant)
    refused = await deposit_cii(client, tenant, provider["id"])
    assert (refused.status_code, refused.json()["code"]) == (403, "mandate_required")
    await active_mandate(client, tenant, provider["id"], scope={"recipients": [siret()]})
    out_of_scope = await deposit_cii(client, tenant, provider["id"])
    assert (out_of_scope.status_code, out_of_scope.json()["code"]) == (403, "mandate_required")
    assert await _count(owner_engine, "invoices", tenant.id) == 0
    assert await _invoice_jobs(owner_engine, tenant.id) == 0


async def test_invalid_duplicate_and_foreign_seller_are_refused(client: Any, tenant: TenantFixture) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    totals = {"total_excl_tax": "1", "total_tax": "1", "total_incl_tax": "5"}
    broken = await deposit_cii(client, tenant, provider["id"], totals=totals)
    assert (broken.status_code, broken.json()["code"]) == (422, "invoice_invalid")
    assert "BR-CO-15" in {e["rule"] for e in broken.json()["errors"]}
    assert (await deposit_cii(client, tenant, provider["id"])).status_code == 201
    again = await deposit_cii(client, tenant, provider["id"])
    assert (again.status_code, again.json()["code"]) == (409, "invoice_duplicate")
    other = await client.post(
        "/v1/providers", json={"siret": siret(), "name": "Autre SARL", "email": "a@b.fr"}, headers=tenant.headers
    )
    await active_mandate(client, tenant, other.json()["id"])
    foreign = await deposit_cii(client, tenant, other.json()["id"], number="F-2026-0099")
    assert (foreign.status_code, foreign.json()["code"]) == (422, "seller_not_provider")
    missing = await client.post(
        "/v1/invoices", files={"file": ("f.xml", cii_invoice(), "application/xml")}, headers=tenant.headers
    )
    assert (missing.status_code, missing.json()["code"]) == (400, "provider_id_missing")


async def test_archive_down_is_503_and_nothing_is_written(
    settings: Settings, client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    broken = replace(settings, s3_endpoint="http://127.0.0.1:9")  # nothing listens on the discard port
    async with AsyncTestClient(create_app(broken)) as offline:
        response = await deposit_cii(offline, tenant, provider["id"])
    assert (response.status_code, response.json()["code"]) == (503, "archive_unavailable")
    assert await _count(owner_engine, "invoices", tenant.id) == 0
    assert await _invoice_jobs(owner_engine, tenant.id) == 0
    assert (await deposit_cii(client, tenant, provider["id"])).status_code == 201  # same request, S3 back
