"""Write the canonical :class:`Invoice` as a UBL 2.1 Invoice, or CreditNote for a credit-note type code.

Elements are appended in the order of the UBL 2.1 maindoc XSD sequences (Invoice and CreditNote differ: DueDate,
TaxPointDate, ProjectReference and the document references are placed differently). Absent values are skipped, so
``read_ubl(write_ubl(x)) == x``; the only values written that the model does not hold are those UBL makes
mandatory (an order reference, a card network, a price discount amount, a tax scheme id), each noted where written.

The element builders live in :mod:`ubl_write_values` and the lines (with the parts the document level writes the
same way) in :mod:`ubl_write_lines`.
"""

from __future__ import annotations

import base64
from typing import Any

from lxml import etree

from pdp.einvoice.formats.ubl_values import (
    CREDIT_NOTE_TAG,
    INVOICE_TAG,
    INVOICED_OBJECT_TYPE,
    NOT_APPLICABLE,
    NS_CAC,
    NS_CBC,
    NS_CREDIT_NOTE,
    NS_INVOICE,
    PROJECT_TYPE,
    SEPA_SCHEME,
    VAT_SCHEME,
)
from pdp.einvoice.formats.ubl_write_lines import LineWriter
from pdp.einvoice.formats.ubl_write_values import (
    A,
    B,
    _address,
    _contact,
    _el,
    _identifier,
    _leaf,
    _party_tax_scheme,
    _tax_category,
    _wrapped,
)
from pdp.einvoice.model import Attachment, DirectDebit, Invoice, Party, Payment, Period

# BT-32 needs a TaxScheme/ID other than VAT and the model does not keep the source's; Peppol examples use "LOC".
OTHER_TAX_SCHEME = "LOC"
# cac:CardAccount requires a NetworkID (VISA, MC…), which is not an EN 16931 term: write a neutral placeholder.
UNKNOWN_CARD_NETWORK = "NA"


def write_ubl(invoice: Invoice) -> bytes:
    """``invoice`` as UBL 2.1 XML (UTF-8, with declaration): a CreditNote when BT-3 is a credit-note code."""
    credit = invoice.is_credit_note
    root = etree.Element(
        CREDIT_NOTE_TAG if credit else INVOICE_TAG,
        nsmap={None: NS_CREDIT_NOTE if credit else NS_INVOICE, "cac": NS_CAC, "cbc": NS_CBC},
    )
    _Writer(invoice, credit).write(root)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return xml


def _has_mandate(debit: DirectDebit) -> bool:
    # A direct debit holding only BT-90 is written on the seller/payee alone, without an empty cac:PaymentMandate;
    # an empty one read from a document is written back empty, so that reading it again gives the same model.
    return debit.mandate_reference is not None or debit.debited_account_id is not None or debit.creditor_id is None


