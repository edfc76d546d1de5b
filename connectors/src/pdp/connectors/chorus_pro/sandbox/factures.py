"""``/cpro/factures/v1/…`` handlers (chorus-pro-api.md §3.1): deposits, ``soumettre``, searches, history,
``recycler``, ``completer``. A supplier sees only its own invoices; others' are "unknown", as in Chorus."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

import msgspec

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox import lifecycle
from pdp.connectors.chorus_pro.sandbox.checks import Part, check_invoice
from pdp.connectors.chorus_pro.sandbox.clock import day, minute
from pdp.connectors.chorus_pro.sandbox.integration import create_invoice, receive
from pdp.connectors.chorus_pro.sandbox.ledger import DepositedKey
from pdp.connectors.chorus_pro.sandbox.reading import DepositedInvoice
from pdp.connectors.chorus_pro.sandbox.replies import (
    BAD_STATUS,
    BAD_STATUS_LABEL,
    GCU_OK,
    UNKNOWN_INVOICE_LABEL,
    UNKNOWN_OBJECT,
    BadRequest,
    Call,
    ChorusFailure,
    Handler,
    Reply,
    ok,
    paged,
    sort_by,
)
from pdp.connectors.chorus_pro.sandbox.state import Attachment, Invoice
from pdp.connectors.chorus_pro.schemas import factures as f

FILE_MAX_BYTES = 10 * 1024 * 1024
# deposerFluxFacture "file too large" (OMNI, unverified: code 20001, message GDP_MSG_11.022).
FLUX_TOO_LARGE = ChorusFailure(20001, "GDP_MSG_11.022 - La taille du fichier dépasse la taille maximale autorisée.")
# soumettre's codes are listed without meaning (SPEC410: 20013, 20303-20305); this assignment is the emulator's.
SUBMIT_CODES: dict[Part, int] = {
    "routing": 20303,
    "supplier": 20304,
    "payment": 20304,
    "number": 20305,
    "attachment": 20013,
}
RECYCLE_BAD_STATUS = 20004
RECYCLE_BAD_ROUTING = 20005
PAYMENT_MODES = {"VIREMENT": "30", "CHEQUE": "20", "PRELEVEMENT": "49", "ESPECE": "10", "AUTRE": "1", "REPORT": "97"}
INVOICE_TYPES = {True: "AVOIR", False: "FACTURE"}


def decode_file(encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("le fichier n'est pas encodé en base64") from None


def deposer_flux(call: Call) -> Reply:
    request = call.decode(f.DeposerFluxRequest)
    data = decode_file(request.fichier_flux)
    if len(data) > FILE_MAX_BYTES:
        raise FLUX_TOO_LARGE
    flux = receive(call.state, call.supplier, data, request.nom_fichier, request.syntaxe_flux)
    call.entry.flux_number = flux.number
    call.entry.deposited = [DepositedKey(one.supplier_siret, one.number) for one in flux.invoices]
    return ok(
        {"numeroFluxDepot": flux.number, "dateDepot": day(flux.deposited_at), "syntaxeFlux": request.syntaxe_flux},
        GCU_OK,
    )


def deposer_pdf(call: Call) -> Reply:
    request = call.decode(f.DeposerPdfRequest)
    data = decode_file(request.fichier_facture)
    if len(data) > FILE_MAX_BYTES:
        # The gateway refuses it before Chorus: no codeRetour, just the status (CP-submit-pdf-invoice).
        return Reply(413, b"Request Entity Too Large", [(b"content-type", b"text/plain")])
    reads = call.state.reader(data, request.nom_fichier)
    read = reads[0] if reads and not reads[0].unreadable else None
    attachment = Attachment(
        call.state.next_attachment_id(), call.supplier.id, request.nom_fichier, len(data), "pdf", read
    )
    call.state.attachments[attachment.id] = attachment
    found = read or DepositedInvoice()
    # OCR results: a Factur-X PDF gives its data; a plain PDF gives nulls, as OCR on a blank scan would.
    return ok(
        {
            "pieceJointeId": attachment.id,
            "numeroFacture": found.number,
            "dateFacture": found.issue_date,
            "codeDestinataire": found.recipient_siret,
            "codeServiceExecutant": found.service_code,
            "codeFournisseur": found.supplier_siret,
            "codeDeviseFacture": found.currency,
            "typeFacture": INVOICE_TYPES[found.is_credit_note] if read else None,
            "typeTva": None,
            "numeroBonCommande": found.engagement_number,
            "montantTtcAvantRemiseGlobalTTC": found.total_with_vat,
            "montantAPayer": found.amount_due,
            "montantHtTotal": found.total_without_vat,
            "montantTVA": found.total_vat,
        },
        GCU_OK,
    )


def soumettre(call: Call) -> Reply:
    request = call.decode(f.SoumettreRequest)
    state, supplier = call.state, call.supplier
    if request.fournisseur.id_fournisseur != supplier.id:
        raise ChorusFailure(
            SUBMIT_CODES["supplier"],
            f"Le fournisseur {request.fournisseur.id_fournisseur} n'est pas la structure du compte technique.",
        )
    for piece in request.piece_jointe_principale:
        known = state.attachments.get(piece.piece_jointe_principale_id)
        if known is None or known.owner != supplier.id:
            raise ChorusFailure(20013, f"La pièce jointe {piece.piece_jointe_principale_id} est introuvable.")
    if request.mode_depot.startswith("DEPOT_PDF") and not request.piece_jointe_principale:
        raise ChorusFailure(20013, "La pièce jointe principale est obligatoire pour ce mode de dépôt.")
    references = request.references
    bank = next(
        (b for b in supplier.bank_accounts if b.id == request.fournisseur.code_coordonnees_bancaires_fournisseur),
        None,
    )
    read = DepositedInvoice(
        syntax="pdf",
        number=request.numero_facture_saisi,
        type_code="381" if references.type_facture == "AVOIR" else "380",
        is_credit_note=references.type_facture == "AVOIR",
        supplier_siret=supplier.siret,
        recipient_siret=request.destinataire.code_destinataire,
        service_code=request.destinataire.code_service_executant,
        engagement_number=references.numero_bon_commande,
        billing_frame=request.cadre_de_facturation.code_cadre_facturation.split("_", 1)[0],
        payment_means_code=PAYMENT_MODES.get(references.mode_paiement or ""),
        iban=bank.iban if bank else None,
        total_without_vat=request.montant_total.montant_ht_total,
        total_vat=request.montant_total.montant_tva,
        total_with_vat=request.montant_total.montant_ttc_total,
        amount_due=request.montant_total.montant_a_payer,
        currency=references.devise_facture,
        issue_date=request.date_facture,
    )
    duplicate = (supplier.id, request.numero_facture_saisi) in state.numbers
    problems = check_invoice(state.directory, supplier, read, duplicate=duplicate)
    if problems:
        raise ChorusFailure(SUBMIT_CODES[problems[0].part], " | ".join(p.message for p in problems))
    invoice = create_invoice(state, supplier, read, deposit_mode=request.mode_depot, flux_number=None)
    call.entry.deposited = [DepositedKey(supplier.siret, invoice.number)]
    call.entry.invoice_id = invoice.id
    fingerprint = hashlib.sha256(f"{invoice.id}:{invoice.number}:{supplier.siret}".encode()).digest()
    return ok(
        {
            "identifiantFactureCPP": invoice.id,
            "numeroFacture": invoice.number,
            "statutFacture": invoice.status.code,
            "dateDepot": day(invoice.deposited_at),
            "identifiantStructure": supplier.siret,
            "empreinteCertificatDepot": base64.b64encode(fingerprint).decode("ascii"),
        },
        GCU_OK,
    )


def _own_invoice(call: Call, invoice_id: int) -> Invoice:
    invoice = call.state.invoices.get(invoice_id)
    if invoice is None or invoice.supplier.id != call.supplier.id:
        raise ChorusFailure(UNKNOWN_OBJECT, UNKNOWN_INVOICE_LABEL)
    return invoice


def _summary(invoice: Invoice) -> dict[str, Any]:
    read = invoice.read
    return {
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.number,
        "statut": invoice.status.code,
        "numeroFluxDepot": invoice.flux_number,
        "dateDepot": day(invoice.deposited_at),
        "dateFacture": read.issue_date,
        "dateHeureEtatCourant": minute(invoice.status.at),
        "idDestinataire": invoice.recipient.id,
        "codeDestinataire": invoice.recipient.siret,
        "designationDestinataire": invoice.recipient.name,
        "codeServiceExecutant": invoice.service_code,
        "idFournisseur": invoice.supplier.id,
        "codeFournisseur": invoice.supplier.siret,
        "montantHT": read.total_without_vat,
        "montantTTC": read.total_with_vat,
        "montantAPayer": read.amount_due,
        "devise": read.currency,
        "typeFacture": INVOICE_TYPES[read.is_credit_note],
        "modeDepot": invoice.deposit_mode,
        "commentaireEtatCourant": invoice.status.comment,
    }


def rechercher_fournisseur(call: Call) -> Reply:
    request = call.decode(f.RechercherFournisseurRequest)
    found = [one for one in call.state.invoices.values() if one.supplier.id == call.supplier.id]
    filters: list[tuple[Any, Any]] = [
        (request.numero_flux_depot, lambda i: i.flux_number),
        (request.numero_facture, lambda i: i.number),
        (request.id_fournisseur, lambda i: i.supplier.id),
        (request.type_facture, lambda i: INVOICE_TYPES[i.read.is_credit_note]),
        (request.mode_depot, lambda i: i.deposit_mode),
        (request.numero_bon_commande, lambda i: i.engagement_number),
    ]
    for wanted, value in filters:
        if wanted is not None:
            found = [one for one in found if value(one) == wanted]
    if request.statut_courant:
        found = [one for one in found if one.status.code in request.statut_courant]
    found = [
        one
        for one in found
        if _within(day(one.deposited_at), request.periode_date_depot_du, request.periode_date_depot_au)
    ]
    found = [
        one
        for one in found
        if _within(one.read.issue_date, request.periode_date_facture_du, request.periode_date_facture_au)
    ]
    paging = request.recherche_facture_par_fournisseur
    found = sort_by(found, paging, {"NumeroFacture": lambda i: i.number, "DateDepot": lambda i: i.deposited_at})
    chunk, returned = paged(found, paging)
    return ok({"listeFactures": [_summary(one) for one in chunk], "parametresRetour": returned})


def _within(value: str | None, start: str | None, end: str | None) -> bool:
    if start is None and end is None:
        return True
    return value is not None and (start is None or value >= start) and (end is None or value <= end)


def consulter_fournisseur(call: Call) -> Reply:
    request = call.decode(f.ConsulterFournisseurRequest)
    invoice = _own_invoice(call, request.identifiant_facture_cpp)
    read, summary = invoice.read, _summary(invoice)
    parties = {"codeServiceExecutant": invoice.service_code}
    detail = {
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status.code,
        "modeDepot": invoice.deposit_mode,
        "commentaire": invoice.status.comment,
        "cadreDeFacturation": {"codeCadreFacturation": read.billing_frame or "A1", "codeStructureValideur": None},
        "destinataire": {
            "idDestinataire": invoice.recipient.id,
            "codeDestinataire": invoice.recipient.siret,
            **parties,
        },
        "fournisseur": {
            "idFournisseur": invoice.supplier.id,
            "codeFournisseur": invoice.supplier.siret,
            "raisonSociale": invoice.supplier.name,
        },
        "references": {
            "dateFacture": read.issue_date,
            "dateDepot": summary["dateDepot"],
            "dateEcheancePaiement": read.due_date,
            "codeDeviseFacture": read.currency,
            "typeFacture": summary["typeFacture"],
            "typeTva": None,
            "modePaiement": next((k for k, v in PAYMENT_MODES.items() if v == read.payment_means_code), None),
            "numeroBonCommande": invoice.engagement_number,
            "numeroMarche": None,
        },
        "montantTotal": {
            "montantHtTotal": read.total_without_vat,
            "montantTVA": read.total_vat,
            "montantTtcTotal": read.total_with_vat,
            "montantAPayer": read.amount_due,
        },
    }
    return ok({"facture": detail})


def consulter_historique(call: Call) -> Reply:
    request = call.decode(f.ConsulterHistoriqueRequest)
    invoice = _own_invoice(call, request.id_facture)
    newest_first = list(reversed(invoice.history))
    shown = newest_first[: request.nb_resultats_maximum] if request.nb_resultats_maximum else newest_first
    statuses = [
        {
            "histoStatutId": entry.id,
            "histoStatutCode": entry.code,
            "histoStatutDatePassage": minute(entry.at),
            "histoStatutCommentaire": entry.comment,
            "histoStatutUtilisateurNom": "Service facturier" if entry.by_buyer else None,
            "histoStatutUtilisateurPrenom": None,
            "histoStatutUtilisateurEmail": None,
            "histoStatutUtilisateurTelephone": None,
        }
        for entry in shown
    ]
    paging = {"nbResultatsParPage": len(shown), "pageCourante": 1, "pages": 1, "total": len(newest_first)}
    return ok(
        {
            "idFacture": invoice.id,
            "numeroFacture": invoice.number,
            "modeDepot": invoice.deposit_mode,
            "statutCourantCode": invoice.status.code,
            "derniereAction": {"derniereActionCode": None, "derniereActionId": None},
            "historiquesDesStatuts": {"histoStatut": statuses, **paging},
            "historiquesDesActionsUtilisateurs": {"histoAction": [], "total": 0},
            "historiquesDesEvenementsComplementaires": {"histoEvenement": [], "total": 0},
        }
    )


def recycler(call: Call) -> Reply:
    request = call.decode(f.RecyclerRequest)
    invoice = _own_invoice(call, request.identifiant_facture_cpp)
    if invoice.status.code != "A_RECYCLER":
        raise ChorusFailure(RECYCLE_BAD_STATUS, BAD_STATUS_LABEL)
    destination = request.destinataire
    engagement = (request.reference.numero_bon_commande if request.reference else None) or invoice.engagement_number
    rerouted = _rerouted(invoice.read, destination.code_destinataire, destination.code_service_executant, engagement)
    problems = [
        p for p in check_invoice(call.state.directory, call.supplier, rerouted, duplicate=False) if p.part == "routing"
    ]
    if problems:
        raise ChorusFailure(RECYCLE_BAD_ROUTING, " | ".join(p.message for p in problems))
    invoice.read = rerouted
    invoice.recipient = call.state.directory.by_siret[destination.code_destinataire]
    invoice.service_code, invoice.engagement_number = destination.code_service_executant, engagement
    invoice.schedule_generation += 1
    lifecycle.begin(call.state, invoice)
    return ok(
        {
            "identifiantFactureCPP": invoice.id,
            "numeroFacture": invoice.number,
            "statutFacture": invoice.status.code,
            "dateDepot": day(invoice.deposited_at),
        }
    )


def _rerouted(read: DepositedInvoice, siret: str, service: str | None, engagement: str | None) -> DepositedInvoice:
    return msgspec.structs.replace(read, recipient_siret=siret, service_code=service, engagement_number=engagement)


def completer(call: Call) -> Reply:
    request = call.decode(f.CompleterRequest)
    invoice = _own_invoice(call, request.identifiant_facture_cpp)
    for piece in request.piece_jointe_complementaire:
        known = call.state.attachments.get(piece.piece_jointe_complementaire_id)
        if known is None or known.owner != call.supplier.id:
            raise ChorusFailure(20013, f"La pièce jointe {piece.piece_jointe_complementaire_id} est introuvable.")
    if invoice.status.code != "SUSPENDUE":
        raise ChorusFailure(BAD_STATUS, BAD_STATUS_LABEL)
    lifecycle.complete(call.state, invoice, request.commentaire)
    return ok(
        {
            "identifiantFactureCPP": invoice.id,
            "numeroFacture": invoice.number,
            "dateTraitement": day(call.state.clock.now()),
        }
    )


HANDLERS: dict[str, Handler] = {
    paths.DEPOSER_FLUX: deposer_flux,
    paths.DEPOSER_PDF: deposer_pdf,
    paths.SOUMETTRE: soumettre,
    paths.RECHERCHER_FOURNISSEUR: rechercher_fournisseur,
    paths.CONSULTER_FOURNISSEUR: consulter_fournisseur,
    paths.CONSULTER_HISTORIQUE: consulter_historique,
    paths.RECYCLER: recycler,
    paths.COMPLETER: completer,
}
