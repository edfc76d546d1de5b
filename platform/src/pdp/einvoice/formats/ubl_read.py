"""Read a UBL 2.1 Invoice or CreditNote into the canonical EN 16931 :class:`Invoice`.

Reading is on the request path, so each element's children are indexed once (``_children``) and every term is then
a dictionary lookup: lxml's ``find`` goes through its Python ElementPath layer on every call, which made it several
times slower than one pass over the children.

A term the document lacks is ``None``, mandatory or not (the model holds what the document says; the BR-xx rules
report what is missing), so an incomplete document still gives an :class:`Invoice`. Only a root that is not UBL,
or a value that does not parse to its XML Schema type (xsd:date, xsd:decimal, xsd:boolean, base64Binary), makes the
document unreadable (:class:`UnreadableDocument`, rule ``PDP-UBL-UNREADABLE``, with the element's path).

The value parsers and the namespaces live in :mod:`ubl_values`, the parties in :mod:`ubl_parties` and the lines in
:mod:`ubl_lines`; this module reads the document, its references, payment, tax and totals.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, NamedTuple

from lxml import etree

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats.ubl_blanks import blank_terms
from pdp.einvoice.formats.ubl_lines import _line
from pdp.einvoice.formats.ubl_means import payment_means
from pdp.einvoice.formats.ubl_parties import _delivery, _party, _payee, _tax_representative
from pdp.einvoice.formats.ubl_tax import tax_totals, totals_of
from pdp.einvoice.formats.ubl_taxed import taxed_items
from pdp.einvoice.formats.ubl_values import (
    CAC,
    CBC,
    CREDIT_NOTE_TAG,
    INVOICE_TAG,
    INVOICED_OBJECT_TYPE,
    NOT_APPLICABLE,
    NS_CAC,
    NS_CBC,
    NS_CREDIT_NOTE,
    NS_INVOICE,
    PROJECT_TYPE,
    RULE,
    SEPA_SCHEME,
    VAT_SCHEME,
    A,
    B,
    Kids,
    Namespace,
    _allowance_charge,
    _attribute_of,
    _binary_of,
    _child_id,
    _child_text,
    _children,
    _currency_ids,
    _date_of,
    _every,
    _first,
    _identifier_of,
    _joined,
    _period,
    _text_of,
    country_codes,
)
from pdp.einvoice.formats.xmltext import code_attribute_of, code_of
from pdp.einvoice.model import (
    VAT_POINT_CODES,
    Attachment,
    Card,
    CreditTransfer,
    DirectDebit,
    Identifier,
    Invoice,
    Note,
    Payment,
    PrecedingInvoice,
)

__all__ = [
    "CAC",
    "CBC",
    "CREDIT_NOTE_TAG",
    "INVOICED_OBJECT_TYPE",
    "INVOICE_TAG",
    "NOT_APPLICABLE",
    "NS_CAC",
    "NS_CBC",
    "NS_CREDIT_NOTE",
    "NS_INVOICE",
    "PROJECT_TYPE",
    "RULE",
    "SEPA_SCHEME",
    "VAT_SCHEME",
    "Namespace",
    "is_ubl",
    "profile_of",
    "read_ubl",
]

_SUBJECT = re.compile(r"#([A-Z]{3})#(.*)", re.DOTALL)  # "#AAB#text": the EN 16931 UBL encoding of BT-21 + BT-22


def is_ubl(root: Any) -> bool:
    """Whether ``root`` is a UBL 2.1 Invoice or CreditNote element."""
    return getattr(root, "tag", None) in (INVOICE_TAG, CREDIT_NOTE_TAG)


def profile_of(root: Any) -> str | None:
    """The specification identifier (BT-24, ``cbc:CustomizationID``) of a UBL document, or None."""
    if not is_ubl(root):
        return None
    return _child_text(_children(root), B.CustomizationID)


def read_ubl(root: Any) -> Invoice:
    """The canonical invoice carried by a UBL 2.1 Invoice or CreditNote root (as returned by ``parse_xml``).

    Raises :class:`UnreadableDocument` (rule ``PDP-UBL-UNREADABLE``) when the root is not UBL or a value cannot be
    parsed; an incomplete document still gives an :class:`Invoice` for the business rules to check.
    """
    if not is_ubl(root):
        raise UnreadableDocument(
            RULE,
            "The document is not a UBL 2.1 Invoice or CreditNote.",
            "Le document n'est pas une Invoice ou une CreditNote UBL 2.1.",
        )
    try:
        return _invoice(root)
    except UnreadableDocument:
        raise
    except (ValueError, ArithmeticError, etree.LxmlError) as exc:  # a safety net: the value parsers name the element
        raise UnreadableDocument(
            RULE, "The UBL document cannot be read.", "Le document UBL ne peut pas être lu."
        ) from exc


# --- the document -----------------------------------------------------------------------------------------------


class _References(NamedTuple):
    invoiced_object: Identifier | None
    project: str | None
    attachments: list[Attachment]


def _invoice(root: Any) -> Invoice:
    credit = root.tag == CREDIT_NOTE_TAG
    k = _children(root)
    # BT-3 and BT-5 blank are present: BR-04/BR-05 and their code lists (BR-CL-01, BR-CL-04) all report them.
    currency = code_of(_first(k, B.DocumentCurrencyCode))
    tax_currency = code_of(_first(k, B.TaxCurrencyCode))  # blank is there: BR-53 and BR-CL-05 ask it
    means = _every(k, A.PaymentMeans)
    # BT-90 (SEPA creditor id) is a PartyIdentification in scheme SEPA, on the payee if it has one, else on the
    # seller; it only means BT-90 when there is a payment to attach it to, otherwise it stays a party identifier.
    payee, payee_sepa = _payee(_first(k, A.PayeeParty), keep_sepa=not means)
    seller_el = _first(_children(_first(k, A.AccountingSupplierParty)), A.Party)
    seller, seller_sepa = _party(seller_el, keep_sepa=not means or payee_sepa is not None)
    buyer, _ = _party(_first(_children(_first(k, A.AccountingCustomerParty)), A.Party), keep_sepa=True)
    payment, means_due = _payment(means, payee_sepa or seller_sepa)
    terms = _every(k, A.PaymentTerms)
    period = _children(_first(k, A.InvoicePeriod))
    order = _children(_first(k, A.OrderReference))
    sales_order = _child_text(order, B.SalesOrderID)
    purchase_order = _child_text(order, B.ID)
    if purchase_order == NOT_APPLICABLE and sales_order is not None:
        purchase_order = None
    refs = _references(_every(k, A.AdditionalDocumentReference), _child_id(k, A.ProjectReference))
    currency_ids = _currency_ids(root, {currency, tax_currency} - {None})
    tax = tax_totals(_every(k, A.TaxTotal), currency, tax_currency)
    # The CEN UBL artefact's line contexts are cac:InvoiceLine | cac:CreditNoteLine in either document (BR-16 asks
    # for either): a credit note written with invoice lines (an XSD error) has lines there, and the reverse.
    own, other = (A.CreditNoteLine, A.InvoiceLine) if credit else (A.InvoiceLine, A.CreditNoteLine)
    line_tag = other if own not in k and other in k else own
    invoice = Invoice(
        number=_child_text(k, B.ID),
        issue_date=_date_of(_first(k, B.IssueDate)),
        type_code=code_of(_first(k, B.CreditNoteTypeCode if credit else B.InvoiceTypeCode)),
        ubl_root="CreditNote" if credit else "Invoice",
        currency=currency,
        tax_currency=tax_currency,
        tax_point_date=_date_of(_first(k, B.TaxPointDate)),
        vat_point_code=_vat_point_code(_every(period, B.DescriptionCode)),
        due_date=_date_of(_first(k, B.DueDate)) or means_due or _terms_due_date(terms),
        buyer_reference=_child_text(k, B.BuyerReference),
        project_ref=refs.project,
        contract_ref=_child_id(k, A.ContractDocumentReference),
        purchase_order_ref=purchase_order,
        sales_order_ref=sales_order,
        receiving_advice_ref=_child_id(k, A.ReceiptDocumentReference),
        despatch_advice_ref=_child_id(k, A.DespatchDocumentReference),
        tender_ref=_child_id(k, A.OriginatorDocumentReference),
        invoiced_object=refs.invoiced_object,
        buyer_accounting_ref=_child_text(k, B.AccountingCost),
        payment_terms=_joined([note for term in terms for note in _every(_children(term), B.Note)]),
        notes=[note for note in map(_note, _every(k, B.Note)) if note is not None],
        process_type=_child_text(k, B.ProfileID),
        specification_id=_child_text(k, B.CustomizationID),
        preceding_invoices=[_preceding(element) for element in _every(k, A.BillingReference)],
        seller=seller,
        buyer=buyer,
        payee=payee,
        tax_representative=_tax_representative(_first(k, A.TaxRepresentativeParty)),
        delivery=_delivery(_first(k, A.Delivery)),
        invoicing_period=_period(period, header=True),
        payment=payment,
        allowances_charges=[_allowance_charge(el) for el in _every(k, A.AllowanceCharge)],
        totals=totals_of(_children(_first(k, A.LegalMonetaryTotal)), tax),
        vat_breakdown=tax.breakdown,
        ubl_other_tax_totals=tax.others,
        attachments=refs.attachments,
        lines=[_line(el, line_tag == A.CreditNoteLine) for el in _every(k, line_tag)],
        currency_ids=currency_ids,
        absent_groups=_absent_groups(k),
        ubl_taxed_items=taxed_items(root, k, line_tag, len(tax.breakdown)),
    )
    invoice.blank_terms = blank_terms(k, line_tag, invoice, seller_el)
    invoice.ubl_payment_means = payment_means(means)
    invoice.unread_codes = _unread_country_codes(root, invoice)
    return invoice


def _unread_country_codes(root: Any, invoice: Invoice) -> list[tuple[str, str]] | None:
    """The country codes BR-CL-14 asks that none of the model's addresses holds (a legal registration's, a second
    cac:Country's): Invoice.unread_codes."""
    addresses = (
        invoice.seller.address,
        invoice.buyer.address,
        invoice.tax_representative.address if invoice.tax_representative else None,
        invoice.delivery.address if invoice.delivery else None,
    )
    read = {address.country_code for address in addresses if address is not None}
    unread = country_codes(root) - read
    return [("BR-CL-14", code) for code in sorted(unread)] or None


