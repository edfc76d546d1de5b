from __future__ import annotations

import httpx

from tests.sandbox.harness import RunningSandbox, deposit_request, ubl


async def test_deposit_integrates_and_pays(sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
    client = sandbox.client(http)
    account = sandbox.account()
    answer = await client.deposit_flux(account, deposit_request(ubl("F-SMOKE-1")))
    assert answer.libelle == "GCU_MSG_01_000" and answer.numero_flux_depot
    report = await client.flux_report(account, answer.numero_flux_depot)
    assert report.etat_courant_depot_flux == "IN_RECU"
    sandbox.control("POST", "clock/advance", {"seconds": 5})
    report = await client.flux_report(account, answer.numero_flux_depot)
    assert report.etat_courant_depot_flux == "IN_INTEGRE", report
    sandbox.control("POST", "clock/advance", {"days": 7})
    from pdp.connectors.chorus_pro.schemas import factures as f

    found = await client.search_supplier_invoices(
        account, f.RechercherFournisseurRequest(numero_flux_depot=answer.numero_flux_depot)
    )
    history = await client.invoice_history(account, found.liste_factures[0].identifiant_facture_cpp)
    print([s.histo_statut_code for s in history.statuses])
    assert history.statut_courant_code == "MISE_EN_PAIEMENT"
