"""Hostile JSON gets a 4xx with a stable code, never a 500 (issue 11 #7).

The probe sent ``[`` x 1000 (2 KB): msgspec raised ``RecursionError`` inside Litestar's body decoding, a 500 on
every endpoint taking JSON; amounts such as ``"NaN"`` and ``"1e999999"`` decoded as Decimals and raised
``decimal.InvalidOperation`` in the totals; and a malformed JSON invoice was answered ``provider_id_missing``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from pdp.web.app import create_app
from tests.conftest import TenantFixture
from tests.invoices.pdf.pdfgen import simple_pdf
from tests.invoices.validation.test_engine import structured
from tests.journeys import active_mandate, json_invoice, seller_provider

DEEP = {
    "open brackets": b"[" * 1000,
    "open objects": b'{"a":' * 1000,
    "balanced brackets": b'{"name": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "in a field": b'{"provider_id": "prv_x", "number": ' + b"[" * 1000,
}
BAD_AMOUNTS = ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "1e30", "1e999999", "1e-999999", "0.0000001"]


def _body_routes(app: Litestar) -> list[tuple[str, str]]:
    """(method, path) of every Partner API operation that takes a body, path parameters filled in."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/v1/"):
            continue
        path = re.sub(r"\{[^}]+\}", "xyz_01M00000000000000000000000", route.path)
        found += [(method, path) for method in sorted(route.methods) if method in ("POST", "PUT", "PATCH")]
    return found


ROUTES = _body_routes(create_app())


def test_the_route_list_covers_the_json_endpoints() -> None:
    paths = {path for _, path in ROUTES}
    assert {"/v1/providers", "/v1/api-keys", "/v1/webhook-endpoints", "/v1/invoices"} <= paths, paths


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_deep_nesting_is_a_client_error_on_every_endpoint(
    client: Any, tenant: TenantFixture, method: str, path: str
) -> None:
    for name, body in DEEP.items():
        response = await client.request(
            method, path, content=body, headers={**tenant.headers, "Content-Type": "application/json"}
        )
        assert response.status_code < 500, (name, response.text)
        assert response.headers["content-type"].startswith("application/problem+json") or response.status_code < 300


@pytest.mark.parametrize("path", ["/v1/providers", "/v1/api-keys", "/v1/webhook-endpoints", "/v1/invoices"])
async def test_deep_nesting_is_malformed_json(client: Any, tenant: TenantFixture, path: str) -> None:
    for name, body in DEEP.items():
        if name == "balanced brackets" and path != "/v1/invoices":
            continue  # well-formed: refused by the schema at the first level, 422
        response = await client.post(path, content=body, headers={**tenant.headers, "Content-Type": "application/json"})
        assert (response.status_code, response.json()["code"]) == (400, "malformed_json"), (name, response.text)


async def test_a_malformed_json_invoice_is_malformed_json_not_a_missing_provider(
    client: Any, tenant: TenantFixture
) -> None:
    headers = {**tenant.headers, "Content-Type": "application/json"}
    for body in (b"{not json", b'{"provider_id": "prv_x",', b"[" * 1000):
        response = await client.post("/v1/invoices", content=body, headers=headers)
        assert (response.status_code, response.json()["code"]) == (400, "malformed_json"), response.text
    array = await client.post("/v1/invoices", content=b"[1, 2]", headers=headers)
    assert (array.status_code, array.json()["code"]) == (422, "validation_failed")


async def test_deep_nesting_in_a_multipart_metadata_part_is_refused(client: Any, tenant: TenantFixture) -> None:
    for path in ("/v1/invoices", "/v1/invoices/validate", "/v1/invoice-batches"):
        part = "files" if path == "/v1/invoice-batches" else "file"
        for body in DEEP.values():
            response = await client.post(
                path,
                files={part: ("f.pdf", simple_pdf(), "application/pdf")},
                data={"metadata": body.decode()},
                headers=tenant.headers,
            )
            assert response.status_code == 400, response.text
            assert response.json()["code"] in ("metadata_malformed", "malformed_json")


def _with_amount(body: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    lines = [dict(line) for line in body["lines"]]
    lines[0][field] = value
    return {**body, "lines": lines}


def _rules(report: dict[str, Any]) -> set[str]:
    return {error["rule"] for error in report["errors"]}


@pytest.fixture
async def depositable(client: Any, tenant: TenantFixture) -> str:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    return str(provider["id"])


@pytest.mark.parametrize("value", BAD_AMOUNTS)
async def test_non_finite_huge_or_too_precise_amounts_are_refused_with_a_rule(
    client: Any, tenant: TenantFixture, depositable: str, value: str
) -> None:
    for field in ("unit_price", "quantity", "net_amount", "vat_rate"):
        body = _with_amount(json_invoice(depositable, number=f"AMT-{field}"), field, value)
        deposit = await client.post("/v1/invoices", json=body, headers=tenant.headers)
        assert (deposit.status_code, deposit.json()["code"]) == (422, "invoice_invalid"), (field, deposit.text)
        assert _rules(deposit.json()) == {"PDP-AMOUNT-INVALID"}, deposit.text
        assert f"$.lines[0].{field}" in deposit.json()["errors"][0]["path"]
        report = await client.post("/v1/invoices/validate", json=body, headers=tenant.headers)
        assert report.status_code == 200 and _rules(report.json()) == {"PDP-AMOUNT-INVALID"}, report.text


async def test_amounts_in_range_whose_product_or_total_is_too_large_are_refused(
    client: Any, tenant: TenantFixture, depositable: str
) -> None:
    largest = "9999999999999.999999"  # 19 digits, 6 decimals: the largest accepted
    product = _with_amount(json_invoice(depositable), "quantity", largest)
    product = _with_amount(product, "unit_price", largest)
    totals = json_invoice(depositable, totals={"total_excl_tax": "1e30", "total_tax": "0", "total_incl_tax": "0"})
    for body in (product, totals):
        response = await client.post("/v1/invoices/validate", json=body, headers=tenant.headers)
        assert response.status_code == 200 and _rules(response.json()) == {"PDP-AMOUNT-INVALID"}, response.text


async def test_json_numbers_out_of_range_are_refused_too(client: Any, tenant: TenantFixture, depositable: str) -> None:
    text = json.dumps(json_invoice(depositable)).replace('"unit_price": "400.00"', '"unit_price": 1e400')
    response = await client.post(
        "/v1/invoices/validate", content=text, headers={**tenant.headers, "Content-Type": "application/json"}
    )
    assert response.status_code < 500, response.text
    assert not response.json().get("valid", False)


async def test_a_plain_pdfs_metadata_amounts_are_checked_the_same_way(
    client: Any, tenant: TenantFixture, depositable: str
) -> None:
    metadata = _with_amount({**msgspec.to_builtins(structured()), "provider_id": depositable}, "unit_price", "Infinity")
    response = await client.post(
        "/v1/invoices/validate",
        files={"file": ("facture.pdf", simple_pdf(), "application/pdf")},
        data={"metadata": json.dumps(metadata)},
        headers=tenant.headers,
    )
    assert response.status_code == 200 and _rules(response.json()) == {"PDP-AMOUNT-INVALID"}, response.text


async def test_ordinary_amounts_still_pass(client: Any, tenant: TenantFixture, depositable: str) -> None:
    body = _with_amount(json_invoice(depositable), "unit_price", "400.000000")  # trailing zeros are no precision
    response = await client.post("/v1/invoices/validate", json=body, headers=tenant.headers)
    assert response.status_code == 200 and response.json()["valid"] is True, response.text
