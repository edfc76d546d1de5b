"""``pdp validate --metadata`` reads the metadata the API reads: routing alone, provider_id, a plain PDF's invoice."""

from __future__ import annotations

import asyncio
import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner

from pdp.cli.main import cli
from pdp.platform.settings import Settings
from tests.conftest import TenantFixture
from tests.invoices.pdf.pdfgen import simple_pdf
from tests.invoices.validation.test_engine import RECIPIENT_SIRET, structured
from tests.journeys import cii_invoice, seller_provider

ROUTING = {"recipient_siret": RECIPIENT_SIRET, "service_code": "SERV01", "billing_frame": "A1"}
# Only the API consults Chorus Pro's directory; the command does not.
DIRECTORY_RULES = {"PDP-DIRECTORY-UNAVAILABLE"}


def _cii_without_buyer_siret() -> bytes:
    buyer_siret = f'<ram:SpecifiedLegalOrganization>\n          <ram:ID schemeID="0009">{RECIPIENT_SIRET}</ram:ID>'
    xml = cii_invoice()
    assert buyer_siret.encode() in xml
    return xml.replace(buyer_siret.encode(), b"<ram:SpecifiedLegalOrganization>\n          ", 1).replace(
        b"<ram:SpecifiedLegalOrganization>\n          </ram:SpecifiedLegalOrganization>", b"", 1
    )


def _cli(args: list[str]) -> Any:
    return CliRunner().invoke(cli, ["validate", "--json", *args])


async def _run(args: list[str]) -> Any:
    # The command runs its own event loop (asyncio.run): give it a thread of its own.
    return await asyncio.to_thread(_cli, args)


def _rules(errors: list[dict[str, Any]]) -> set[str]:
    return {entry["rule"] for entry in errors} - DIRECTORY_RULES


async def _api_report(client: Any, tenant: TenantFixture, data: bytes) -> dict[str, Any]:
    api = await client.post(
        "/v1/invoices/validate",
        files={"file": ("facture.xml", data, "application/xml")},
        data={"metadata": json.dumps(ROUTING)},
        headers=tenant.headers,
    )
    assert api.status_code == 200, api.text
    return dict(api.json())


@pytest.mark.parametrize("carries_recipient", [True, False], ids=["file-carries-routing", "routing-only-in-metadata"])
async def test_routing_alone_is_read_as_the_api_reads_it(
    client: Any, tenant: TenantFixture, tmp_path: Path, carries_recipient: bool
) -> None:
    data = cii_invoice() if carries_recipient else _cii_without_buyer_siret()
    invoice = tmp_path / "facture.xml"
    invoice.write_bytes(data)
    metadata = tmp_path / "routing.json"
    metadata.write_text(json.dumps(ROUTING))

    result = await _run(["--metadata", str(metadata), str(invoice)])
    assert result.exit_code == (0 if carries_recipient else 1), result.output  # a report, never a refused option
    report = json.loads(result.output)
    api = await _api_report(client, tenant, data)
    assert (report["valid"], _rules(report["errors"])) == (api["valid"], _rules(api["errors"]))


def test_metadata_the_api_refuses_is_refused(tmp_path: Path) -> None:
    invoice = tmp_path / "facture.xml"
    invoice.write_bytes(cii_invoice())
    not_an_object = tmp_path / "list.json"
    not_an_object.write_text("[1, 2]")
    assert _cli(["--metadata", str(not_an_object), str(invoice)]).exit_code == 2
    wrong_type = tmp_path / "wrong.json"
    wrong_type.write_text(json.dumps({"service_code": 12}))
    refused = _cli(["--metadata", str(wrong_type), str(invoice)])
    assert refused.exit_code == 2 and "must be strings" in refused.output


async def test_provider_id_completes_a_plain_pdf_with_the_providers_seller(
    client: Any, tenant: TenantFixture, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for field in fields(settings):
        monkeypatch.setenv(f"PDP_{field.name.upper()}", str(getattr(settings, field.name)))
    provider = await seller_provider(client, tenant)
    pdf = tmp_path / "facture.pdf"
    pdf.write_bytes(simple_pdf())
    metadata = tmp_path / "invoice.json"
    metadata.write_bytes(msgspec.json.encode({**msgspec.to_builtins(structured()), "provider_id": provider["id"]}))

    result = await _run(["--metadata", str(metadata), str(pdf)])
    assert result.exit_code == 0, result.output
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"provider_id": "prv_01JABCDEFGHJKMNPQRSTVWXYZ0"}))
    refused = await _run(["--metadata", str(unknown), str(pdf)])
    assert refused.exit_code == 2 and "No provider" in refused.output
