"""POST /v1/invoice-batches: each file handled as POST /v1/invoices would, in its own savepoint."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.einvoice.formats.json_input import to_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from tests.conftest import TenantFixture
from tests.invoices.validation.test_engine import SELLER, structured
from tests.journeys import active_mandate, cii_invoice, seller_provider


def _ubl(number: str) -> bytes:
    return write_ubl(to_invoice(structured(number=number), seller=SELLER))


async def _post(client: Any, tenant: TenantFixture, files: list[tuple[str, bytes]], provider_id: str) -> Any:
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
    return await client.post(
        "/v1/invoice-batches",
        files=parts,
        data={"metadata": json.dumps({"provider_id": provider_id})},
        headers=tenant.headers,
    )


async def test_good_files_are_deposited_and_bad_ones_reported_alone(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    broken = cii_invoice(number="B-3", totals={"total_excl_tax": "1", "total_tax": "1", "total_incl_tax": "5"})
    files = [("a.xml", cii_invoice(number="B-1")), ("b.xml", _ubl("B-2")), ("c.xml", broken), ("d.xml", _ubl("B-2"))]
    response = await _post(client, tenant, files, provider["id"])
    assert response.status_code == 200, response.text
    batch = response.json()
    assert (batch["object"], batch["created"], batch["refused"]) == ("invoice_batch", 2, 2)
    statuses = [(item["filename"], item["status"]) for item in batch["items"]]
    assert statuses == [("a.xml", 201), ("b.xml", 201), ("c.xml", 422), ("d.xml", 409)]
    assert batch["items"][2]["error"]["code"] == "invoice_invalid"
    assert "BR-CO-15" in {e["rule"] for e in batch["items"][2]["error"]["errors"]}
    assert batch["items"][3]["error"]["code"] == "invoice_duplicate"
    assert {batch["items"][0]["invoice"]["format"], batch["items"][1]["invoice"]["format"]} == {"cii", "ubl"}
    async with owner_engine.connect() as conn:  # the refused files left nothing: no row, no queued job
        counts = await conn.execute(
            text(
                "SELECT (SELECT count(*) FROM invoices WHERE tenant_id = :t), "
                "(SELECT count(*) FROM outbox WHERE tenant_id = :t AND job_name = 'invoices.submit')"
            ),
            {"t": tenant.id},
        )
        assert counts.one() == (2, 2)


async def test_a_zip_of_invoices_is_a_batch(client: Any, tenant: TenantFixture) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lot/F-1.xml", cii_invoice(number="Z-1"))
        archive.writestr("lot/F-2.xml", _ubl("Z-2"))
    response = await _post(client, tenant, [("lot.zip", buffer.getvalue())], provider["id"])
    assert response.status_code == 200, response.text
    assert [(i["filename"], i["status"]) for i in response.json()["items"]] == [("F-1.xml", 201), ("F-2.xml", 201)]


async def test_without_a_mandate_every_item_is_refused_and_bad_batches_get_codes(
    client: Any, tenant: TenantFixture
) -> None:
    provider = await seller_provider(client, tenant)
    refused = await _post(client, tenant, [("a.xml", cii_invoice(number="N-1"))], provider["id"])
    assert refused.json()["items"][0]["status"] == 403
    assert refused.json()["items"][0]["error"]["code"] == "mandate_required"
    not_zip = await _post(client, tenant, [("x.zip", b"PK\x03\x04 not really a zip")], provider["id"])
    assert (not_zip.status_code, not_zip.json()["code"]) == (400, "batch_archive_invalid")
    empty = await client.post("/v1/invoice-batches", files={"other": ("x", b"x", "text/plain")}, headers=tenant.headers)
    assert (empty.status_code, empty.json()["code"]) == (400, "batch_empty")
