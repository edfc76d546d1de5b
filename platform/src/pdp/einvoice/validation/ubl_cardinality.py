"""The UBL syntax binding's cardinality rules (EN 16931-3-2): a term EN 16931 allows once, written more often.

UBL's schema lets many elements repeat that carry a 0..1 EN 16931 term (cac:Delivery, cbc:Note of a line, a price's
cac:AllowanceCharge…). The CEN UBL artefact refuses such a document with its syntax rules UBL-SR-xx ("… shall occur
maximum once", flagged fatal); pdp's model reads the first copy, so without these rules it would accept a document
the standard refuses. Each rule here is the artefact's own count, in XPath 1.0 (``upper-case`` written with
``translate``), under the artefact's id; ``tests/invoices/validation/test_ubl_cardinality.py`` checks each one
against the artefact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from pdp.einvoice.findings import Finding, finding

_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_VAT = "cac:TaxScheme/cbc:ID[translate(., 'vat', 'VAT') = 'VAT']"
_NOT_VAT = "cac:TaxScheme/cbc:ID[translate(., 'vat', 'VAT') != 'VAT']"
_SEPA = "translate(@schemeID, 'sepa', 'SEPA') = 'SEPA'"
_ROOT = "."
# The artefact's rule contexts match wherever the element stands; these are the places EN 16931 puts them (a
# search of the whole tree per rule would cost more than the rest of the checks).
_LINES = "cac:InvoiceLine | cac:CreditNoteLine"
_ALLOWANCES = (
    "cac:AllowanceCharge{0} | cac:InvoiceLine/cac:AllowanceCharge{0} | cac:CreditNoteLine/cac:AllowanceCharge{0}"
)
_FALSE = "[normalize-space(cbc:ChargeIndicator) = 'false' or normalize-space(cbc:ChargeIndicator) = '0']"
_TRUE = "[normalize-space(cbc:ChargeIndicator) = 'true' or normalize-space(cbc:ChargeIndicator) = '1']"


@dataclass(frozen=True, slots=True)
class _Cardinality:
    rule: str
    context: str  # XPath from the root to each element the count is made in
    counted: str  # XPath from the context
    term: str  # what is repeated, in English
    term_fr: str
    most: int = 1


_RULES = (
    _Cardinality(
        "UBL-SR-01", _ROOT, "cac:ContractDocumentReference/cbc:ID", "Contract identifier", "L'identifiant de contrat"
    ),
    _Cardinality(
        "UBL-SR-02",
        _ROOT,
        "cac:ReceiptDocumentReference/cbc:ID",
        "Receive advice identifier",
        "L'identifiant d'avis de réception",
    ),
    _Cardinality(
        "UBL-SR-03",
        _ROOT,
        "cac:DespatchDocumentReference/cbc:ID",
        "Despatch advice identifier",
        "L'identifiant d'avis d'expédition",
    ),
    _Cardinality(
        "UBL-SR-04",
        _ROOT,
        "cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID",
        "Invoiced object identifier",
        "L'identifiant d'objet facturé",
    ),
    _Cardinality("UBL-SR-05", _ROOT, "cac:PaymentTerms/cbc:Note", "Payment terms", "Les conditions de paiement"),
    _Cardinality("UBL-SR-08", _ROOT, "cac:InvoicePeriod", "Invoice period", "La période de facturation"),
    _Cardinality(
        "UBL-SR-09",
        _ROOT,
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "Seller name",
        "Le nom du vendeur",
    ),
    _Cardinality(
        "UBL-SR-10",
        _ROOT,
        "cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name",
        "Seller trading name",
        "Le nom commercial du vendeur",
    ),
    _Cardinality(
        "UBL-SR-11",
        _ROOT,
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
        "Seller legal registration identifier",
        "L'identifiant d'immatriculation du vendeur",
    ),
    _Cardinality(
        "UBL-SR-12",
        _ROOT,
        f"cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme[{_VAT}]/cbc:CompanyID",
        "Seller VAT identifier",
        "Le numéro de TVA du vendeur",
    ),
    _Cardinality(
        "UBL-SR-13",
        _ROOT,
        f"cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme[{_NOT_VAT}]/cbc:CompanyID",
        "Seller tax registration",
        "L'identifiant fiscal du vendeur",
    ),
    _Cardinality(
        "UBL-SR-14",
        _ROOT,
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm",
        "Seller additional legal information",
        "Les informations juridiques du vendeur",
    ),
    _Cardinality(
        "UBL-SR-15",
        _ROOT,
        "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "Buyer name",
        "Le nom de l'acheteur",
    ),
    _Cardinality(
        "UBL-SR-16",
        _ROOT,
        "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
        "Buyer identifier",
        "L'identifiant de l'acheteur",
    ),
    _Cardinality(
        "UBL-SR-17",
        _ROOT,
        "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
        "Buyer legal registration identifier",
        "L'identifiant d'immatriculation de l'acheteur",
    ),
    _Cardinality(
        "UBL-SR-18",
        _ROOT,
        f"cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme[{_VAT}]/cbc:CompanyID",
        "Buyer VAT identifier",
        "Le numéro de TVA de l'acheteur",
    ),
    _Cardinality("UBL-SR-24", _ROOT, "cac:Delivery", "Deliver to information", "Les informations de livraison"),
    _Cardinality(
        "UBL-SR-29",
        _ROOT,
        f"*/cac:Party/cac:PartyIdentification/cbc:ID[{_SEPA}] | cac:PayeeParty/cac:PartyIdentification/cbc:ID[{_SEPA}]",
        "Bank creditor reference",
        "L'identifiant de créancier SEPA",
    ),
    _Cardinality("UBL-SR-39", _ROOT, "cac:ProjectReference/cbc:ID", "Project reference", "La référence de projet"),
    _Cardinality(
        "UBL-SR-40",
        _ROOT,
        "cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name",
        "Buyer trade name",
        "Le nom commercial de l'acheteur",
    ),
    _Cardinality("UBL-SR-45", _ROOT, "cac:PaymentMeans/cbc:PaymentDueDate", "Due date", "La date d'échéance"),
    _Cardinality(
        "UBL-SR-46",
        _ROOT,
        "cac:PaymentMeans/cbc:PaymentMeansCode/@name",
        "Payment means text",
        "Le libellé du moyen de paiement",
    ),
    _Cardinality(
        "UBL-SR-49",
        _ROOT,
        "cac:InvoicePeriod/cbc:DescriptionCode",
        "Value tax point date code",
        "Le code de date d'exigibilité de la TVA",
    ),
    _Cardinality(
        "UBL-SR-54", _ROOT, "cac:PaymentMeans/cac:CardAccount", "Payment card account", "Le compte de carte de paiement"
    ),
    _Cardinality(
        "UBL-SR-55", _ROOT, "cac:PaymentMeans/cac:PaymentMandate", "Payment mandate", "Le mandat de prélèvement"
    ),
    _Cardinality(
        "UBL-SR-56",
        _ROOT,
        "cac:OriginatorDocumentReference/cbc:ID",
        "Originator document reference identifier",
        "La référence du document d'origine",
    ),
    _Cardinality(
        "UBL-SR-42",
        "cac:AccountingSupplierParty/cac:Party",
        "cac:PartyTaxScheme",
        "Seller party tax scheme",
        "Le régime fiscal du vendeur",
        most=2,
    ),
    _Cardinality(
        "UBL-SR-33",
        "cac:AdditionalDocumentReference",
        "cbc:DocumentDescription",
        "Supporting document description",
        "La description du justificatif",
    ),
    _Cardinality(
        "UBL-SR-25",
        "cac:Delivery | cac:InvoiceLine/cac:Delivery | cac:CreditNoteLine/cac:Delivery",
        "cac:DeliveryParty/cac:PartyName/cbc:Name",
        "Deliver to party name",
        "Le nom du lieu de livraison",
    ),
    _Cardinality(
        "UBL-SR-30",
        _ALLOWANCES.format(_FALSE),
        "cbc:AllowanceChargeReason",
        "Document level allowance reason",
        "Le motif de la remise",
    ),
    _Cardinality(
        "UBL-SR-31",
        _ALLOWANCES.format(_TRUE),
        "cbc:AllowanceChargeReason",
        "Document level charge reason",
        "Le motif des frais",
    ),
    _Cardinality("UBL-SR-34", _LINES, "cbc:Note", "Invoice line note", "La note de ligne"),
    _Cardinality(
        "UBL-SR-35",
        _LINES,
        "cac:OrderLineReference/cbc:LineID",
        "Referenced purchase order line identifier",
        "La référence de ligne de commande",
    ),
    _Cardinality("UBL-SR-36", _LINES, "cac:InvoicePeriod", "Invoice line period", "La période de la ligne"),
    _Cardinality(
        "UBL-SR-37", _LINES, "cac:Price/cac:AllowanceCharge/cbc:Amount", "Item price discount", "Le rabais sur le prix"
    ),
    _Cardinality("UBL-SR-50", _LINES, "cac:Item/cbc:Description", "Item description", "La description de l'article"),
    _Cardinality("UBL-SR-52", _LINES, "cac:DocumentReference", "Document reference", "La référence de document"),
    _Cardinality("UBL-SR-26", "cac:PaymentMeans", "cbc:PaymentID", "Payment reference", "La référence de paiement"),
    _Cardinality(
        "UBL-SR-27", "cac:PaymentMeans", "cbc:PaymentMeansCode", "Payment means code", "Le code du moyen de paiement"
    ),
    _Cardinality(
        "UBL-SR-28",
        "cac:PaymentMeans",
        "cac:PaymentMandate/cbc:ID",
        "Mandate reference identifier",
        "La référence du mandat",
    ),
    _Cardinality(
        "UBL-SR-06",
        "cac:BillingReference",
        "cac:InvoiceDocumentReference",
        "Preceding invoice reference",
        "La référence de facture antérieure",
    ),
    _Cardinality(
        "UBL-SR-22",
        "cac:TaxRepresentativeParty",
        "cac:PartyName/cbc:Name",
        "Seller tax representative name",
        "Le nom du représentant fiscal",
    ),
    _Cardinality(
        "UBL-SR-23",
        "cac:TaxRepresentativeParty",
        "cac:PartyTaxScheme/cbc:CompanyID",
        "Seller tax representative VAT identifier",
        "Le numéro de TVA du représentant fiscal",
    ),
    _Cardinality(
        "UBL-SR-32",
        "cac:TaxTotal/cac:TaxSubtotal",
        "cac:TaxCategory/cbc:TaxExemptionReason",
        "VAT exemption reason text",
        "Le motif d'exonération",
    ),
)
_COMPILED = tuple(
    (rule, etree.XPath(rule.context, namespaces=_NS), etree.XPath(f"count({rule.counted})", namespaces=_NS))
    for rule in _RULES
)
# One test for the usual document, which repeats none of these: only when it finds a repetition are the rules run
# one by one, to name each.


def _any_repeated() -> str:
    """One XPath for every rule, the rules of one context tested in one pass over its elements."""
    by_context: dict[str, list[str]] = {}
    for rule in _RULES:
        by_context.setdefault(rule.context, []).append(f"count({rule.counted}) > {rule.most}")
    tests = [
        " or ".join(conditions) if context == _ROOT else f"({context})[{' or '.join(conditions)}]"
        for context, conditions in by_context.items()
    ]
    return " or ".join(tests)


_ANY = etree.XPath(_any_repeated(), namespaces=_NS)


def check_ubl_cardinality(root: Any) -> list[Finding]:
    """A fatal finding per UBL-SR rule the document breaks (a term written more often than the binding allows)."""
    if not _ANY(root):
        return []
    found: list[Finding] = []
    for rule, contexts, count in _COMPILED:
        for context in contexts(root):
            written = int(count(context))
            if written > rule.most:
                times = "once" if rule.most == 1 else f"{rule.most} times"
                times_fr = "une fois" if rule.most == 1 else f"{rule.most} fois"
                found.append(
                    finding(
                        rule.rule,
                        "fatal",
                        f"{rule.term} is written {written} times; the UBL binding of EN 16931 allows it {times}.",
                        f"{rule.term_fr} figure {written} fois ; la syntaxe UBL d'EN 16931 ne l'admet que {times_fr}.",
                        xpath=context.getroottree().getpath(context),
                    )
                )
                break  # one finding per rule is enough to name it
    return found
