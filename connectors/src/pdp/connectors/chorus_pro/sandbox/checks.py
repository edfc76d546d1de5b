"""Chorus Pro's checks on one invoice (docs/chorus-pro-api.md §5, §6), with messages in Chorus's French.

Quoted messages are Chorus's own where the docs give them (supplier not referenced, payment means mandatory);
the others are written in the same register, since the AIFE error appendix is not public. Each problem says
which part it concerns, so ``soumettre`` can pick its error code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pdp.connectors.chorus_pro.sandbox.directory import Directory, Structure
from pdp.connectors.chorus_pro.sandbox.reading import DepositedInvoice
from pdp.einvoice.chorus_rules import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_NAME_MAX,
    ATTACHMENTS_TOTAL_MAX_BYTES,
    CREDIT_TRANSFER_MEANS,
    ENGAGEMENT_MAX,
    FRAMES,
    NUMBER_CHARS,
    NUMBER_MAX,
    RESERVED_SERVICE,
    extension,
)

Part = Literal["supplier", "number", "routing", "payment", "attachment"]

# The elements Chorus names in its messages; the CPPFactureMixte ones follow the same dotted style (no message
# quoting them is known).
SUPPLIER_TAGS = {
    "ubl": "AccountingSupplierParty.Party.PartyIdentification.ID.value",
    "cii": "SupplyChainTradeTransaction.ApplicableHeaderTradeAgreement.SellerTradeParty."
    "SpecifiedLegalOrganization.ID.value",
    "cpp": "CPPFactureMixteUnitaire.Fournisseur.Identifiant.value",
}
PAYMENT_MEANS_TAGS = {
    "ubl": "FichierXml.PaymentMeans.PaymentMeansCode.value",
    "cii": "FichierXml.SupplyChainTradeTransaction.ApplicableHeaderTradeSettlement."
    "SpecifiedTradeSettlementPaymentMeans.TypeCode.value",
    "cpp": "FichierXml.CPPFactureMixteUnitaire.DonneesFacture.ModePaiement.Code.value",
}


@dataclass(frozen=True, slots=True)
class Problem:
    part: Part
    message: str


def check_invoice(
    directory: Directory, depositor: Structure, invoice: DepositedInvoice, *, duplicate: bool
) -> list[Problem]:
    """Every reason Chorus would refuse ``invoice`` deposited by ``depositor`` (empty: it integrates)."""
    problems: list[Problem] = []
    family = invoice.syntax if invoice.syntax in ("ubl", "cpp") else "cii"
    supplier = directory.by_siret.get(invoice.supplier_siret or "")
    if supplier is None or supplier.public:
        problems.append(
            Problem(
                "supplier",
                f"L'identifiant fournisseur de la demande de paiement (balise : {SUPPLIER_TAGS[family]}) "
                "n'est pas reference dans notre systeme.",
            )
        )
    elif supplier.id != depositor.id and not depositor.deposits_for_others:
        problems.append(
            Problem(
                "supplier",
                f"Le fournisseur {supplier.siret} de la demande de paiement n'est pas la structure du compte "
                "technique qui a déposé le flux.",
            )
        )
    problems += _number(invoice.number, duplicate)
    recipient = directory.by_siret.get(invoice.recipient_siret or "")
    problems += _recipient(invoice.recipient_siret, recipient)
    if recipient is not None and recipient.public and recipient.active:
        problems += _routing(recipient, invoice.service_code, invoice.engagement_number)
    if invoice.billing_frame and invoice.billing_frame not in FRAMES:
        problems.append(
            Problem("routing", f"Le cadre de facturation {invoice.billing_frame} n'est pas valide (A1 à A25 attendu).")
        )
    problems += _payment(invoice, family)
    problems += _attachments(invoice)
    return problems


def _number(number: str | None, duplicate: bool) -> list[Problem]:
    if not number:
        return [Problem("number", "Le numéro de la demande de paiement est obligatoire.")]
    if len(number) > NUMBER_MAX or not NUMBER_CHARS.match(number):
        return [
            Problem(
                "number",
                f"Le numéro de facture {number} n'est pas conforme (règle G1.05) : {NUMBER_MAX} caractères au plus, "
                "lettres, chiffres et - _ / + uniquement.",
            )
        ]
    if duplicate:
        return [Problem("number", f"La facture {number} a déjà été déposée par ce fournisseur (doublon).")]
    return []


def _recipient(siret: str | None, recipient: Structure | None) -> list[Problem]:
    if not siret:
        return [Problem("routing", "L'identifiant du destinataire de la demande de paiement est obligatoire.")]
    if not (len(siret) == 14 and siret.isdigit()):
        return [Problem("routing", f"L'identifiant du destinataire {siret} doit être un SIRET de 14 chiffres.")]
    if recipient is None or not recipient.public or not recipient.active:
        return [Problem("routing", f"Le destinataire {siret} est introuvable ou inactif dans Chorus Pro.")]
    return []


def _routing(recipient: Structure, service_code: str | None, engagement: str | None) -> list[Problem]:
    problems: list[Problem] = []
    service = recipient.service(service_code) if service_code else None
    if service_code and (service is None or service_code == RESERVED_SERVICE):
        problems.append(
            Problem(
                "routing", f"Le service exécutant {service_code} n'existe pas pour le destinataire {recipient.siret}."
            )
        )
    elif service is not None and not service.active:
        problems.append(
            Problem("routing", f"Le service exécutant {service_code} du destinataire {recipient.siret} est inactif.")
        )
    # gestionNumeroEJOuCodeService takes precedence over the two single flags (OCA derives it first).
    if recipient.engagement_or_service_required:
        if not service_code and not engagement:
            problems.append(
                Problem(
                    "routing",
                    "Le numéro d'engagement juridique ou le code du service exécutant est obligatoire pour ce "
                    "destinataire.",
                )
            )
    else:
        if recipient.service_code_required and not service_code:
            problems.append(Problem("routing", "Le code du service exécutant est obligatoire pour ce destinataire."))
        if recipient.engagement_required and not engagement:
            problems.append(
                Problem("routing", "Le numéro d'engagement juridique est obligatoire pour ce destinataire.")
            )
    if service is not None and service.engagement_required and not engagement:
        problems.append(
            Problem(
                "routing", f"Le numéro d'engagement juridique est obligatoire pour le service exécutant {service.code}."
            )
        )
    if engagement and len(engagement) > ENGAGEMENT_MAX:
        problems.append(Problem("routing", f"Le numéro d'engagement juridique dépasse {ENGAGEMENT_MAX} caractères."))
    return problems


def _payment(invoice: DepositedInvoice, family: str) -> list[Problem]:
    means = invoice.payment_means_code
    if invoice.is_credit_note:
        if means:
            return [Problem("payment", "Un avoir ne doit pas comporter de moyen de paiement.")]
        return []
    if not means and invoice.syntax == "pdf":
        return [Problem("payment", "Le mode de paiement de la facture est obligatoire.")]
    if not means:
        return [Problem("payment", f"L'element {PAYMENT_MEANS_TAGS[family]} est obligatoire.")]
    if means in CREDIT_TRANSFER_MEANS and not invoice.iban:
        return [
            Problem(
                "payment",
                f"Les coordonnées bancaires (IBAN) du fournisseur sont obligatoires pour le moyen de paiement "
                f"{means} (virement).",
            )
        ]
    return []


def _attachments(invoice: DepositedInvoice) -> list[Problem]:
    problems: list[Problem] = []
    for attachment in invoice.attachments:
        name = attachment.filename or ""
        if attachment.size > ATTACHMENT_MAX_BYTES:
            problems.append(Problem("attachment", f"La pièce jointe {name} dépasse la taille maximale de 10 Mo."))
        if len(name) > ATTACHMENT_NAME_MAX:
            problems.append(
                Problem(
                    "attachment", f"Le nom de la pièce jointe {name[:20]}… dépasse {ATTACHMENT_NAME_MAX} caractères."
                )
            )
        if extension(name) not in ATTACHMENT_EXTENSIONS:
            problems.append(Problem("attachment", f"L'extension de la pièce jointe {name} n'est pas autorisée."))
    if sum(attachment.size for attachment in invoice.attachments) > ATTACHMENTS_TOTAL_MAX_BYTES:
        problems.append(Problem("attachment", "La facture et ses pièces jointes dépassent 120 Mo."))
    return problems
