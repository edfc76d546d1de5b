"""Attacks that held when the platform was probed, kept as tests through the Partner API so that they keep
holding: hostile files (XXE, entity expansion, external DTDs, PDF actions, zip bombs and traversal) sent where a
tenant sends invoices, and the archive's Object Lock refusing a delete or an overwrite.

Each hostile upload must get a 4xx with a stable code — never a 5xx, a leak of what it asked for, a network call
or a row — and the API must still serve the next request. The engine-level details (canaries, memory bounds,
every variant) are in tests/invoices/hostile; tenant isolation on every route, and RLS as the app role, in
test_tenant_isolation and test_schema_policies.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.connectors.s3.client import S3Error
from pdp.platform import clock
from pdp.tenants.archive.store import Archive
from tests.conftest import TenantFixture
from tests.invoices.hostile.support import LAUGHS, XXE, build_zip, canary, javascript_pdf, zip_bomb
from tests.journeys import active_mandate, deposit_cii, seller_provider

PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n'
PASSWD = Path("/etc/passwd").read_text().splitlines()[0]


async def _deposit(client: Any, tenant: TenantFixture, provider_id: str, name: str, data: bytes) -> Any:
    return await client.post(
        "/v1/invoices",
        files={"file": (name, data, "application/octet-stream")},
        data={"metadata": json.dumps({"provider_id": provider_id})},
        headers=tenant.headers,
    )


async def _invoices(client: Any, tenant: TenantFixture) -> list[Any]:
    return list((await client.get("/v1/invoices", headers=tenant.headers)).json()["data"])


HOSTILE_FILES = {
    "xxe_passwd": ("f.xml", XXE),
    "billion_laughs": ("f.xml", LAUGHS),
    "javascript_pdf": ("f.pdf", javascript_pdf()),
    "not_an_invoice": ("f.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF"),
    "disguised_png": ("f.xml", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
async def test_a_hostile_file_is_refused_with_a_stable_code_and_nothing_stored(
    client: Any, tenant: TenantFixture, case: str
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    name, data = HOSTILE_FILES[case]
    response = await _deposit(client, tenant, provider["id"], name, data)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] and problem.get("errors"), problem
    assert all(e["rule"] for e in problem["errors"])
    assert PASSWD not in response.text and "lol" * 10 not in response.text
    assert await _invoices(client, tenant) == []
    assert (await client.get("/v1/me", headers=tenant.headers)).status_code == 200  # still serving


async def test_an_external_dtd_never_reaches_the_network(client: Any, tenant: TenantFixture) -> None:
    provider = await seller_provider(client, tenant)
    with canary() as watch:
        xml = PROLOG + f'<!DOCTYPE r SYSTEM "http://127.0.0.1:{watch.port}/d.dtd"><r/>'.encode()
        response = await _deposit(client, tenant, provider["id"], "f.xml", xml)
        assert response.status_code == 422, response.text
        assert watch.connections() == 0


@pytest.mark.parametrize(
    "batch",
    [
        build_zip([("../../etc/cron.d/pdp.xml", b"<r/>")]),
        build_zip([("/tmp/absolute.xml", b"<r/>")]),
        zip_bomb(),
    ],
    ids=["traversal", "absolute", "bomb"],
)
async def test_a_hostile_batch_archive_is_refused_whole(client: Any, tenant: TenantFixture, batch: bytes) -> None:
    provider = await seller_provider(client, tenant)
    response = await client.post(
        "/v1/invoice-batches",
        files={"files": ("batch.zip", batch, "application/zip")},
        data={"metadata": json.dumps({"provider_id": provider["id"]})},
        headers=tenant.headers,
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.json()["code"]
    assert await _invoices(client, tenant) == []


async def test_the_archive_refuses_a_delete_and_an_overwrite_of_a_deposited_invoice(
    client: Any, tenant: TenantFixture, archive: Archive, owner_engine: AsyncEngine
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    invoice = (await deposit_cii(client, tenant, provider["id"])).json()
    listed = await client.get(f"/v1/invoices/{invoice['id']}/documents", headers=tenant.headers)
    document_id = listed.json()["data"][0]["id"]
    url = f"/v1/invoices/{invoice['id']}/documents/{document_id}/content"
    original = (await client.get(url, headers=tenant.headers)).content
    async with owner_engine.connect() as conn:
        row = await conn.execute(text("SELECT s3_key, version_id FROM documents WHERE id = :id"), {"id": document_id})
        key, version = row.one()
    with pytest.raises(S3Error) as refused:
        await archive.delete_version(key, version)
    assert refused.value.denied
    # An overwrite of the key only adds a version: pdp reads the version it archived, checked by SHA-256.
    until = clock.now() + timedelta(days=1)
    await archive.put_locked(key, b"forged", content_type="application/xml", retain_until=until)
    again = await client.get(url, headers=tenant.headers)
    assert again.status_code == 200 and again.content == original
