"""The status history pages as Chorus pages it, and the values answers carry are written as Chorus writes them."""

from __future__ import annotations

import re
from datetime import datetime

import httpx

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox.integration import SYNTAXES
from pdp.connectors.chorus_pro.sandbox.receipt import receipt_pdf
from pdp.connectors.chorus_pro.schemas import factures as f
from tests.sandbox import harness as h
from tests.sandbox.flows import deposit_and_integrate, invoice_id
from tests.sandbox.raw import post_raw

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def long_history(sandbox: h.RunningSandbox, invoice: int, moves: int) -> None:
    """The buyer moves ``invoice`` back and forth ``moves`` times, ten a minute (the control API)."""
    for n in range(moves):
        if n % 10 == 0:
            sandbox.control("POST", "clock/advance", {"minutes": 1})
        status = "SUSPENDUE" if n % 2 == 0 else "MISE_A_DISPOSITION"
        sandbox.control("POST", f"invoices/{invoice}/status", {"statut": status, "commentaire": f"move {n}"})


async def test_history_pages_with_its_own_keys(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    flux, _ = await deposit_and_integrate(sandbox, client, account, h.ubl("F-HIST-1"))
    invoice = await invoice_id(client, account, flux)
    long_history(sandbox, invoice, 24)  # DEPOSEE + 24 moves = 25 entries
    pages = []
    for page in (1, 2, 3):
        paging = {"nbResultatsParPageListeHistoStatut": 10, "pageResultatDemandeeListeHistoStatut": page}
        answer = await post_raw(
            sandbox, http, paths.CONSULTER_HISTORIQUE, {"idFacture": invoice, "paramRechercheHistoStatuts": paging}
        )
        statuses = answer.json()["historiquesDesStatuts"]
        assert (statuses["pageCouranteHistoStatut"], statuses["pagesHistoStatut"]) == (page, 3)
        assert statuses["totalHistoStatut"] == 25 and statuses["nbResultatsParPageHistoStatut"] == 10
        pages.append([entry["histoStatutCommentaire"] for entry in statuses["histoStatut"]])
    assert [len(one) for one in pages] == [10, 10, 5]
    every = [comment for page in pages for comment in page]
    assert every[0] == "move 23" and every[23] == "move 0" and every[24] is None  # newest first, DEPOSEE last
    # PASTELL's nbResultatsMaximum sizes the one page it asks for; without either, a page holds 10.
    pastell = await post_raw(
        sandbox, http, paths.CONSULTER_HISTORIQUE, {"idFacture": invoice, "nbResultatsMaximum": 50}
    )
    assert len(pastell.json()["historiquesDesStatuts"]["histoStatut"]) == 25
    bare = await post_raw(sandbox, http, paths.CONSULTER_HISTORIQUE, {"idFacture": invoice})
    assert len(bare.json()["historiquesDesStatuts"]["histoStatut"]) == 10
    assert bare.json()["historiquesDesStatuts"]["pagesHistoStatut"] == 3


async def test_client_reads_every_page_of_the_history(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    flux, _ = await deposit_and_integrate(sandbox, client, account, h.ubl("F-HIST-2"))
    invoice = await invoice_id(client, account, flux)
    long_history(sandbox, invoice, 105)  # 106 entries: two pages of the client's 100
    since = sandbox.control("GET", "ledger")[-1]["seq"]
    history = await client.invoice_history(account, invoice)
    ledger = sandbox.control("GET", f"ledger?since={since}")
    answered = [one for one in ledger if one["path"] == paths.CONSULTER_HISTORIQUE and one["status"] == 200]
    assert len(answered) == 2
    comments = [entry.histo_statut_commentaire for entry in history.statuses]
    assert len(comments) == 106 and comments[0] == "move 104" and comments[104] == "move 0"
    assert [entry.histo_statut_code for entry in history.statuses][-1] == "DEPOSEE"
    ids = [entry.histo_statut_id or 0 for entry in history.statuses]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 106
    assert history.statut_courant_code == "SUSPENDUE"


async def test_values_as_chorus_writes_them(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    flux, _ = await deposit_and_integrate(sandbox, client, account, h.ubl("F-VAL-1"))
    invoice = await invoice_id(client, account, flux)
    [listed] = [one async for one in client.iter_supplier_invoices(account, f.RechercherFournisseurRequest())]
    assert listed.designation_fournisseur == "Atelier Dupont SARL"
    assert DAY.match(listed.date_depot or "") and DAY.match(listed.date_facture or "")
    assert datetime.fromisoformat(listed.date_heure_etat_courant or "").tzinfo is not None  # GO: a time.Time
    detail = (await client.get_supplier_invoice(account, invoice)).facture
    assert detail and detail.cadre_de_facturation and detail.fournisseur and detail.destinataire
    assert detail.cadre_de_facturation.code_cadre_facturation == "A1_FACTURE_FOURNISSEUR"
    assert detail.fournisseur.designation_fournisseur == "Atelier Dupont SARL"
    assert detail.destinataire.libelle_destinataire == "Destinataire sans paramètre"
    history = await client.invoice_history(account, invoice)
    assert all(MINUTE.match(entry.histo_statut_date_passage or "") for entry in history.statuses)
    detailed, report = await client.flux_report(account, flux), await client.flux_report_pdf(account, flux)
    assert detailed.date_depot_flux == report.date_depot_flux  # one format for dateDepotFlux on both reports
    assert datetime.fromisoformat(report.date_depot_flux or "").tzinfo is not None


async def test_format_list_is_what_deposits_accept(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    formats = await sandbox.client(http).flux_formats(sandbox.account())
    listed = [one.format_flux or "" for one in formats.liste_format_flux]
    assert sorted(listed) == sorted(SYNTAXES) and "IN_DP_E2_CPP_FACTURE_MIN" in listed


async def test_chorus_minimal_format_is_deposited_and_read(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    flux, report = await deposit_and_integrate(
        sandbox, client, account, cpp_invoice("F-CPP-1"), "IN_DP_E2_CPP_FACTURE_MIN", "facture_cpp.xml"
    )
    assert report.etat_courant_depot_flux == "IN_INTEGRE", report
    detail = (await client.get_supplier_invoice(account, await invoice_id(client, account, flux))).facture
    assert detail and detail.references and detail.montant_total and detail.cadre_de_facturation
    assert detail.numero_facture == "F-CPP-1" and detail.references.date_facture == "2026-11-27"
    assert detail.references.numero_bon_commande == "EJ-42"
    assert str(detail.montant_total.montant_a_payer) == "120.00" and str(detail.montant_total.montant_tva) == "20.00"
    assert detail.cadre_de_facturation.code_cadre_facturation == "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"
    _, unknown = await deposit_and_integrate(
        sandbox, client, account, cpp_invoice("F-CPP-2", supplier="00000000000000"), "IN_DP_E2_CPP_FACTURE_MIN"
    )
    assert unknown.etat_courant_depot_flux == "IN_REJETE"
    assert "CPPFactureMixteUnitaire.Fournisseur.Identifiant" in (unknown.errors_dp[0].libelle_erreur_dp or "")


def cpp_invoice(number: str, *, supplier: str = h.SUPPLIER) -> bytes:
    """A CPPFactureMixte file shaped like PASTELL's Facture-IN_DP_E2_CPP_FACTURE_MIN.xml fixture."""
    pdf = receipt_pdf("Facture", [number])  # already base64
    return f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<?xml-stylesheet type="text/xsl" href="FSO1113A.xsl"?>
<CPPFactureMixte xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:noNamespaceSchemaLocation="CPPFactureMixte_V1.14.xsd">
  <Enveloppe><EnveloppeUnitaire NumOrdre="1"><Parametres><ParametreIndiv NumOrdre="0001"><Code>DtPrd</Code>
  <Valeurparametre>2026-11-27</Valeurparametre></ParametreIndiv></Parametres></EnveloppeUnitaire></Enveloppe>
  <CPPFactures Compteur="1">
    <CPPFactureMixteUnitaire NumOrdre="1">
      <Fournisseur><TypeIdentifiant>1</TypeIdentifiant><Identifiant>{supplier}</Identifiant>
        <RaisonSociale>Atelier Dupont SARL</RaisonSociale><CodePays>FR</CodePays></Fournisseur>
      <Debiteur><TypeIdentifiant>1</TypeIdentifiant><Identifiant>{h.NO_PARAMS}</Identifiant></Debiteur>
      <DonneesFacture>
        <Id>{number}</Id><Type>380</Type><Cadre>A2</Cadre><DateEmissionFacture>2026-11-27</DateEmissionFacture>
        <ModePaiement><Code>01</Code></ModePaiement><Devise>EUR</Devise>
        <Montants><MontantHT>100.00</MontantHT><MontantTTC>120.00</MontantTTC><MontantNetAPayer>120.00</MontantNetAPayer></Montants>
        <TVAS><TVA><Taux>20</Taux><BaseHt>100.00</BaseHt><MontantTVA>20.00</MontantTVA></TVA></TVAS>
        <Engagement><NumeroMarche>M-1</NumeroMarche><NumeroEngagement>EJ-42</NumeroEngagement></Engagement>
      </DonneesFacture>
      <PJ NumOrdre="1"><Contenu>{pdf}</Contenu><NomPJ>facture.pdf</NomPJ><TypePJ>01</TypePJ>
        <MimeTypePJ>application/pdf</MimeTypePJ></PJ>
    </CPPFactureMixteUnitaire>
  </CPPFactures>
</CPPFactureMixte>
""".encode()
