"""The Chorus Pro layer: what Chorus would reject that EN 16931 allows.

Routing (recipient SIRET, service code, engagement number, billing frame) is read as Chorus reads it
(chorus_routing). Checks that need the recipients directory run only when one is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.fr import siret as siret_number

from pdp.einvoice.chorus_rules import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_NAME_MAX,
    ATTACHMENTS_TOTAL_MAX_BYTES,
    CREDIT_TRANSFER_MEANS,
    ENGAGEMENT_MAX,
    FRAMES,
    FRAMES_NEEDING_VALIDATOR,
    NUMBER_CHARS,
    NUMBER_MAX,
    RESERVED_SERVICE,
    extension,
)
from pdp.einvoice.findings import Finding, finding
from pdp.einvoice.model import ChorusRouting, Invoice
from pdp.einvoice.validation.brfr import BILLING_MODES as B2B_BILLING_MODES
from pdp.einvoice.validation.chorus_routing import VALIDATOR_FIELD, resolve_routing

# The reform's B2B billing modes (BR-FR-08) share BT-23 with Chorus's frames but mean something else.
_B2B_MODE_HINT = " (it is a billing mode of the B2B reform, which Chorus Pro does not read)"
_B2B_MODE_HINT_FR = " (c'est un mode de facturation de la réforme B2B, que Chorus Pro ne lit pas)"


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    code: str
    active: bool = True
    engagement_required: bool = False


@dataclass(frozen=True, slots=True)
class RecipientInfo:
    """A public structure as Chorus's directory describes it (structures/v1/consulter)."""

    siret: str
    active: bool = True
    service_code_required: bool = False
    engagement_required: bool = False
    engagement_or_service_required: bool = False
    services: dict[str, ServiceInfo] = field(default_factory=dict)


class RecipientDirectory(Protocol):
    def lookup(self, siret: str) -> RecipientInfo | None: ...


def _fail(findings: list[Finding], rule: str, en: str, fr: str, bt: str | None = None) -> None:
    findings.append(finding(rule, "error", en, fr, bt=bt))


@lru_cache(maxsize=4096)
def _is_iban(account: str) -> bool:
    # A provider deposits many invoices to the same account: schwifty's parse is worth remembering.
    try:
        IBAN(account)
    except SchwiftyException:
        return False
    return True


@lru_cache(maxsize=4096)
def _is_siret(value: str) -> bool:
    return bool(siret_number.is_valid(value))


def _check_siret(findings: list[Finding], value: str | None, who: str, qui: str, *, rule: str, bt: str) -> None:
    if not value:
        _fail(
            findings,
            f"{rule}-MISSING",
            f"The {who} SIRET is missing (give it in the metadata or the document).",
            f"Le SIRET {qui} est absent (à fournir dans les métadonnées ou le document).",
            bt,
        )
    elif not _is_siret(value):
        _fail(
            findings,
            f"{rule}-INVALID",
            f"The {who} SIRET '{value}' is not valid.",
            f"Le SIRET {qui} « {value} » n'est pas valide.",
            bt,
        )


