"""``/cpro/factures/v1/…`` handlers (docs/chorus-pro-api.md §3.1): searches, consultation, history, ``recycler``,
``completer``, and the table of every factures route. A supplier sees only its own invoices; others' are
"unknown", as in Chorus."""

from __future__ import annotations

from typing import Any

import msgspec

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox import lifecycle
from pdp.connectors.chorus_pro.sandbox.checks import check_invoice
from pdp.connectors.chorus_pro.sandbox.clock import day, iso_millis, moment
from pdp.connectors.chorus_pro.sandbox.deposits import (
    INVOICE_TYPES,
    PAYMENT_MODES,
    deposer_flux,
    deposer_pdf,
    soumettre,
)
from pdp.connectors.chorus_pro.sandbox.history import history_answer
from pdp.connectors.chorus_pro.sandbox.reading import DepositedInvoice
from pdp.connectors.chorus_pro.sandbox.replies import (
    BAD_STATUS,
    BAD_STATUS_LABEL,
    UNKNOWN_INVOICE_LABEL,
    UNKNOWN_OBJECT,
    BadRequest,
    Call,
    ChorusFailure,
    Handler,
    Reply,
    ok,
    paged,
    search_answer,
    sort_by,
)
from pdp.connectors.chorus_pro.sandbox.state import Invoice
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.einvoice.chorus_rules import DEFAULT_FRAME, FRAME_CODES

RECYCLE_BAD_STATUS = 20004
RECYCLE_BAD_ROUTING = 20005


def _own_invoice(call: Call, invoice_id: int) -> Invoice:
    invoice = call.state.invoices.get(invoice_id)
    if invoice is None or not invoice.visible_to(call.supplier):
        raise ChorusFailure(UNKNOWN_OBJECT, UNKNOWN_INVOICE_LABEL)
    return invoice


def _summary(invoice: Invoice) -> dict[str, Any]:
    """One ``listeFactures`` item, with GO ``FactureParFournisseur``'s names (``designationFournisseur``) and
    its date types: ``dateDepot`` a day, ``dateHeureEtatCourant`` an ISO 8601 instant (a Go ``time.Time``)."""
    read = invoice.read
    return {
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.number,
        "statut": invoice.status.code,
        "numeroFluxDepot": invoice.flux_number,
        "dateDepot": day(invoice.deposited_at),
        "dateFacture": read.issue_date,
        "dateHeureEtatCourant": iso_millis(invoice.status.at),
        "idDestinataire": invoice.recipient.id,
        "codeDestinataire": invoice.recipient.siret,
        "designationDestinataire": invoice.recipient.name,
        "codeServiceExecutant": invoice.service_code,
        "idFournisseur": invoice.supplier.id,
        "codeFournisseur": invoice.supplier.siret,
        "designationFournisseur": invoice.supplier.name,
        "typeIdentifiantFournisseur": "SIRET",
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
    found = [one for one in call.state.invoices.values() if one.visible_to(call.supplier)]
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
    try:  # the change feed: invoices whose current status is stamped in the period (Pastell, go-choruspro)
        changed_from = moment(request.periode_date_heure_etat_courant_du)
        changed_until = moment(request.periode_date_heure_etat_courant_au, end_of_day=True)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    found = [
        one
        for one in found
        if (changed_from is None or one.status.at >= changed_from)
        and (changed_until is None or one.status.at <= changed_until)
    ]
    paging = request.recherche_facture_par_fournisseur
    found = sort_by(found, paging, {"NumeroFacture": lambda i: i.number, "DateDepot": lambda i: i.deposited_at})
    chunk, returned = paged(found, paging)
    return search_answer("listeFactures", [_summary(one) for one in chunk], returned)


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
        # Chorus writes the frame's full code; a file's BT-23 holds only its short form (A1), A1 when absent.
        "cadreDeFacturation": {
            "codeCadreFacturation": FRAME_CODES.get(read.billing_frame or DEFAULT_FRAME),
            "codeStructureValideur": None,
        },
        # GO's Destinataire and Fournisseur: libelleDestinataire, designationFournisseur.
        "destinataire": {
            "idDestinataire": invoice.recipient.id,
            "codeDestinataire": invoice.recipient.siret,
            "libelleDestinataire": invoice.recipient.name,
            **parties,
        },
        "fournisseur": {
            "idFournisseur": invoice.supplier.id,
            "codeFournisseur": invoice.supplier.siret,
            "designationFournisseur": invoice.supplier.name,
            "typeIdentifiantFournisseur": "SIRET",
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
    return ok(history_answer(_own_invoice(call, request.id_facture), request))


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
    invoice.attachment_ids += [piece.piece_jointe_complementaire_id for piece in request.piece_jointe_complementaire]
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
