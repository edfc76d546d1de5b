"""``/cpro/factures/v1/deposer/flux``, ``deposer/pdf`` and ``soumettre`` (docs/chorus-pro-api.md §3.1): how
invoices enter the emulator. A flux is answered at once and integrated later; ``soumettre`` is checked and
created synchronously, as Chorus answers it with the invoice's id and status."""

from __future__ import annotations

import base64
import binascii
import hashlib

from pdp.connectors.chorus_pro.sandbox.checks import Part, check_invoice
from pdp.connectors.chorus_pro.sandbox.clock import day
from pdp.connectors.chorus_pro.sandbox.directory import Structure
from pdp.connectors.chorus_pro.sandbox.integration import create_invoice, receive
from pdp.connectors.chorus_pro.sandbox.ledger import DepositedKey
from pdp.connectors.chorus_pro.sandbox.reading import DepositedInvoice
from pdp.connectors.chorus_pro.sandbox.replies import GCU_OK, BadRequest, Call, ChorusFailure, Reply, ok
from pdp.connectors.chorus_pro.sandbox.state import Attachment
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.einvoice.chorus_rules import FRAMES_NEEDING_VALIDATOR

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
# modePaiement → UNTDID 4461, so soumettre's invoices go through the same payment checks as a flux's.
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
    flux.data = data  # Chorus keeps the file: telecharger/groupe hands it back (sandbox/copies.py)
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
        call.state.next_attachment_id(), call.supplier.id, request.nom_fichier, len(data), "pdf", read, data
    )
    call.state.add_attachment(attachment)
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


def _read_date(call: Call, request: f.SoumettreRequest) -> str:
    """The invoice date of a ``soumettre`` that sends none (or ""), as PASTELL may: the date read from its main
    PDF at ``deposer/pdf``, else — the emulator's choice, no source says — the day of submission."""
    for piece in request.piece_jointe_principale:
        known = call.state.attachments.get(piece.piece_jointe_principale_id)
        if known is not None and known.read is not None and known.read.issue_date:
            return known.read.issue_date
    return day(call.state.now())


def _validator(call: Call, request: f.SoumettreRequest) -> Structure | None:
    """The validator a subcontractor's or co-contractor's invoice needs (``codeStructureValideur``, a SIRET: the
    piste-gouv-fr client's "Requires the validator" on A9 and A12); the refusal's code is the emulator's choice
    in soumettre's range (20303), its text too: no source shows Chorus's."""
    cadre = request.cadre_de_facturation
    siret = cadre.code_structure_valideur
    if cadre.code_cadre_facturation.split("_", 1)[0] not in FRAMES_NEEDING_VALIDATOR and not siret:
        return None
    validator = call.state.directory.by_siret.get(siret or "")
    if validator is None:
        raise ChorusFailure(
            SUBMIT_CODES["routing"],
            f"La structure valideuse est obligatoire pour le cadre {cadre.code_cadre_facturation} et doit être "
            f"référencée dans Chorus Pro ({siret or 'absente'}).",
        )
    return validator


def soumettre(call: Call) -> Reply:
    request = call.decode(f.SoumettreRequest)
    state = call.state
    named = state.directory.structures.get(request.fournisseur.id_fournisseur)
    # A platform account submits for the supplier it names; any other account only for its own structure.
    supplier = named if named is not None and call.supplier.deposits_for_others else call.supplier
    if request.fournisseur.id_fournisseur != supplier.id or supplier.public:
        raise ChorusFailure(
            SUBMIT_CODES["supplier"],
            f"Le fournisseur {request.fournisseur.id_fournisseur} n'est pas la structure du compte technique.",
        )
    for piece in request.piece_jointe_principale:
        known = state.attachments.get(piece.piece_jointe_principale_id)
        if known is None or known.owner not in (supplier.id, call.supplier.id):
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
        issue_date=request.date_facture or _read_date(call, request),
    )
    validator = _validator(call, request)
    duplicate = (supplier.id, request.numero_facture_saisi) in state.numbers
    problems = check_invoice(state.directory, supplier, read, duplicate=duplicate)
    if problems:
        raise ChorusFailure(SUBMIT_CODES[problems[0].part], " | ".join(p.message for p in problems))
    invoice = create_invoice(
        state, supplier, read, deposit_mode=request.mode_depot, flux_number=None, depositor=call.supplier
    )
    invoice.validator = validator
    # Its files, for telecharger/groupe: the main PDF, then the complementary attachments.
    invoice.attachment_ids = [piece.piece_jointe_principale_id for piece in request.piece_jointe_principale] + [
        piece.piece_jointe_complementaire_id for piece in request.piece_jointe_complementaire
    ]
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
