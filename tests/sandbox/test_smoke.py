"""The shortest happy path: a UBL flux integrates, is paid on schedule, and is found by its status."""

from __future__ import annotations

import httpx

from pdp.connectors.chorus_pro.schemas import factures as f
from tests.sandbox.harness import RunningSandbox, deposit_request, ubl


async def test_deposit_integrates_and_pays(sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    answer = await client.deposit_flux(account, deposit_request(ubl("F-SMOKE-1")))
    assert answer.libelle == "GCU_MSG_01_000" and answer.numero_flux_depot
    report = await client.flux_report(account, answer.numero_flux_depot)
    assert report.etat_courant_depot_flux == "IN_RECU"
    sandbox.control("POST", "clock/advance", {"seconds": 1})
    report = await client.flux_report(account, answer.numero_flux_depot)
    assert report.etat_courant_depot_flux == "IN_EN_COURS_TRAITEMENT_CPP"
    sandbox.control("POST", "clock/advance", {"seconds": 2})
    report = await client.flux_report(account, answer.numero_flux_depot)
    assert report.etat_courant_depot_flux == "IN_INTEGRE" and report.errors_dp == []
    sandbox.control("POST", "clock/advance", {"days": 7})
    paid = f.RechercherFournisseurRequest(statut_courant=["MISE_EN_PAIEMENT"])
    [invoice] = [one async for one in client.iter_supplier_invoices(account, paid)]
    assert invoice.numero_facture == "F-SMOKE-1" and invoice.numero_flux_depot == answer.numero_flux_depot
    history = await client.invoice_history(account, invoice.identifiant_facture_cpp or 0)
    codes = [entry.histo_statut_code for entry in history.statuses]
    assert codes == ["MISE_EN_PAIEMENT", "MANDATEE", "SERVICE_FAIT", "MISE_A_DISPOSITION", "DEPOSEE"]  # newest first
    assert all(len(entry.histo_statut_date_passage or "") == 16 for entry in history.statuses)  # YYYY-MM-DD HH:MM
    assert [
        i
        async for i in client.iter_supplier_invoices(
            account, f.RechercherFournisseurRequest(statut_courant=["REJETEE"])
        )
    ] == []
