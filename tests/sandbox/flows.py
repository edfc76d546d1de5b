"""Shared steps: deposit through the client, let the virtual clock integrate, read the report."""

from __future__ import annotations

from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.client import ChorusProClient
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas import transverses as t
from tests.sandbox.harness import RunningSandbox, deposit_request


async def deposit_and_integrate(
    sandbox: RunningSandbox,
    client: ChorusProClient,
    account: TechnicalAccount,
    content: bytes,
    syntax: str = "IN_DP_E1_UBL_INVOICE",
    name: str = "facture.xml",
) -> tuple[str, t.ConsulterCRDetailleResponse]:
    answer = await client.deposit_flux(account, deposit_request(content, syntax, name))
    assert answer.numero_flux_depot
    sandbox.control("POST", "clock/advance", {"seconds": 10})
    return answer.numero_flux_depot, await client.flux_report(account, answer.numero_flux_depot)


async def invoice_id(client: ChorusProClient, account: TechnicalAccount, flux_number: str) -> int:
    found = await client.search_supplier_invoices(
        account, f.RechercherFournisseurRequest(numero_flux_depot=flux_number)
    )
    value = found.liste_factures[0].identifiant_facture_cpp
    assert value is not None
    return value
