"""Write an Invoice as UN/CEFACT CII D16B in the Factur-X EN 16931 profile (element order of its XSD).

The writer expects a validated invoice and is faithful rather than helpful: it writes what the model holds and
invents nothing, so a term the model lacks (None) is simply not written, and an invoice missing EN 16931 mandatory
data (no line, no VAT breakdown, an address without country…) gives a document the XSD refuses, as the business
rules refuse the model. Two CII requirements with no model counterpart take the values the EN 16931 syntax binding
prescribes: the tax scheme ``VAT`` and the project name (``Project reference``: BT-11 has no name in EN 16931).

The header (document, agreement, delivery, settlement) is written here, the line items by :mod:`cii_write_lines`,
both with the element builders of :mod:`cii_write_values`.
"""

from __future__ import annotations

import base64
import re

from lxml import etree

from pdp.einvoice.formats.cii_read import (
    ATTACHMENT_DOC,
    EN16931_PROFILE,
    INVOICED_OBJECT_DOC,
    NSMAP,
    RSM,
    TENDER_DOC,
    VAT_POINT_TO_CII,
)
from pdp.einvoice.formats.cii_write_lines import _line
from pdp.einvoice.formats.cii_write_values import (
    _VAT,
    Element,
    _allowance_charge,
    _amount,
    _date,
    _identifiers,
    _period,
    _reference,
    _sub,
    _text,
)
from pdp.einvoice.model import Address, Contact, CreditTransfer, Invoice, Party, Payment, Totals