def validate_chorus(
    invoice: Invoice,
    *,
    directory: RecipientDirectory | None = None,
    is_duplicate: Callable[[str, str], bool] | None = None,
) -> list[Finding]:
    findings: list[Finding] = []
    routing = resolve_routing(invoice)
    _check_siret(
        findings, routing.supplier_siret, "supplier", "du fournisseur", rule="CHORUS-SUPPLIER-SIRET", bt="BT-30"
    )
    _check_siret(
        findings, routing.recipient_siret, "recipient", "du destinataire", rule="CHORUS-RECIPIENT-SIRET", bt="BT-47"
    )
    number = invoice.number or ""
    if len(number) > NUMBER_MAX:
        _fail(
            findings,
            "CHORUS-NUMBER-LENGTH",
            f"The invoice number exceeds {NUMBER_MAX} characters.",
            f"Le numéro de facture dépasse {NUMBER_MAX} caractères.",
            "BT-1",
        )
    if number and not NUMBER_CHARS.match(number):
        _fail(
            findings,
            "CHORUS-NUMBER-CHARS",
            "The invoice number may only contain letters, digits and - _ / +.",
            "Le numéro de facture ne peut contenir que des lettres, des chiffres et - _ / +.",
            "BT-1",
        )
    if routing.engagement_number and len(routing.engagement_number) > ENGAGEMENT_MAX:
        _fail(
            findings,
            "CHORUS-ENGAGEMENT-LENGTH",
            f"The engagement number exceeds {ENGAGEMENT_MAX} characters.",
            f"Le numéro d'engagement dépasse {ENGAGEMENT_MAX} caractères.",
            "BT-13",
        )
    frame = routing.billing_frame or ""
    if frame not in FRAMES:
        _fail(
            findings,
            "CHORUS-FRAME-INVALID",
            f"The billing frame (BT-23) '{frame}' is not one of A1 to A25, the only values Chorus Pro accepts"
            f"{_B2B_MODE_HINT if frame in B2B_BILLING_MODES else ''}. Write A1 (a supplier's invoice) or the "
            "frame that applies in BT-23.",
            f"Le cadre de facturation (BT-23) « {frame} » n'est pas l'un de A1 à A25, seules valeurs acceptées "
            f"par Chorus Pro{_B2B_MODE_HINT_FR if frame in B2B_BILLING_MODES else ''}. Indiquez A1 (facture de "
            "fournisseur) ou le cadre applicable dans BT-23.",
            "BT-23",
        )
    elif frame in FRAMES_NEEDING_VALIDATOR and not routing.validator_siret:
        _fail(
            findings,
            "CHORUS-VALIDATOR-REQUIRED",
            f"Billing frame {frame} requires a validator structure (the main contractor or the co-contractors' "
            f"representative): Chorus Pro takes it as {VALIDATOR_FIELD} with an invoice submitted from its PDF. "
            "Deposit the invoice's PDF with validator_siret in the metadata.",
            f"Le cadre de facturation {frame} exige une structure valideuse (le titulaire du marché ou le mandataire "
            f"des cotraitants) : Chorus Pro la reçoit en {VALIDATOR_FIELD} avec une facture soumise depuis son PDF. "
            "Déposez le PDF de la facture avec validator_siret dans les métadonnées.",
        )
    if routing.validator_siret and not _is_siret(routing.validator_siret):
        _fail(
            findings,
            "CHORUS-VALIDATOR-SIRET-INVALID",
            f"The validator's SIRET '{routing.validator_siret}' is not a valid SIRET.",
            f"Le SIRET du valideur « {routing.validator_siret} » n'est pas un SIRET valide.",
        )
    if routing.service_code == RESERVED_SERVICE:
        _fail(
            findings,
            "CHORUS-SERVICE-RESERVED",
            f"The service code {RESERVED_SERVICE} is reserved for invoices between public entities.",
            f"Le code service {RESERVED_SERVICE} est réservé aux factures entre entités publiques.",
            "BT-10",
        )
    _check_payment(findings, invoice)
    _check_attachments(findings, invoice)
    if directory is not None and routing.recipient_siret:
        _check_directory(findings, directory, routing)
    if is_duplicate is not None and routing.supplier_siret and number and is_duplicate(routing.supplier_siret, number):
        _fail(
            findings,
            "CHORUS-DUPLICATE-NUMBER",
            "This supplier already deposited an invoice with this number.",
            "Ce fournisseur a déjà déposé une facture portant ce numéro.",
            "BT-1",
        )
    return findings


def _check_payment(findings: list[Finding], invoice: Invoice) -> None:
    payment = invoice.payment
    if invoice.is_credit_note:
        if payment is not None and payment.means_code:
            _fail(
                findings,
                "CHORUS-PAYMENT-ON-CREDIT-NOTE",
                "A credit note must not carry payment means.",
                "Un avoir ne doit pas comporter de moyen de paiement.",
                "BT-81",
            )
        return
    if payment is None or not payment.means_code:
        _fail(
            findings,
            "CHORUS-PAYMENT-MEANS-REQUIRED",
            "Chorus Pro requires payment means on an invoice.",
            "Chorus Pro exige un moyen de paiement sur une facture.",
            "BT-81",
        )
        return
    if payment.means_code in CREDIT_TRANSFER_MEANS:
        accounts = [ct.account_id for ct in payment.credit_transfers if ct.account_id]
        if not accounts:
            _fail(
                findings,
                "CHORUS-IBAN-REQUIRED",
                "A credit transfer requires the supplier's IBAN.",
                "Un virement exige l'IBAN du fournisseur.",
                "BT-84",
            )
        for account in accounts:
            if not _is_iban(account):
                _fail(
                    findings,
                    "CHORUS-IBAN-INVALID",
                    f"'{account}' is not a valid IBAN (Chorus accepts IBANs only).",
                    f"« {account} » n'est pas un IBAN valide (Chorus n'accepte que des IBAN).",
                    "BT-84",
                )


