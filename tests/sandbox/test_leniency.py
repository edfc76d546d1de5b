"""The emulator accepts what Chorus Pro accepts from public clients, and still refuses what does not fit."""

from __future__ import annotations

import base64
from decimal import Decimal

import httpx

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox.receipt import receipt_pdf
from pdp.connectors.chorus_pro.schemas import factures as f
from tests.sandbox import harness as h
from tests.sandbox.raw import post_raw


async def test_ids_sent_as_numeric_strings_are_read_as_numbers(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    # OCA sends str(company's idStructureCPP) as structureReceptriceEngagementJuridique.
    engagement = {
        "structureReceptriceEngagementJuridique": str(sandbox.supplier_id()),
        "numeroEngagementJuridique": "EJ0030000001",
        "etatCourantEngagementJuridique": "COMMANDE",
    }
    answer = await post_raw(sandbox, http, paths.ENGAGEMENTS_RECHERCHER, engagement)
    assert answer.status_code == 200 and answer.json()["codeRetour"] == 0
    assert answer.json()["listeEngagementJuridique"][0]["numeroEngagementJuridique"] == "EJ0030000001"
    found = await post_raw(sandbox, http, paths.STRUCTURES_RECHERCHER, _by_siret(h.SERVICE_REQUIRED))
    structure_id = found.json()["listeStructures"][0]["idStructureCPP"]
    services = await post_raw(sandbox, http, paths.SERVICES_RECHERCHER, {"idStructure": str(structure_id)})
    assert services.status_code == 200 and services.json()["listeServices"]


async def test_what_does_not_fit_is_still_a_bad_request(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    for body in ({"idStructure": "abc"}, {"idStructure": ""}, {"idStructure": [1]}, {}):
        answer = await post_raw(sandbox, http, paths.SERVICES_RECHERCHER, body)
        assert answer.status_code == 400, body
        assert answer.json()["libelle"].startswith("Requête mal formulée") and "codeRetour" not in answer.json()


async def test_a_blank_boolean_is_read_as_absent(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    # PASTELL's default restreindreStructuresPrivees is "": absent, so private structures the account is not
    # attached to stay hidden; false shows them.
    blank = await post_raw(sandbox, http, paths.STRUCTURES_RECHERCHER, _by_siret(h.SUPPLIER_2, restrict=""))
    assert blank.status_code == 200 and blank.json()["listeStructures"] == []
    lifted = await post_raw(sandbox, http, paths.STRUCTURES_RECHERCHER, _by_siret(h.SUPPLIER_2, restrict=False))
    assert [one["identifiantStructure"] for one in lifted.json()["listeStructures"]] == [h.SUPPLIER_2]
    worded = await post_raw(sandbox, http, paths.STRUCTURES_RECHERCHER, _by_siret(h.SUPPLIER_2, restrict="false"))
    assert [one["identifiantStructure"] for one in worded.json()["listeStructures"]] == [h.SUPPLIER_2]


async def test_an_unknown_siret_is_an_empty_answer_not_an_error(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    answer = await post_raw(sandbox, http, paths.STRUCTURES_RECHERCHER, _by_siret("35600000000048", restrict=False))
    assert answer.status_code == 200
    body = answer.json()
    assert body["codeRetour"] == 20000 and body["libelle"].startswith("TRA_MSG_00.015")
    assert body["listeStructures"] == [] and body["parametresRetour"]["total"] == 0


async def test_soumettre_without_date_takes_the_day_and_reads_string_ids(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    pdf = base64.b64decode(receipt_pdf("Facture", ["1"]))
    deposited = await client.deposit_pdf(
        account, f.DeposerPdfRequest(fichier_facture=base64.b64encode(pdf).decode(), nom_fichier="facture.pdf")
    )
    bank = sandbox.info["suppliers"][0]["bank_accounts"][0]["id"]
    body = {  # PASTELL's soumettreFacture, no dateFacture, idServiceFournisseur left a string
        "modeDepot": "DEPOT_PDF_API",
        "numeroFactureSaisi": "F-LENIENT-1",
        "destinataire": {"codeDestinataire": h.NO_PARAMS},
        "fournisseur": {"idFournisseur": sandbox.supplier_id(), "codeCoordonneesBancairesFournisseur": str(bank)},
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "", "modePaiement": "VIREMENT"},
        "montantTotal": {"montantHtTotal": 100.0, "montantTVA": 20.0, "montantTtcTotal": 120.0, "montantAPayer": 120.0},
        "pieceJointePrincipale": [
            {
                "pieceJointePrincipaleDesignation": "ma facture",
                "pieceJointePrincipaleId": str(deposited.piece_jointe_id),
            }
        ],
    }
    answer = await post_raw(sandbox, http, paths.SOUMETTRE, body)
    assert answer.status_code == 200, answer.text
    submitted = answer.json()
    detail = await client.get_supplier_invoice(account, submitted["identifiantFactureCPP"])
    assert detail.facture and detail.facture.references and detail.facture.montant_total
    assert detail.facture.references.date_facture == submitted["dateDepot"]  # a plain PDF: no date read from it
    assert detail.facture.montant_total.montant_a_payer == Decimal("120.0")


def _by_siret(siret: str, *, restrict: object = None) -> dict[str, object]:
    body: dict[str, object] = {"structure": {"identifiantStructure": siret, "typeIdentifiantStructure": "SIRET"}}
    if restrict is not None:
        body["restreindreStructuresPrivees"] = restrict
    return body
