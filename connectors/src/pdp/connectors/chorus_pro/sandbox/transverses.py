"""``/cpro/transverses/v1/…`` handlers (docs/chorus-pro-api.md §3.2): flux reports, attachments, reference lists."""

from __future__ import annotations

from typing import Any

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox.clock import day, iso_millis
from pdp.connectors.chorus_pro.sandbox.deposits import FILE_MAX_BYTES, decode_file
from pdp.connectors.chorus_pro.sandbox.integration import INTERFACE_CODES, SYNTAXES
from pdp.connectors.chorus_pro.sandbox.receipt import receipt_pdf
from pdp.connectors.chorus_pro.sandbox.replies import (
    FILE_TOO_LARGE,
    UNKNOWN_FLUX,
    UNKNOWN_FLUX_LABEL,
    Call,
    ChorusFailure,
    Handler,
    Reply,
    json_reply,
    ok,
)
from pdp.connectors.chorus_pro.sandbox.state import Attachment, Flux
from pdp.connectors.chorus_pro.schemas import transverses as t

HEALTH_BODY = {
    "statusCodeValue": 200,
    "statusCode": "OK",
    "body": "L'API CPRO est actuellement disponible et fonctionnel.",
}
ATTACHMENT_NAME_MAX = 50  # FEPY: pieceJointeNom ≤ 50 characters


def _own_flux(call: Call, number: str) -> Flux:
    flux = call.state.fluxes.get(number)
    if flux is None or flux.supplier.id != call.supplier.id:
        raise ChorusFailure(UNKNOWN_FLUX, UNKNOWN_FLUX_LABEL)
    return flux


def _interface(flux: Flux) -> str:
    return INTERFACE_CODES.get(SYNTAXES.get(flux.syntax, "cii"), "FSO1111A")


def consulter_cr_detaille(call: Call) -> Reply:
    request = call.decode(t.ConsulterCRDetailleRequest)
    flux = _own_flux(call, request.numero_flux_depot)
    interface = _interface(flux)
    return ok(
        {
            "codeInterfaceDepotFlux": interface,
            "dateDepotFlux": iso_millis(flux.deposited_at),
            "dateHeureEtatCourantFlux": iso_millis(flux.state_at or flux.deposited_at),
            "etatCourantDepotFlux": flux.state,
            "nomFichier": f"{interface}_CPP001_{flux.number}",
            "listeErreurDP": [
                {
                    "identifiantFournisseur": error.supplier_siret,
                    "identifiantDestinataire": error.recipient_siret,
                    "numeroDP": error.number,
                    "libelleErreurDP": error.message,
                }
                for error in flux.dp_errors
            ],
            # Technical errors are known from the deposit, but Chorus reports them once it has processed the flux.
            "listeErreurTechnique": [
                {"codeErreur": error.code, "libelleErreur": error.message, "natureErreur": error.nature}
                for error in flux.technical_errors
            ]
            if flux.state in ("IN_REJETE", "IN_INTEGRE_PARTIEL", "IN_INTEGRE")
            else [],
        }
    )


def consulter_cr(call: Call) -> Reply:
    request = call.decode(t.ConsulterCRRequest)
    flux = _own_flux(call, request.numero_flux_depot)
    interface = _interface(flux)
    lines = [
        f"Flux {flux.number}",
        f"Fichier : {flux.filename}",
        f"Déposé le : {day(flux.deposited_at)}",
        f"État : {flux.state}",
        f"Factures intégrées : {len(flux.invoice_ids)}",
        f"Factures rejetées : {len(flux.dp_errors)}",
    ]
    return ok(
        {
            "numeroFluxDepot": flux.number,
            "etatCourantFlux": flux.state,
            "dateDepotFlux": iso_millis(flux.deposited_at),  # as consulterCRDetaille writes it (GO: time.Time)
            "dateHeureEtatCourantFlux": iso_millis(flux.state_at or flux.deposited_at),
            "codeInterfaceFlux": interface,
            "codeAppliPartenaire": None,
            "designationPartenaire": call.supplier.name,
            "nomFichierFlux": f"{interface}_CPP001_{flux.number}",
            "fichierCR": receipt_pdf("Compte rendu de traitement de flux", lines),
        }
    )


def ajouter_fichier(call: Call) -> Reply:
    request = call.decode(t.AjouterFichierRequest)
    data = decode_file(request.piece_jointe_fichier)
    if len(data) > FILE_MAX_BYTES:
        raise ChorusFailure(
            FILE_TOO_LARGE, "La taille de la pièce jointe dépasse la taille maximale autorisée (10 Mo)."
        )
    if len(request.piece_jointe_nom) > ATTACHMENT_NAME_MAX:
        raise ChorusFailure(20003, f"Le nom de la pièce jointe dépasse {ATTACHMENT_NAME_MAX} caractères.")
    attachment = Attachment(
        call.state.next_attachment_id(), call.supplier.id, request.piece_jointe_nom, len(data), "fichier", data=data
    )
    call.state.add_attachment(attachment)
    return ok({"pieceJointeId": attachment.id})


