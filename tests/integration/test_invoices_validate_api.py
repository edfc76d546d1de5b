"""``POST /v1/invoices/validate``: the engine's report over the Partner API; nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.json_input import to_invoice
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.invoices.pdf.pdfgen import simple_pdf
from tests.invoices.validation.test_engine import SELLER, structured

XXE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'


async def _provider(client: Any, tenant: TenantFixture) -> str:
    payload = provider_payload(siret=SELLER.siret, name=SELLER.name)
    return str((await client.post("/v1/providers", json=payload, headers=tenant.headers)).json()["id"])


async def test_a_valid_cii_upload_gets_a_clean_report(client: Any, tenant: TenantFixture) -> None:
    xml = write_cii(to_invoice(structured(), seller=SELLER))
    response = await client.post(
        "/v1/invoices/validate", files={"file": ("facture.xml", xml, "application/xml")}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["object"] == "validation_report" and report["syntax"] == "cii"
    assert report["valid"] is True, report["errors"]
    assert all(set(entry) == {"rule", "severity", "message", "path"} for entry in report["errors"])
    assert all(entry["severity"] not in ("fatal", "error") for entry in report["errors"])


async def test_findings_come_in_french_with_their_rules(client: Any, tenant: TenantFixture) -> None:
    broken = structured(totals={"total_excl_tax": "1", "total_tax": "1", "total_incl_tax": "5"})
    xml = write_cii(to_invoice(broken, seller=SELLER))
    response = await client.post(
        "/v1/invoices/validate?lang=fr", files={"file": ("f.xml", xml, "application/xml")}, headers=tenant.headers
    )
    report = response.json()
    assert report["valid"] is False
    found = {e["rule"]: e for e in report["errors"]}
    assert "BR-CO-15" in found and "BT-112" in found["BR-CO-15"]["path"]
    assert "doit" in found["BR-CO-15"]["message"]


async def test_plain_pdf_with_metadata_and_the_providers_seller(client: Any, tenant: TenantFixture) -> None:
    provider_id = await _provider(client, tenant)
    metadata = {**msgspec.to_builtins(structured()), "provider_id": provider_id}
    response = await client.post(
        "/v1/invoices/validate",
        files={"file": ("facture.pdf", simple_pdf(), "application/pdf")},
        data={"metadata": json.dumps(metadata)},
        headers=tenant.headers,
    )
    report = response.json()
    assert response.status_code == 200, response.text
    assert report["syntax"] == "pdf" and report["valid"] is True, report["errors"]


async def test_structured_json_is_validated_with_the_provider_as_seller(client: Any, tenant: TenantFixture) -> None:
    provider_id = await _provider(client, tenant)
    body = {**msgspec.to_builtins(structured()), "provider_id": provider_id}
    response = await client.post("/v1/invoices/validate", json=body, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["syntax"] == "json" and response.json()["valid"] is True


async def test_bad_requests_have_stable_codes(client: Any, tenant: TenantFixture, other_tenant: TenantFixture) -> None:
    hostile = await client.post(
        "/v1/invoices/validate", files={"file": ("x.xml", XXE, "application/xml")}, headers=tenant.headers
    )
    assert hostile.status_code == 200
    assert [e["rule"] for e in hostile.json()["errors"]] == ["PDP-XML-DOCTYPE"]
    no_file = await client.post(
        "/v1/invoices/validate", files={"other": ("x", b"x", "text/plain")}, headers=tenant.headers
    )
    assert no_file.status_code == 400 and no_file.json()["code"] == "file_missing"
    text = await client.post(
        "/v1/invoices/validate", content=b"hello", headers={**tenant.headers, "content-type": "text/plain"}
    )
    assert text.status_code == 415 and text.json()["code"] == "unsupported_media_type"
    bad_meta = await client.post(
        "/v1/invoices/validate",
        files={"file": ("f.pdf", simple_pdf(), "application/pdf")},
        data={"metadata": "{not json"},
        headers=tenant.headers,
    )
    assert bad_meta.status_code == 400 and bad_meta.json()["code"] == "metadata_malformed"
    theirs = await _provider(client, other_tenant)
    foreign = await client.post(
        "/v1/invoices/validate",
        json={**msgspec.to_builtins(structured()), "provider_id": theirs},
        headers=tenant.headers,
    )
    assert foreign.status_code == 404