def _absent_groups(k: Kids) -> list[str] | None:
    """Invoice.absent_groups: the elements the artefacts' contexts of BR-12…15 and BR-CO-26 need."""
    present = {"BG-4": A.AccountingSupplierParty in k, "BG-22": A.LegalMonetaryTotal in k}
    return [group for group, there in present.items() if not there] or None


def _note(element: Any) -> Note | None:
    text = _text_of(element)
    if text is None:
        return None
    match = _SUBJECT.match(text)
    if match is None:
        return Note(text=text)
    return Note(text=match[2].strip() or None, subject_code=match[1])


def _preceding(element: Any) -> PrecedingInvoice:
    """Every cac:BillingReference is one, as the CEN UBL artefact's BR-55 context: one without an invoice document
    reference has no number (it fails BR-55), a blank cbc:ID is there ("", exists() passes)."""
    rk = _children(_first(_children(element), A.InvoiceDocumentReference))
    return PrecedingInvoice(number=code_of(_first(rk, B.ID)), date=_date_of(_first(rk, B.IssueDate)))


def _references(elements: list[Any], project: str | None) -> _References:
    invoiced_object: Identifier | None = None
    attachments: list[Attachment] = []
    for element in elements:
        rk = _children(element)
        type_code = _child_text(rk, B.DocumentTypeCode)
        if type_code == INVOICED_OBJECT_TYPE and invoiced_object is None:
            invoiced_object = _identifier_of(_first(rk, B.ID))
        elif type_code == PROJECT_TYPE and project is None:
            project = _child_text(rk, B.ID)
        else:
            attachments.append(_attachment(rk))
    return _References(invoiced_object, project, attachments)