_ROOT = f"{{{RSM}}}CrossIndustryInvoice"
_PROJECT_NAME = "Project reference"
# An IBAN once spaces are removed: country, check digits, 11 to 30 alphanumerics. Anything else is ProprietaryID.
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def write_cii(invoice: Invoice, *, profile: str = EN16931_PROFILE) -> bytes:
    """The invoice as a CII D16B document (UTF-8, with XML declaration, pretty printed).

    ``profile`` is written as BT-24; the invoice's own ``specification_id`` is not, because the document written is
    in the EN 16931 profile whatever the source was (pass ``profile=invoice.specification_id`` to keep a CIUS URN).
    A text holding characters XML cannot carry (control characters) raises ``ValueError``.
    """
    root = etree.Element(_ROOT, nsmap=NSMAP)
    context = etree.SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
    if invoice.process_type is not None:
        _text(_sub(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", invoice.process_type)
    _text(_sub(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", profile)
    _document(etree.SubElement(root, f"{{{RSM}}}ExchangedDocument"), invoice)
    transaction = etree.SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for line in invoice.lines:
        _line(_sub(transaction, "IncludedSupplyChainTradeLineItem"), line)
    _agreement(_sub(transaction, "ApplicableHeaderTradeAgreement"), invoice)
    _delivery(_sub(transaction, "ApplicableHeaderTradeDelivery"), invoice)
    _settlement(_sub(transaction, "ApplicableHeaderTradeSettlement"), invoice)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# --- header -------------------------------------------------------------------------------------------------------


def _document(element: Element, invoice: Invoice) -> None:
    _text(element, "ID", invoice.number)
    _text(element, "TypeCode", invoice.type_code)
    _date(element, "IssueDateTime", invoice.issue_date)
    for note in invoice.notes:
        included = _sub(element, "IncludedNote")
        _text(included, "Content", note.text)
        _text(included, "SubjectCode", note.subject_code)


def _agreement(element: Element, invoice: Invoice) -> None:
    _text(element, "BuyerReference", invoice.buyer_reference)
    _party(_sub(element, "SellerTradeParty"), invoice.seller)
    _party(_sub(element, "BuyerTradeParty"), invoice.buyer)
    representative = invoice.tax_representative
    if representative is not None:
        party = Party(name=representative.name, vat_id=representative.vat_id, address=representative.address)
        _party(_sub(element, "SellerTaxRepresentativeTradeParty"), party)
    _reference(element, "SellerOrderReferencedDocument", invoice.sales_order_ref)
    _reference(element, "BuyerOrderReferencedDocument", invoice.purchase_order_ref)
    _reference(element, "ContractReferencedDocument", invoice.contract_ref)
    for attachment in invoice.attachments:
        document = _sub(element, "AdditionalReferencedDocument")
        _text(document, "IssuerAssignedID", attachment.id)
        _text(document, "URIID", attachment.uri)
        _text(document, "TypeCode", ATTACHMENT_DOC)
        _text(document, "Name", attachment.description)
        if attachment.content is not None:
            # mimeCode and filename are required by the XSD; an empty one reads back as absent.
            _text(
                document,
                "AttachmentBinaryObject",
                base64.b64encode(attachment.content).decode("ascii"),
                mimeCode=attachment.mime_code or "",
                filename=attachment.filename or "",
            )
    if invoice.tender_ref is not None:
        document = _sub(element, "AdditionalReferencedDocument")
        _text(document, "IssuerAssignedID", invoice.tender_ref)
        _text(document, "TypeCode", TENDER_DOC)
    if invoice.invoiced_object is not None:
        document = _sub(element, "AdditionalReferencedDocument")
        _text(document, "IssuerAssignedID", invoice.invoiced_object.value)
        _text(document, "TypeCode", INVOICED_OBJECT_DOC)
        _text(document, "ReferenceTypeCode", invoice.invoiced_object.scheme)
    if invoice.project_ref is not None:
        project = _sub(element, "SpecifiedProcuringProject")
        _text(project, "ID", invoice.project_ref)
        _text(project, "Name", _PROJECT_NAME)


def _party(element: Element, party: Party) -> None:
    _identifiers(element, party.identifiers)
    _text(element, "Name", party.name)
    _text(element, "Description", party.legal_info)
    if party.legal_id is not None or party.trading_name is not None:
        legal = _sub(element, "SpecifiedLegalOrganization")
        if party.legal_id is not None:
            _text(legal, "ID", party.legal_id.value, schemeID=party.legal_id.scheme)
        _text(legal, "TradingBusinessName", party.trading_name)
    _contact(element, party.contact)
    _address(element, party.address)
    if party.electronic_address is not None:
        uri = _sub(element, "URIUniversalCommunication")
        _text(uri, "URIID", party.electronic_address.value, schemeID=party.electronic_address.scheme)
    for value, scheme in ((party.vat_id, "VA"), (party.tax_registration_id, "FC")):
        if value is not None:
            _text(_sub(element, "SpecifiedTaxRegistration"), "ID", value, schemeID=scheme)


def _contact(parent: Element, contact: Contact | None) -> None:
    if contact is None:
        return
    element = _sub(parent, "DefinedTradeContact")
    _text(element, "PersonName", contact.name)
    _reference(element, "TelephoneUniversalCommunication", contact.phone, field="CompleteNumber")
    _reference(element, "EmailURIUniversalCommunication", contact.email, field="URIID")


def _address(parent: Element, address: Address | None) -> None:
    if address is None:
        return
    element = _sub(parent, "PostalTradeAddress")
    _text(element, "PostcodeCode", address.postal_code)
    _text(element, "LineOne", address.line1)
    _text(element, "LineTwo", address.line2)
    _text(element, "LineThree", address.line3)
    _text(element, "CityName", address.city)
    _text(element, "CountryID", address.country_code)
    _text(element, "CountrySubDivisionName", address.subdivision)


def _delivery(element: Element, invoice: Invoice) -> None:
    delivery = invoice.delivery
    if delivery is not None:
        if delivery.party_name is not None or delivery.location_id is not None or delivery.address is not None:
            ship_to = _sub(element, "ShipToTradeParty")
            _identifiers(ship_to, [delivery.location_id] if delivery.location_id is not None else [])
            _text(ship_to, "Name", delivery.party_name)
            _address(ship_to, delivery.address)
        if delivery.date is not None:
            _date(_sub(element, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", delivery.date)
    _reference(element, "DespatchAdviceReferencedDocument", invoice.despatch_advice_ref)
    _reference(element, "ReceivingAdviceReferencedDocument", invoice.receiving_advice_ref)


def _settlement(element: Element, invoice: Invoice) -> None:
    payment = invoice.payment
    debit = payment.direct_debit if payment is not None else None
    _text(element, "CreditorReferenceID", debit.creditor_id if debit is not None else None)
    _text(element, "PaymentReference", payment.remittance_info if payment is not None else None)
    _text(element, "TaxCurrencyCode", invoice.tax_currency)
    _text(element, "InvoiceCurrencyCode", invoice.currency)
    if invoice.payee is not None:
        payee = _sub(element, "PayeeTradeParty")
        _identifiers(payee, [invoice.payee.identifier] if invoice.payee.identifier is not None else [])
        _text(payee, "Name", invoice.payee.name)
        if invoice.payee.legal_id is not None:
            legal = _sub(payee, "SpecifiedLegalOrganization")
            _text(legal, "ID", invoice.payee.legal_id.value, schemeID=invoice.payee.legal_id.scheme)
    if payment is not None:
        _payment_means(element, payment)
    _vat_breakdown(element, invoice)
    _period(element, invoice.invoicing_period)
    for item in invoice.allowances_charges:
        _allowance_charge(element, item, document_level=True)
    mandate = debit.mandate_reference if debit is not None else None
    if invoice.payment_terms is not None or invoice.due_date is not None or mandate is not None:
        terms = _sub(element, "SpecifiedTradePaymentTerms")
        _text(terms, "Description", invoice.payment_terms)
        _date(terms, "DueDateDateTime", invoice.due_date)
        _text(terms, "DirectDebitMandateID", mandate)
    _totals(_sub(element, "SpecifiedTradeSettlementHeaderMonetarySummation"), invoice)
    for preceding in invoice.preceding_invoices:
        document = _sub(element, "InvoiceReferencedDocument")
        _text(document, "IssuerAssignedID", preceding.number)
        _date(document, "FormattedIssueDateTime", preceding.date, kind="qdt:DateTimeString")
    _reference(element, "ReceivableSpecifiedTradeAccountingAccount", invoice.buyer_accounting_ref, field="ID")


def _payment_means(parent: Element, payment: Payment) -> None:
    """BG-16: one SpecifiedTradeSettlementPaymentMeans per credit transfer account (BG-17 repeats that way in CII)."""
    debited = payment.direct_debit.debited_account_id if payment.direct_debit is not None else None
    if not (payment.means_code or payment.means_text or payment.credit_transfers or payment.card or debited):
        return  # only BT-83/BT-89/BT-90, which live outside the payment means
    transfers: list[CreditTransfer | None] = [*payment.credit_transfers] or [None]
    for index, transfer in enumerate(transfers):
        means = _sub(parent, "SpecifiedTradeSettlementPaymentMeans")
        _text(means, "TypeCode", payment.means_code)
        _text(means, "Information", payment.means_text)
        if index == 0 and payment.card is not None:
            card = _sub(means, "ApplicableTradeSettlementFinancialCard")
            _text(card, "ID", payment.card.primary_account_number)
            _text(card, "CardholderName", payment.card.holder_name)
        if index == 0:
            _reference(means, "PayerPartyDebtorFinancialAccount", debited, field="IBANID")
        if transfer is None:
            continue
        if transfer.account_id is not None or transfer.account_name is not None:
            account = _sub(means, "PayeePartyCreditorFinancialAccount")
            number = transfer.account_id
            is_iban = number is not None and _IBAN.fullmatch(number.replace(" ", "").upper()) is not None
            _text(account, "IBANID", number if is_iban else None)
            _text(account, "AccountName", transfer.account_name)
            _text(account, "ProprietaryID", None if is_iban else number)
        _reference(means, "PayeeSpecifiedCreditorFinancialInstitution", transfer.provider_id, field="BICID")


def _vat_breakdown(parent: Element, invoice: Invoice) -> None:
    code = invoice.vat_point_code
    vat_point_code = VAT_POINT_TO_CII.get(code, code) if code else None
    for breakdown in invoice.vat_breakdown:
        tax = _sub(parent, "ApplicableTradeTax")
        _amount(tax, "CalculatedAmount", breakdown.tax_amount)
        _text(tax, "TypeCode", _VAT)
        _text(tax, "ExemptionReason", breakdown.exemption_reason)
        _amount(tax, "BasisAmount", breakdown.taxable_amount)
        _text(tax, "CategoryCode", breakdown.category)
        _text(tax, "ExemptionReasonCode", breakdown.exemption_code)
        # BT-7 and BT-8 are document-level; CII can only carry them per breakdown, so every breakdown repeats them.
        _date(tax, "TaxPointDate", invoice.tax_point_date, kind="udt:DateString")
        _text(tax, "DueDateTypeCode", vat_point_code)
        _amount(tax, "RateApplicablePercent", breakdown.rate)


def _totals(element: Element, invoice: Invoice) -> None:
    totals: Totals = invoice.totals
    _amount(element, "LineTotalAmount", totals.line_net)
    _amount(element, "ChargeTotalAmount", totals.charges)
    _amount(element, "AllowanceTotalAmount", totals.allowances)
    _amount(element, "TaxBasisTotalAmount", totals.without_vat)
    _amount(element, "TaxTotalAmount", totals.vat, currencyID=invoice.currency or None)
    _amount(element, "TaxTotalAmount", totals.vat_in_accounting_currency, currencyID=invoice.tax_currency)
    _amount(element, "RoundingAmount", totals.rounding)
    _amount(element, "GrandTotalAmount", totals.with_vat)
    _amount(element, "TotalPrepaidAmount", totals.prepaid)
    _amount(element, "DuePayableAmount", totals.due)
