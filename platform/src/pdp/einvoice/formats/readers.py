"""Which reader a parsed XML document goes to, with the line-count cap applied before reading."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pdp.einvoice.findings import Finding, UnreadableDocument
from pdp.einvoice.formats import cii_read, ubl_read
from pdp.einvoice.model import Invoice

CII_TRANSACTION = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}SupplyChainTradeTransaction"
CII_LINE_PATH = (
    "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}SupplyChainTradeTransaction/"
    "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
    "IncludedSupplyChainTradeLineItem"
)
# ZUGFeRD 1.0 (2014) predates EN 16931: its CrossIndustryDocument is not CII D16B, and Chorus Pro does not take it.
ZUGFERD_1_ROOT = "{urn:ferd:CrossIndustryDocument:invoice:1p0}CrossIndustryDocument"
UBL_LINE_TAGS = (
    "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}InvoiceLine",
    "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}CreditNoteLine",
)


@dataclass(slots=True)
class ParsedXml:
    syntax: str  # "cii" or "ubl"
    profile: str | None
    invoice: Invoice
    findings: list[Finding] = field(default_factory=list)


def _too_many(count: int, max_lines: int) -> UnreadableDocument:
    return UnreadableDocument(
        "PDP-TOO-MANY-LINES",
        f"The invoice has {count} lines; at most {max_lines} are accepted.",
        f"La facture compte {count} lignes ; {max_lines} au plus sont acceptées.",
    )


def read_xml_invoice(root: Any, *, max_lines: int = 1000) -> ParsedXml:
    if cii_read.is_cii(root):
        # Counted before reading: a 50,000-line invoice is refused without building 50,000 lines. The transaction's
        # children bound the count from above, so an ordinary invoice is not counted at all (len() is C-level).
        if sum(len(part) for part in root.iterchildren(CII_TRANSACTION)) > max_lines:
            count = sum(1 for _ in root.iterfind(CII_LINE_PATH))
            if count > max_lines:
                raise _too_many(count, max_lines)
        invoice, gaps = cii_read.read_cii_with_gaps(root)
        # BT-24 as read is what profile_of would find again (the same first element of the same path).
        return ParsedXml("cii", invoice.specification_id, invoice, gaps)
    if ubl_read.is_ubl(root):
        if len(root) > max_lines:
            count = sum(1 for child in root if child.tag in UBL_LINE_TAGS)
            if count > max_lines:
                raise _too_many(count, max_lines)
        invoice = ubl_read.read_ubl(root)
        # BT-24 as read is what profile_of would find again (the first cbc:CustomizationID's text).
        return ParsedXml("ubl", invoice.specification_id, invoice)
    if root.tag == ZUGFERD_1_ROOT:
        raise UnreadableDocument(
            "PDP-ZUGFERD1-UNSUPPORTED",
            "ZUGFeRD 1.0 (CrossIndustryDocument) is not read: Chorus Pro accepts Factur-X 1.0 / ZUGFeRD 2.1 and later "
            "(CII D16B). Export the invoice as Factur-X.",
            "Le ZUGFeRD 1.0 (CrossIndustryDocument) n'est pas lu : Chorus Pro accepte le Factur-X 1.0 / ZUGFeRD 2.1 "
            "et suivants (CII D16B). Exportez la facture au format Factur-X.",
        )
    raise UnreadableDocument(
        "PDP-XML-NOT-INVOICE",
        "The XML document is neither a UBL 2.1 invoice or credit note nor a CII D16B invoice.",
        "Le document XML n'est ni une facture ou un avoir UBL 2.1 ni une facture CII D16B.",
    )