def _attachment(rk: Kids) -> Attachment:
    attached = _children(_first(rk, A.Attachment))
    blob = _first(attached, B.EmbeddedDocumentBinaryObject)
    return Attachment(
        id=_child_text(rk, B.ID),
        description=_child_text(rk, B.DocumentDescription),
        uri=_child_text(_children(_first(attached, A.ExternalReference)), B.URI),
        content=_binary_of(blob),
        mime_code=code_attribute_of(blob, "mimeCode"),  # blank is there: BR-CL-24 looks every @mimeCode up
        filename=_attribute_of(blob, "filename"),
    )


# --- payment, tax, totals ---------------------------------------------------------------------------------------


def _payment(means: list[Any], creditor_id: str | None) -> tuple[Payment | None, date | None]:
    """BG-16 and the payment due date found in it (BT-9 of a CreditNote).

    The model has one payment means with several accounts; UBL repeats cac:PaymentMeans, one account each. The
    code, text and remittance come from the first; accounts from all; card and mandate from the first that has one.
    """
    if not means:
        return None, None
    code = _first(_children(means[0]), B.PaymentMeansCode)
    transfers: list[CreditTransfer] = []
    remittance: str | None = None
    due: date | None = None
    card: Card | None = None
    mandate: Any = None
    for element in means:
        mk = _children(element)
        remittance = remittance or _child_text(mk, B.PaymentID)
        due = due or _date_of(_first(mk, B.PaymentDueDate))
        card = card or _card(_first(mk, A.CardAccount))
        mandate = mandate if mandate is not None else _first(mk, A.PaymentMandate)
        account = _first(mk, A.PayeeFinancialAccount)
        if account is not None:
            ak = _children(account)
            transfers.append(
                CreditTransfer(
                    account_id=_child_text(ak, B.ID),
                    account_name=_child_text(ak, B.Name),
                    provider_id=_child_text(_children(_first(ak, A.FinancialInstitutionBranch)), B.ID),
                )
            )
    direct_debit = None
    if mandate is not None or creditor_id is not None:
        dk = _children(mandate)
        direct_debit = DirectDebit(
            mandate_reference=_child_text(dk, B.ID),
            creditor_id=creditor_id,
            debited_account_id=_child_text(_children(_first(dk, A.PayerFinancialAccount)), B.ID),
        )
    payment = Payment(
        means_code=code_of(code),
        means_text=_attribute_of(code, "name"),
        remittance_info=remittance,
        credit_transfers=transfers,
        card=card,
        direct_debit=direct_debit,
    )
    return payment, due


def _card(element: Any) -> Card | None:
    if element is None:
        return None
    k = _children(element)
    return Card(
        primary_account_number=_child_text(k, B.PrimaryAccountNumberID),
        holder_name=_child_text(k, B.HolderName),
    )


def _vat_point_code(codes: list[Any]) -> str | None:
    """BT-8: UBL allows several ``cbc:DescriptionCode`` and the artefact's BR-CL-06 looks each one up, a blank one
    ("") too, so the first outside the list stands for them all; without such a one, the first."""
    written = [code_of(code) or "" for code in codes]
    return next((code for code in written if code not in VAT_POINT_CODES), written[0] if written else None)


def _terms_due_date(terms: list[Any]) -> date | None:
    for term in terms:
        due = _date_of(_first(_children(term), B.PaymentDueDate))
        if due is not None:
            return due
    return None