def _listing(key: str, items: list[dict[str, Any]]) -> Handler:
    def handler(call: Call) -> Reply:
        return ok({key: items})

    return handler


VAT_RATES = [
    {"codeTauxTva": "TVA1", "libelleTauxTva": "Art 293B(FranchiseEnBase)", "valeurTauxTva": 0},
    {"codeTauxTva": "TVA2", "libelleTauxTva": "2,1 %", "valeurTauxTva": 2.1},
    {"codeTauxTva": "TVA3", "libelleTauxTva": "5,5 %", "valeurTauxTva": 5.5},
    {"codeTauxTva": "TVA4", "libelleTauxTva": "10 %", "valeurTauxTva": 10},
    {"codeTauxTva": "TVA20", "libelleTauxTva": "20 %", "valeurTauxTva": 20},
]
PAYMENT_MODES = [{"modePaiement": mode} for mode in ("CHEQUE", "PRELEVEMENT", "VIREMENT", "ESPECE", "AUTRE", "REPORT")]
FRAMES = [
    {"codeCadreFacturation": code}
    for code in (
        "A1_FACTURE_FOURNISSEUR",
        "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
        "A9_FACTURE_SOUSTRAITANT",
        "A12_FACTURE_COTRAITANT",
    )
]
CURRENCIES = [{"codeDevise": "EUR", "libelleDevise": "Euro"}, {"codeDevise": "USD", "libelleDevise": "Dollar US"}]
# Exactly the syntaxes deposer/flux accepts: a client that picks its syntaxeFlux from this list must not be refused.
FLUX_FORMATS = [{"formatFlux": name} for name in SYNTAXES]
# recuperer/modedepot: the piste-gouv-fr client's IModeDepot (ZMOG), in its order; GO's fixture shows the first two.
DEPOSIT_MODES = [
    {"modeDepot": mode}
    for mode in (
        "SAISIE_WEB",
        "PORTAIL_PDF",
        "EDI_XML_STRUCT",
        "EDI_MIXTE",
        "EDI_PDF_ARCHIVE",
        "SAISIE_PORTAIL",
        "SAISIE_API",
        "DEPOT_PDF_PORTAIL",
        "DEPOT_PDF_SIGNE_PORTAIL",
        "DEPOT_PDF_API",
        "DEPOT_PDF_SIGNE_API",
        "EDI",
        "UPLOAD_PORTAIL",
        "UPLOAD_API",
        "EDI_NUMERISATION",
    )
]
EXEMPTIONS = [
    {"codeMotifExonerationTva": "TVA_EXO_293B", "libelleMotifExonerationTva": "TVA non applicable, art. 293 B du CGI"},
    {"codeMotifExonerationTva": "TVA_EXO_261", "libelleMotifExonerationTva": "Exonération de TVA, art. 261 du CGI"},
]


def bank_accounts(call: Call) -> Reply:
    """``recuperer/coordbanc/valides``: the valid bank details of the caller's structure, or of the supplier a
    platform account deposits for."""
    request = call.decode(t.CoordonneesBancairesRequest)
    structure = call.state.directory.structures.get(request.id_structure)
    if structure is None or (structure.id != call.supplier.id and not call.supplier.deposits_for_others):
        raise ChorusFailure(20001, "GDP_MSG_11.008 - La structure est inconnue du systéme.")
    listed = [{"idCoordonneeBancaire": b.id, "nomCoordonneeBancaire": b.label} for b in structure.bank_accounts]
    return ok({"listeCoordonneeBancaire": listed})


def health_check() -> Reply:
    return json_reply(200, HEALTH_BODY)


HANDLERS: dict[str, Handler] = {
    paths.CONSULTER_CR_DETAILLE: consulter_cr_detaille,
    paths.CONSULTER_CR: consulter_cr,
    paths.AJOUTER_FICHIER: ajouter_fichier,
    paths.COORDONNEES_BANCAIRES: bank_accounts,
    paths.TAUX_TVA: _listing("listeTauxTva", VAT_RATES),
    paths.MODES_PAIEMENT: _listing("listeModePaiement", PAYMENT_MODES),
    paths.CADRES_FACTURATION: _listing("listeCadreFacturation", FRAMES),
    paths.DEVISES: _listing("listeDevises", CURRENCIES),
    paths.FORMATS_FLUX: _listing("listeFormatFlux", FLUX_FORMATS),
    paths.MOTIFS_EXONERATION: _listing("listeMotifsExonerationTva", EXEMPTIONS),
    paths.MODES_DEPOT: _listing("listeModeDepot", DEPOSIT_MODES),
}
