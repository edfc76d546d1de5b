"""Scenario recipients, the buyer's control API, and the remaining endpoints (PDF deposit, soumettre, structures)."""

from __future__ import annotations

import base64
from decimal import Decimal

import httpx
import pytest

from pdp.connectors.chorus_pro.errors import ChorusPayloadTooLarge, ChorusRejected
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas import structures as s
from pdp.connectors.chorus_pro.schemas import transverses as t
from tests.sandbox import harness as h
from tests.sandbox.flows import deposit_and_integrate, invoice_id


async def _statuses(client: h.ChorusProClient, account: h.TechnicalAccount, invoice: int) -> list[str]:
    history = await client.invoice_history(account, invoice)
    return [entry.histo_statut_code or "" for entry in reversed(history.statuses)]


@pytest.mark.parametrize(
    ("recipient", "expected"),
    [
        (h.SUSPEND, ["DEPOSEE", "MISE_A_DISPOSITION", "SUSPENDUE"]),
        (h.RECYCLE, ["DEPOSEE", "MISE_A_DISPOSITION", "A_RECYCLER"]),
        (h.REJECT, ["DEPOSEE", "MISE_A_DISPOSITION", "REJETEE"]),
    ],
    ids=["suspend", "recycle", "reject"],
)
async def test_scenarios_stop_where_the_buyer_acts(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient, recipient: str, expected: list[str]
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    flux, _ = await deposit_and_integrate(sandbox, client, account, h.ubl("F-SCEN-1", recipient=recipient))
    invoice = await invoice_id(client, account, flux)
    sandbox.control("POST", "clock/advance", {"days": 30})
    assert await _statuses(client, account, invoice) == expected
    history = await client.invoice_history(account, invoice)
    assert history.statuses[0].histo_statut_commentaire  # the buyer says why


async def test_suspended_invoice_is_completed_then_paid(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    flux, _ = await deposit_and_integrate(sandbox, client, account, h.ubl("F-SUSP-1", recipient=h.SUSPEND))
    invoice = await invoice_id(client, account, flux)
    with pytest.raises(ChorusRejected):  # not suspended yet
        await client.complete_invoice(account, f.CompleterRequest(identifiant_facture_cpp=invoice))
    sandbox.control("POST", "clock/advance", {"days": 2})
    upload = await client.upload_file(
        account,
        t.AjouterFichierRequest(
            piece_jointe_fichier=base64.b64encode(b"bon de livraison").decode(),
            piece_jointe_nom="bon.pdf",
            piece_jointe_type_mime="application/pdf",
            piece_jointe_extension="PDF",
        ),
    )
    piece = f.PieceJointeComplementaire(
        piece_jointe_complementaire_designation="Bon de livraison",
        piece_jointe_complementaire_id=upload.piece_jointe_id or 0,
    )
    done = await client.complete_invoice(
        account, f.CompleterRequest(identifiant_facture_cpp=invoice, piece_jointe_complementaire=[piece])
    )
    assert done.numero_facture == "F-SUSP-1"
    sandbox.control("POST", "clock/advance", {"days": 30})
    statuses = await _statuses(client, account, invoice)
    assert statuses[2:] == [
        "SUSPENDUE",
        "COMPLETEE",
        "MISE_A_DISPOSITION",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
    ]


async def test_recycled_invoice_goes_to_its_new_recipient(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    flux, _ = await deposit_and_integrate(sandbox, client, account, h.ubl("F-RECY-1", recipient=h.RECYCLE))
    invoice = await invoice_id(client, account, flux)
    early = f.RecyclerRequest(
        identifiant_facture_cpp=invoice, destinataire=f.Destinataire(code_destinataire=h.NO_PARAMS)
    )
    with pytest.raises(ChorusRejected) as not_yet:  # only an A_RECYCLER invoice can be recycled
        await client.recycle_invoice(account, early)
    assert not_yet.value.chorus_code == "20004"
    sandbox.control("POST", "clock/advance", {"days": 2})
    with pytest.raises(ChorusRejected) as refused:
        await client.recycle_invoice(
            account,
            f.RecyclerRequest(
                identifiant_facture_cpp=invoice, destinataire=f.Destinataire(code_destinataire=h.INACTIVE)
            ),
        )
    assert refused.value.chorus_code == "20005"
    again = await client.recycle_invoice(
        account,
        f.RecyclerRequest(identifiant_facture_cpp=invoice, destinataire=f.Destinataire(code_destinataire=h.NO_PARAMS)),
    )
    assert again.statut_facture == "DEPOSEE"
    sandbox.control("POST", "clock/advance", {"days": 30})
    assert (await _statuses(client, account, invoice))[-1] == "MISE_EN_PAIEMENT"
    detail = await client.get_supplier_invoice(account, invoice)
    assert (
        detail.facture and detail.facture.destinataire and detail.facture.destinataire.code_destinataire == h.NO_PARAMS
    )


async def test_slow_payer_and_buyer_control(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    flux, _ = await deposit_and_integrate(sandbox, client, account, h.ubl("F-SLOW-1", recipient=h.SLOW))
    slow = await invoice_id(client, account, flux)
    sandbox.control("POST", "clock/advance", {"days": 7})
    assert (await _statuses(client, account, slow))[-1] == "MISE_A_DISPOSITION"
    sandbox.control("POST", "clock/advance", {"days": 60})
    assert (await _statuses(client, account, slow))[-1] == "MISE_EN_PAIEMENT"
    flux, _ = await deposit_and_integrate(sandbox, client, account, h.ubl("F-BUY-1"))
    other = await invoice_id(client, account, flux)
    view = sandbox.control("POST", f"invoices/{other}/status", {"statut": "REJETEE", "commentaire": "Hors marché"})
    assert view["statut"] == "REJETEE"
    sandbox.control("POST", "clock/advance", {"days": 30})  # a buyer's decision stops the schedule
    history = await client.invoice_history(account, other)
    assert history.statut_courant_code == "REJETEE" and history.statuses[0].histo_statut_commentaire == "Hors marché"


async def test_paging_past_ten_results(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    for n in range(23):
        await client.deposit_flux(account, h.deposit_request(h.ubl(f"F-PAGE-{n:02d}")))
    sandbox.control("POST", "clock/advance", {"seconds": 10})
    first = await client.search_supplier_invoices(account, f.RechercherFournisseurRequest())
    assert len(first.liste_factures) == 10 and first.parametres_retour and first.parametres_retour.total == 23
    assert first.pages == 3
    every = [
        one.numero_facture
        async for one in client.iter_supplier_invoices(account, f.RechercherFournisseurRequest(), page_size=10)
    ]
    assert sorted(every) == [f"F-PAGE-{n:02d}" for n in range(23)]


async def test_pdf_deposit_and_soumettre(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    pdf = base64.b64decode(
        __import__("pdp.connectors.chorus_pro.sandbox.receipt", fromlist=["x"]).receipt_pdf("Facture", ["1"])
    )
    deposited = await client.deposit_pdf(
        account, f.DeposerPdfRequest(fichier_facture=base64.b64encode(pdf).decode(), nom_fichier="facture.pdf")
    )
    assert deposited.piece_jointe_id and deposited.numero_facture is None
    request = f.SoumettreRequest(
        mode_depot="DEPOT_PDF_API",
        numero_facture_saisi="F-PDF-1",
        date_facture="2026-11-27",
        destinataire=f.Destinataire(code_destinataire=h.NO_PARAMS),
        fournisseur=f.FournisseurSoumission(
            id_fournisseur=sandbox.supplier_id(),
            code_coordonnees_bancaires_fournisseur=sandbox.info["suppliers"][0]["bank_accounts"][0]["id"],
        ),
        cadre_de_facturation=f.CadreDeFacturation(),
        references=f.References(mode_paiement="VIREMENT"),
        montant_total=f.MontantTotal(
            montant_ht_total=Decimal("100.00"),
            montant_tva=Decimal("20.00"),
            montant_ttc_total=Decimal("120.00"),
            montant_a_payer=Decimal("120.00"),
        ),
        piece_jointe_principale=[
            f.PieceJointePrincipale(
                piece_jointe_principale_designation="Facture", piece_jointe_principale_id=deposited.piece_jointe_id
            )
        ],
    )
    submitted = await client.submit_invoice(account, request)
    assert submitted.libelle == "GCU_MSG_01_000" and submitted.statut_facture == "DEPOSEE"
    assert submitted.identifiant_structure == h.SUPPLIER and len(submitted.empreinte_certificat_depot or "") == 44
    with pytest.raises(ChorusRejected) as duplicate:
        await client.submit_invoice(account, request)
    assert duplicate.value.chorus_code == "20305"
    big = base64.b64encode(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)).decode()
    with pytest.raises(ChorusPayloadTooLarge):
        await client.deposit_pdf(account, f.DeposerPdfRequest(fichier_facture=big, nom_fichier="big.pdf"))
    with pytest.raises(ChorusRejected) as too_big:
        await client.upload_file(
            account,
            t.AjouterFichierRequest(
                piece_jointe_fichier=big,
                piece_jointe_nom="big.pdf",
                piece_jointe_type_mime="application/pdf",
                piece_jointe_extension="PDF",
            ),
        )
    assert too_big.value.chorus_code == "20003"


async def test_structures_and_report_pdf(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    found = await client.find_structure(account, h.SERVICE_REQUIRED)
    assert found and found.statut == "ACTIVE" and found.id_structure_cpp
    detail = await client.get_structure(account, found.id_structure_cpp)
    assert detail.parametres and detail.parametres.code_service_doit_etre_renseigne
    services = [one async for one in client.iter_services(account, found.id_structure_cpp)]
    assert {one.code_service for one in services} >= {"SERVICE_DESTINATAIRE1", "SERVICE_EJ"}
    ej = next(one for one in services if one.code_service == "SERVICE_EJ")
    service = await client.get_service(account, found.id_structure_cpp, ej.id_service or 0)
    assert service.parametres and service.parametres.numero_engagement
    assert await client.find_structure(account, "35600000000048") is None
    engagements = await client.search_engagements(
        account, s.RechercherEngagementRequest(numero_engagement_juridique="EJ0030000001")
    )
    assert engagements.liste_engagement_juridique[0].numero_engagement_juridique == "EJ0030000001"
    flux, _ = await deposit_and_integrate(sandbox, client, account, h.ubl("F-CR-1"))
    report = await client.flux_report_pdf(account, flux)
    assert report.etat_courant_flux == "IN_INTEGRE" and base64.b64decode(report.fichier_cr or "").startswith(b"%PDF-")
