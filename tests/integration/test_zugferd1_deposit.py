"""A ZUGFeRD 1.0 PDF deposited over the API: 422 with the rule that says which versions pdp reads."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import TenantFixture
from tests.invoices.pdf.zugferd1 import zugferd1_pdf
from tests.journeys import active_mandate, seller_provider


async def test_a_zugferd_1_deposit_is_refused_with_its_rule(client: Any, tenant: TenantFixture) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    upload = {"file": ("rechnung.pdf", zugferd1_pdf(), "application/pdf")}
    metadata = {"metadata": json.dumps({"provider_id": provider["id"]})}

    refused = await client.post("/v1/invoices", files=upload, data=metadata, headers=tenant.headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "invoice_invalid"), refused.text
    [error] = [e for e in refused.json()["errors"] if e["rule"] == "PDP-ZUGFERD1-UNSUPPORTED"]
    assert "Chorus Pro accepts Factur-X 1.0 / ZUGFeRD 2.1 and later (CII D16B)" in error["message"]

    french = await client.post("/v1/invoices/validate?lang=fr", files=upload, data=metadata, headers=tenant.headers)
    assert french.status_code == 200 and not french.json()["valid"]
    assert any("Exportez la facture au format Factur-X" in e["message"] for e in french.json()["errors"])