class _Writer(LineWriter):
    def __init__(self, invoice: Invoice, credit: bool) -> None:
        self.invoice = invoice
        self.credit = credit
        self.currency = invoice.currency
        payment = invoice.payment
        debit = payment.direct_debit if payment is not None else None
        self.creditor_id = debit.creditor_id if debit is not None else None

    def write(self, root: Any) -> None:
        self.header(root)
        self.references(root)
        inv = self.invoice
        # BT-90 goes on the payee when there is one, else on the seller (EN 16931 UBL binding).
        seller_sepa = None if inv.payee is not None else self.creditor_id
        self.party(_el(root, A.AccountingSupplierParty), inv.seller, seller_sepa)
        self.party(_el(root, A.AccountingCustomerParty), inv.buyer, None)
        self.other_parties(root)
        self.payment(root)
        for allowance_charge in inv.allowances_charges:
            self.allowance_charge(root, allowance_charge)
        self.totals(root)
        for line in inv.lines:
            self.line(root, line)

    def header(self, root: Any) -> None:
        inv = self.invoice
        _leaf(root, B.CustomizationID, inv.specification_id)
        _leaf(root, B.ProfileID, inv.process_type)
        _leaf(root, B.ID, inv.number)
        _leaf(root, B.IssueDate, inv.issue_date)
        if self.credit:  # a CreditNote has no DueDate (BT-9 goes in the payment means or terms) and an earlier BT-7
            _leaf(root, B.TaxPointDate, inv.tax_point_date)
            _leaf(root, B.CreditNoteTypeCode, inv.type_code)
        else:
            _leaf(root, B.DueDate, inv.due_date)
            _leaf(root, B.InvoiceTypeCode, inv.type_code)
        for note in inv.notes:
            _leaf(root, B.Note, f"#{note.subject_code}#{note.text or ''}" if note.subject_code else note.text)
        if not self.credit:
            _leaf(root, B.TaxPointDate, inv.tax_point_date)
        _leaf(root, B.DocumentCurrencyCode, inv.currency)
        _leaf(root, B.TaxCurrencyCode, inv.tax_currency)
        _leaf(root, B.AccountingCost, inv.buyer_accounting_ref)
        _leaf(root, B.BuyerReference, inv.buyer_reference)
        period = inv.invoicing_period
        code = inv.vat_point_code
        if period is not None or code is not None:
            self.period(root, period or Period(), code)

    def references(self, root: Any) -> None:
        inv = self.invoice
        if inv.purchase_order_ref is not None or inv.sales_order_ref is not None:
            order = _el(root, A.OrderReference)
            _leaf(order, B.ID, inv.purchase_order_ref or NOT_APPLICABLE)
            _leaf(order, B.SalesOrderID, inv.sales_order_ref)
        for preceding in inv.preceding_invoices:
            reference = _el(_el(root, A.BillingReference), A.InvoiceDocumentReference)
            _leaf(reference, B.ID, preceding.number)
            _leaf(reference, B.IssueDate, preceding.date)
        _wrapped(root, A.DespatchDocumentReference, B.ID, inv.despatch_advice_ref)
        _wrapped(root, A.ReceiptDocumentReference, B.ID, inv.receiving_advice_ref)
        if self.credit:  # CreditNote order: Contract, Additional, Originator; project as an additional reference
            _wrapped(root, A.ContractDocumentReference, B.ID, inv.contract_ref)
            self.additional_references(root)
            _wrapped(root, A.OriginatorDocumentReference, B.ID, inv.tender_ref)
        else:
            _wrapped(root, A.OriginatorDocumentReference, B.ID, inv.tender_ref)
            _wrapped(root, A.ContractDocumentReference, B.ID, inv.contract_ref)
            self.additional_references(root)
            _wrapped(root, A.ProjectReference, B.ID, inv.project_ref)

    def additional_references(self, root: Any) -> None:
        inv = self.invoice
        if inv.invoiced_object is not None:
            reference = _el(root, A.AdditionalDocumentReference)
            _identifier(reference, B.ID, inv.invoiced_object)
            _leaf(reference, B.DocumentTypeCode, INVOICED_OBJECT_TYPE)
        if self.credit and inv.project_ref is not None:
            reference = _el(root, A.AdditionalDocumentReference)
            _leaf(reference, B.ID, inv.project_ref)
            _leaf(reference, B.DocumentTypeCode, PROJECT_TYPE)
        for attachment in inv.attachments:
            self.attachment(root, attachment)

    def attachment(self, root: Any, attachment: Attachment) -> None:
        reference = _el(root, A.AdditionalDocumentReference)
        _leaf(reference, B.ID, attachment.id)
        _leaf(reference, B.DocumentDescription, attachment.description)
        if attachment.content is None and attachment.uri is None:
            return
        attached = _el(reference, A.Attachment)
        if attachment.content is not None:
            _leaf(
                attached,
                B.EmbeddedDocumentBinaryObject,
                base64.b64encode(attachment.content).decode("ascii"),
                mimeCode=attachment.mime_code,
                filename=attachment.filename,
            )
        _wrapped(attached, A.ExternalReference, B.URI, attachment.uri)

    def party(self, parent: Any, party: Party, sepa: str | None) -> None:
        element = _el(parent, A.Party)
        _identifier(element, B.EndpointID, party.electronic_address)
        for identifier in party.identifiers:
            _identifier(_el(element, A.PartyIdentification), B.ID, identifier)
        _wrapped(element, A.PartyIdentification, B.ID, sepa, schemeID=SEPA_SCHEME)
        _wrapped(element, A.PartyName, B.Name, party.trading_name)
        _address(element, A.PostalAddress, party.address)
        _party_tax_scheme(element, party.vat_id, VAT_SCHEME)
        _party_tax_scheme(element, party.tax_registration_id, OTHER_TAX_SCHEME)
        if party.name is not None or party.legal_id is not None or party.legal_info is not None:
            legal = _el(element, A.PartyLegalEntity)
            _leaf(legal, B.RegistrationName, party.name)
            _identifier(legal, B.CompanyID, party.legal_id)
            _leaf(legal, B.CompanyLegalForm, party.legal_info)
        _contact(element, party.contact)

    def other_parties(self, root: Any) -> None:
        inv = self.invoice
        if inv.payee is not None:
            payee = _el(root, A.PayeeParty)
            if inv.payee.identifier is not None:
                _identifier(_el(payee, A.PartyIdentification), B.ID, inv.payee.identifier)
            _wrapped(payee, A.PartyIdentification, B.ID, self.creditor_id, schemeID=SEPA_SCHEME)
            _wrapped(payee, A.PartyName, B.Name, inv.payee.name)
            if inv.payee.legal_id is not None:
                _identifier(_el(payee, A.PartyLegalEntity), B.CompanyID, inv.payee.legal_id)
        if inv.tax_representative is not None:
            representative = _el(root, A.TaxRepresentativeParty)
            _wrapped(representative, A.PartyName, B.Name, inv.tax_representative.name)
            _address(representative, A.PostalAddress, inv.tax_representative.address)
            _party_tax_scheme(representative, inv.tax_representative.vat_id, VAT_SCHEME)
        if inv.delivery is not None:
            delivery = _el(root, A.Delivery)
            _leaf(delivery, B.ActualDeliveryDate, inv.delivery.date)
            if inv.delivery.location_id is not None or inv.delivery.address is not None:
                location = _el(delivery, A.DeliveryLocation)
                _identifier(location, B.ID, inv.delivery.location_id)
                _address(location, A.Address, inv.delivery.address)
            if inv.delivery.party_name is not None:
                _wrapped(_el(delivery, A.DeliveryParty), A.PartyName, B.Name, inv.delivery.party_name)

    def payment(self, root: Any) -> None:
        inv, payment = self.invoice, self.invoice.payment
        if payment is not None:
            # UBL holds one account per cac:PaymentMeans: repeat the means for each credit transfer.
            for index in range(max(1, len(payment.credit_transfers))):
                self.payment_means(root, payment, index)
        due_in_terms = self.credit and payment is None and inv.due_date is not None
        if inv.payment_terms is not None or due_in_terms:
            # A CreditNote without payment means (Chorus Pro wants none on credit notes) keeps BT-9 here.
            terms = _el(root, A.PaymentTerms)
            _leaf(terms, B.Note, inv.payment_terms)
            if due_in_terms:
                _leaf(terms, B.PaymentDueDate, inv.due_date)

    def payment_means(self, root: Any, payment: Payment, index: int) -> None:
        means = _el(root, A.PaymentMeans)
        # The code repeats (UBL-SR-47: all equal) but its text may occur once only (UBL-SR-46).
        _leaf(means, B.PaymentMeansCode, payment.means_code, name=payment.means_text if index == 0 else None)
        if self.credit and index == 0:
            _leaf(means, B.PaymentDueDate, self.invoice.due_date)
        _leaf(means, B.PaymentID, payment.remittance_info)
        if index == 0 and payment.card is not None:
            card = _el(means, A.CardAccount)
            _leaf(card, B.PrimaryAccountNumberID, payment.card.primary_account_number)
            _leaf(card, B.NetworkID, UNKNOWN_CARD_NETWORK)
            _leaf(card, B.HolderName, payment.card.holder_name)
        if payment.credit_transfers:
            transfer = payment.credit_transfers[index]
            account = _el(means, A.PayeeFinancialAccount)
            _leaf(account, B.ID, transfer.account_id)
            _leaf(account, B.Name, transfer.account_name)
            _wrapped(account, A.FinancialInstitutionBranch, B.ID, transfer.provider_id)
        debit = payment.direct_debit
        if index == 0 and debit is not None and _has_mandate(debit):
            mandate = _el(means, A.PaymentMandate)
            _leaf(mandate, B.ID, debit.mandate_reference)
            _wrapped(mandate, A.PayerFinancialAccount, B.ID, debit.debited_account_id)

    def totals(self, root: Any) -> None:
        inv, totals = self.invoice, self.invoice.totals
        if totals.vat is not None or inv.vat_breakdown:
            tax_total = _el(root, A.TaxTotal)
            self.amount(tax_total, B.TaxAmount, totals.vat)
            for vat in inv.vat_breakdown:
                subtotal = _el(tax_total, A.TaxSubtotal)
                self.amount(subtotal, B.TaxableAmount, vat.taxable_amount)
                self.amount(subtotal, B.TaxAmount, vat.tax_amount)
                _tax_category(
                    subtotal,
                    A.TaxCategory,
                    vat.category,
                    vat.rate,
                    exemption_reason=vat.exemption_reason,
                    exemption_code=vat.exemption_code,
                )
        if totals.vat_in_accounting_currency is not None:  # BT-111: a second TaxTotal, in the tax currency (BT-6)
            self.amount(_el(root, A.TaxTotal), B.TaxAmount, totals.vat_in_accounting_currency, inv.tax_currency)
        monetary = _el(root, A.LegalMonetaryTotal)
        self.amount(monetary, B.LineExtensionAmount, totals.line_net)
        self.amount(monetary, B.TaxExclusiveAmount, totals.without_vat)
        self.amount(monetary, B.TaxInclusiveAmount, totals.with_vat)
        self.amount(monetary, B.AllowanceTotalAmount, totals.allowances)
        self.amount(monetary, B.ChargeTotalAmount, totals.charges)
        self.amount(monetary, B.PrepaidAmount, totals.prepaid)
        self.amount(monetary, B.PayableRoundingAmount, totals.rounding)
        self.amount(monetary, B.PayableAmount, totals.due)
