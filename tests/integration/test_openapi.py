"""The OpenAPI document describes every request body, so that a client can be written from ``/api/docs`` alone."""

from __future__ import annotations

from typing import Any

import msgspec

from pdp.einvoice.formats.json_input import JsonInvoice
from pdp.web.api.request_bodies import JSON_INVOICE_EXAMPLE, METADATA_EXAMPLE, DepositMetadata
from tests.conftest import TenantFixture
from tests.factories import provider_payload

# Actions whose whole input is their path: they read no body, so they document none.
BODYLESS = {
    ("post", "/v1/api-keys/{key_id}/revoke"),
    ("post", "/v1/providers/{provider_id}/chorus-account/check"),
    ("post", "/v1/mandates/{mandate_id}/revoke"),
    ("post", "/v1/mandates/{mandate_id}/resend-invitation"),
    ("post", "/v1/invoices/{invoice_id}/withdraw"),
    ("post", "/v1/webhook-deliveries/{delivery_id}/replay"),
}


def _documented(operation: dict[str, Any]) -> bool:
    content = (operation.get("requestBody") or {}).get("content") or {}
    return bool(content) and all(media.get("schema") for media in content.values())


async def _document(client: Any) -> dict[str, Any]:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


async def test_every_write_operation_documents_its_body(client: Any) -> None:
    document = await _document(client)
    writes = [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("post", "put", "patch")
    ]
    undocumented = [
        (method, path) for method, path, op in writes if (method, path) not in BODYLESS and not _documented(op)
    ]
    assert undocumented == []
    assert {(m, p) for m, p, op in writes if "requestBody" not in op} == BODYLESS


async def test_the_invoice_deposit_documents_the_form_and_the_json_invoice(client: Any) -> None:
    document = await _document(client)
    for path in ("/v1/invoices", "/v1/invoices/validate"):
        content = document["paths"][path]["post"]["requestBody"]["content"]
        form = content["multipart/form-data"]
        assert set(form["schema"]["properties"]) == {"file", "metadata"}
        assert form["schema"]["properties"]["file"]["format"] == "binary"
        assert form["encoding"]["metadata"]["contentType"] == "application/json"
        routing, plain_pdf = form["schema"]["properties"]["metadata"]["anyOf"]
        assert set(DepositMetadata.__struct_fields__) == set(routing["properties"])
        assert {"lines", "recipient", "number"} <= set(plain_pdf["properties"])
        invoice = content["application/json"]
        assert {"number", "issue_date", "recipient", "lines", "totals"} <= set(invoice["schema"]["properties"])
        assert "$ref" not in str(invoice)  # self-contained: nothing points at a component that is not there
    deposit = document["paths"]["/v1/invoices"]["post"]["requestBody"]["content"]
    assert deposit["multipart/form-data"]["schema"]["required"] == ["file", "metadata"]
    assert "provider_id" in deposit["application/json"]["schema"]["required"]
    batch = document["paths"]["/v1/invoice-batches"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert batch["schema"]["properties"]["files"]["type"] == "array"


async def test_the_documented_examples_are_accepted(client: Any, tenant: TenantFixture) -> None:
    msgspec.convert(METADATA_EXAMPLE, DepositMetadata)
    msgspec.convert(JSON_INVOICE_EXAMPLE, JsonInvoice, strict=False)
    created = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    body = {**JSON_INVOICE_EXAMPLE, "provider_id": created.json()["id"]}
    report = await client.post("/v1/invoices/validate", json=body, headers=tenant.headers)
    assert report.status_code == 200, report.text
    assert report.json()["valid"] is True, report.json()["errors"]