def _check_attachments(findings: list[Finding], invoice: Invoice) -> None:
    """Chorus's limits on attached documents (BG-24): allowed extensions, name length, sizes."""
    embedded = [a for a in invoice.attachments if a.content is not None]
    for attachment in embedded:
        name = attachment.filename or ""
        if len(attachment.content or b"") > ATTACHMENT_MAX_BYTES:
            _fail(
                findings,
                "CHORUS-ATTACHMENT-SIZE",
                f"The attachment {name} exceeds Chorus Pro's 10 MB.",
                f"La pièce jointe {name} dépasse les 10 Mo de Chorus Pro.",
                "BT-125",
            )
        if len(name) > ATTACHMENT_NAME_MAX:
            _fail(
                findings,
                "CHORUS-ATTACHMENT-NAME",
                f"The attachment name {name[:20]}… exceeds {ATTACHMENT_NAME_MAX} characters.",
                f"Le nom de la pièce jointe {name[:20]}… dépasse {ATTACHMENT_NAME_MAX} caractères.",
                "BT-125",
            )
        if extension(name) not in ATTACHMENT_EXTENSIONS:
            _fail(
                findings,
                "CHORUS-ATTACHMENT-TYPE",
                f"Chorus Pro does not accept the attachment {name!r}: its extension is not on Chorus's list "
                "(pdf, xml, png, jpg, docx, xlsx, zip…).",
                f"Chorus Pro n'accepte pas la pièce jointe « {name} » : son extension n'est pas dans sa liste "
                "(pdf, xml, png, jpg, docx, xlsx, zip…).",
                "BT-125",
            )
    if sum(len(a.content or b"") for a in embedded) > ATTACHMENTS_TOTAL_MAX_BYTES:
        _fail(
            findings,
            "CHORUS-ATTACHMENTS-TOTAL",
            "The invoice and its attachments exceed Chorus Pro's 120 MB.",
            "La facture et ses pièces jointes dépassent les 120 Mo de Chorus Pro.",
            "BG-24",
        )


def _check_directory(findings: list[Finding], directory: RecipientDirectory, routing: ChorusRouting) -> None:
    assert routing.recipient_siret is not None
    findings += recipient_findings(routing, directory.lookup(routing.recipient_siret))


def recipient_findings(routing: ChorusRouting, recipient: RecipientInfo | None) -> list[Finding]:
    """What the directory says about this routing: unknown or inactive recipient, missing service or EJ."""
    findings: list[Finding] = []
    if recipient is None:
        _fail(
            findings,
            "CHORUS-RECIPIENT-UNKNOWN",
            "The recipient SIRET is not a structure known to Chorus Pro.",
            "Le SIRET destinataire n'est pas une structure connue de Chorus Pro.",
            "BT-47",
        )
        return findings
    if not recipient.active:
        _fail(
            findings,
            "CHORUS-RECIPIENT-INACTIVE",
            "The recipient structure is not active in Chorus Pro.",
            "La structure destinataire n'est pas active dans Chorus Pro.",
            "BT-47",
        )
    service_code, engagement = routing.service_code, routing.engagement_number
    if recipient.service_code_required and not service_code:
        _fail(
            findings,
            "CHORUS-SERVICE-REQUIRED",
            "The recipient requires a service code.",
            "Le destinataire exige un code service.",
            "BT-10",
        )
    if recipient.engagement_required and not engagement:
        _fail(
            findings,
            "CHORUS-ENGAGEMENT-REQUIRED",
            "The recipient requires an engagement number.",
            "Le destinataire exige un numéro d'engagement.",
            "BT-13",
        )
    if recipient.engagement_or_service_required and not (engagement or service_code):
        _fail(
            findings,
            "CHORUS-ENGAGEMENT-OR-SERVICE-REQUIRED",
            "The recipient requires an engagement number or a service code.",
            "Le destinataire exige un numéro d'engagement ou un code service.",
            "BT-13",
        )
    if service_code and recipient.services:
        service = recipient.services.get(service_code)
        if service is None:
            _fail(
                findings,
                "CHORUS-SERVICE-UNKNOWN",
                f"The service code '{service_code}' is unknown to the recipient.",
                f"Le code service « {service_code} » est inconnu du destinataire.",
                "BT-10",
            )
        elif not service.active:
            _fail(
                findings,
                "CHORUS-SERVICE-INACTIVE",
                f"The service '{service_code}' is not active.",
                f"Le service « {service_code} » n'est pas actif.",
                "BT-10",
            )
        elif service.engagement_required and not engagement:
            _fail(
                findings,
                "CHORUS-ENGAGEMENT-REQUIRED",
                f"The service '{service_code}' requires an engagement number.",
                f"Le service « {service_code} » exige un numéro d'engagement.",
                "BT-13",
            )
    return findings
