"""What pdp validates is what Chorus Pro reads: a flux's routing comes from the document, never from beside it.

The case that reached production: an EN 16931 UBL whose buyer carried no SIRET and whose BT-23 said ``S1`` (a
B2B reform billing mode), deposited with ``recipient_siret`` and ``service_code`` in the metadata. pdp answered
201 and Chorus rejected it 11 s later. It must be refused at once, saying what the file must carry.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pdp.connectors.chorus_pro.sandbox.einvoice_reader import read_deposit
from pdp.einvoice.formats.json_input import to_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.einvoice.model import Identifier
from pdp.einvoice.validation.chorus_routing import resolve_routing
from pdp.einvoice.validation.engine import validate_document
from pdp.tenants.deposits.document_checks import metadata_routing
from tests.conftest import TenantFixture
from tests.invoices.validation.test_engine import RECIPIENT_SIRET, SELLER, structured
from tests.journeys import active_mandate, seller_provider


def ubl(*, buyer_siret: bool, frame: str | None, service_code: str | None = "SERV01", number: str = "F-S1-1") -> bytes:
    invoice = to_invoice(structured(number=number), seller=SELLER)
    invoice.process_type = frame
    invoice.buyer_reference = service_code
    if not buyer_siret:
        invoice.buyer.legal_id = None
        invoice.buyer.electronic_address = Identifier(value="legal@exemple.gouv.fr", scheme="EM")
    return write_ubl(invoice)


async def _deposit_with_metadata_routing(client: Any, tenant: TenantFixture, data: bytes) -> tuple[str, Any]:
    """(provider id, answer) of depositing ``data`` with the recipient and service given in the metadata."""
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    metadata = {"provider_id": provider["id"], "recipient_siret": RECIPIENT_SIRET, "service_code": "SERV01"}
    response = await client.post(
        "/v1/invoices",
        files={"file": ("facture.xml", data, "application/xml")},
        data={"metadata": json.dumps(metadata)},
        headers=tenant.headers,
    )
    return str(provider["id"]), response


async def test_the_s1_file_routed_by_metadata_is_refused_with_what_the_file_must_carry(
    client: Any, tenant: TenantFixture
) -> None:
    provider_id, response = await _deposit_with_metadata_routing(client, tenant, ubl(buyer_siret=False, frame="S1"))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "invoice_invalid"
    errors = {(e["rule"], e["path"].split(" ")[0]): e["message"] for e in problem["errors"]}
    assert ("PDP-ROUTING-NOT-IN-FILE", "BT-47") in errors
    assert "cac:AccountingCustomerParty" in errors[("PDP-ROUTING-NOT-IN-FILE", "BT-47")]
    frame = errors[("CHORUS-FRAME-INVALID", "BT-23")]
    assert "'S1'" in frame and "A1 to A25" in frame and "B2B reform" in frame
    assert not any(rule == "BR-FR-08" for rule, _ in errors)  # no advice to write the value Chorus refuses
    listed = await client.get(f"/v1/invoices?provider_id={provider_id}", headers=tenant.headers)
    assert listed.json()["data"] == []  # nothing was deposited


async def test_once_the_file_carries_its_routing_the_same_deposit_is_accepted(
    client: Any, tenant: TenantFixture
) -> None:
    _, response = await _deposit_with_metadata_routing(client, tenant, ubl(buyer_siret=True, frame="A1"))
    assert response.status_code == 201, response.text
    assert response.json()["recipient"]["siret"] == RECIPIENT_SIRET


VARIANTS = [
    (buyer_siret, frame, service, given)
    for buyer_siret in (True, False)
    for frame in (None, "A1", "A2", "S1", "B1")
    for service in (None, "SERV01")
    for given in ({}, {"recipient_siret": RECIPIENT_SIRET}, {"service_code": "SERV01"}, {"billing_frame": "A2"})
]


@pytest.mark.parametrize(("buyer_siret", "frame", "service", "given"), VARIANTS)
def test_whatever_pdp_accepts_the_emulator_reads_with_the_same_routing(
    buyer_siret: bool, frame: str | None, service: str | None, given: dict[str, str]
) -> None:
    data = ubl(buyer_siret=buyer_siret, frame=frame, service_code=service)
    report = validate_document(data, filename="f.xml", routing=metadata_routing(given))
    read = read_deposit(data, "f.xml")[0]  # what the Chorus Pro emulator reads in the same bytes
    carried = {"recipient_siret": RECIPIENT_SIRET if buyer_siret else None, "service_code": service}
    carried["billing_frame"] = frame or "A1"
    agrees = all(carried[name] == value for name, value in given.items())
    assert report.valid == (buyer_siret and carried["billing_frame"] in {"A1", "A2"} and agrees), report.errors
    if not report.valid:
        return
    assert report.invoice is not None
    routing = resolve_routing(report.invoice)
    assert (routing.recipient_siret, routing.service_code, routing.billing_frame) == (
        read.recipient_siret,
        read.service_code,
        read.billing_frame,
    )
    for name, value in given.items():
        assert getattr(routing, name) == value  # the metadata said nothing the file does not
    assert read.billing_frame in {f"A{n}" for n in range(1, 26)}
