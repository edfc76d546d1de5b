"""Read UN/CEFACT CII D16B (``rsm:CrossIndustryInvoice``: EN 16931 and every Factur-X profile) into an Invoice.

The reader says what the document holds: a mandatory term that is missing stays ``None`` (MINIMUM and BASIC WL
have no lines and partial totals; a broken document lacks a seller name) and the BR-xx rules report it. Only a
root that is not CII, or a value that cannot be parsed at all (a bad date, decimal, indicator or base64 content),
makes the document unreadable, with a finding that names the element.

This runs on the request path: the tree is walked once, top-down, and each visited element's children are indexed
in one pass (``_kids``), because lxml's ``find`` goes through its Python ElementPath layer on every call. This
module reads the document, its references and its settlement; the value primitives live in :mod:`cii_values`, the
parties in :mod:`cii_parties`, and the line items, which are most of the work, in :mod:`cii_lines`.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from pdp.einvoice.findings import Finding, UnreadableDocument
from pdp.einvoice.formats.cii_blanks import blank_terms
from pdp.einvoice.formats.cii_lines import read_lines
from pdp.einvoice.formats.cii_parties import _delivery, _party, _payee, _tax_representative
from pdp.einvoice.formats.cii_taxed import taxed_items
from pdp.einvoice.formats.cii_values import (
    _EMPTY,
    QDT,
    RAM,
    RSM,
    UDT,
    UNREADABLE,
    Kids,
    T,
    _all,
    _allowance_charge,
    _amount,
    _attr,
    _child_text,
    _date,
    _decimal,
    _get,
    _is_vat,
    _kids,
    _object_reference,
    _period,
    _text,
    _unreadable,
    element_xpath,
)
from pdp.einvoice.formats.xmltext import base64_content, code_attribute_of, code_of
from pdp.einvoice.model import (
    Attachment,
    Card,
    CreditTransfer,
    DirectDebit,
    Invoice,
    Note,
    Payment,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)

__all__ = [
    "ATTACHMENT_DOC",
    "EN16931_PROFILE",
    "INVOICED_OBJECT_DOC",
    "NSMAP",
    "QDT",
    "RAM",
    "RSM",
    "TENDER_DOC",
    "UDT",
    "UNREADABLE",
    "VAT_POINT_TO_CII",
    "element_xpath",
    "is_cii",
    "profile_of",
    "read_cii",
    "read_cii_with_gaps",
]

NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931_PROFILE = "urn:cen.eu:en16931:2017"

# AdditionalReferencedDocument type codes (UNTDID 1001) of the EN 16931 CII binding.
TENDER_DOC = "50"  # BT-17
INVOICED_OBJECT_DOC = "130"  # BT-18 (header), BT-128 (line)
ATTACHMENT_DOC = "916"  # BG-24

ROOT = f"{{{RSM}}}CrossIndustryInvoice"
_CONTEXT = f"{{{RSM}}}ExchangedDocumentContext"
_DOCUMENT = f"{{{RSM}}}ExchangedDocument"
_TRANSACTION = f"{{{RSM}}}SupplyChainTradeTransaction"
CII_TO_VAT_POINT = {"5": "3", "29": "35", "72": "432"}
VAT_POINT_TO_CII = {value: key for key, value in CII_TO_VAT_POINT.items()}


def _vat_point_code(code: str) -> str:
    """BT-8: CII says it with UNTDID 2475 (5, 29, 72), the model (and UBL) with UNTDID 2005 (3, 35, 432).

    Unknown codes stay as they are so that BR-CL-06 can report them, except one that happens to be a 2005 code:
    CII's "3" is no valid 2475 code and must not pass for UBL's "3", so it is kept with the list it was read from.
    """
    if code in CII_TO_VAT_POINT:
        return CII_TO_VAT_POINT[code]
    return f"{code} (UNTDID 2475)" if code in VAT_POINT_TO_CII else code


def is_cii(root: Any) -> bool:
    """Whether ``root`` is a CII D16B invoice element (``rsm:CrossIndustryInvoice``)."""
    return getattr(root, "tag", None) == ROOT


def profile_of(root: Any) -> str | None:
    """BT-24, the specification identifier (Factur-X profile or CIUS URN), or None if absent or not CII."""
    if not is_cii(root):
        return None
    guideline = _kids(_kids(root).get(_CONTEXT)).get(T.GuidelineSpecifiedDocumentContextParameter)
    return _child_text(guideline, T.ID)


def read_cii(root: Any) -> Invoice:
    """The Invoice carried by a CII root element (as returned by ``parse_xml``).

    Raises :class:`UnreadableDocument` (``PDP-CII-UNREADABLE``) when the root is not CII or a value cannot be parsed;
    an incomplete document still gives an Invoice, with ``None`` where the document is silent.
    """
    if not is_cii(root):
        tag = str(getattr(root, "tag", None))[:120]
        raise UnreadableDocument(
            UNREADABLE,
            f"The document is not a UN/CEFACT CII D16B invoice (root element {tag}).",
            f"Le document n'est pas une facture UN/CEFACT CII D16B (élément racine {tag}).",
        )
    try:
        return _invoice(root)
    except UnreadableDocument:
        raise
    except (ValueError, TypeError, ArithmeticError, AttributeError, etree.LxmlError) as exc:
        # A safety net only: every expected failure is turned into a precise finding where it happens.
        raise UnreadableDocument(
            UNREADABLE,
            f"The CII document cannot be read ({type(exc).__name__}).",
            f"Le document CII ne peut pas être lu ({type(exc).__name__}).",
        ) from exc


def read_cii_with_gaps(root: Any) -> tuple[Invoice, list[Finding]]:
    """:func:`read_cii` plus the reader's own findings, for the callers that merge them into the report.

    Absent mandatory terms are no longer filled with placeholders (they stay None and the BR-xx rules report them),
    so the list is empty today; it is kept so that a reading remark never needs a signature change.
    """
    return read_cii(root), []


# --- primitives of the header only ----------------------------------------------------------------------------------


def _binary(element: Any) -> bytes | None:
    text = _text(element)
    if text is None:
        return None
    try:
        return base64_content(text)
    except ValueError:  # binascii.Error, or a character that is not ASCII
        raise _unreadable(element, text, "base64 content", "un contenu base64") from None


# --- document -------------------------------------------------------------------------------------------------------


def _invoice(root: Any) -> Invoice:
    top = _kids(root)
    context = _kids(top.get(_CONTEXT))
    document_element = top.get(_DOCUMENT)
    document = _kids(document_element)
    transaction = top.get(_TRANSACTION)
    parts = _kids(transaction)
    agreement_element = parts.get(T.ApplicableHeaderTradeAgreement)
    delivery = _kids(parts.get(T.ApplicableHeaderTradeDelivery))
    settlement_element = parts.get(T.ApplicableHeaderTradeSettlement)
    settlement = _kids(settlement_element)
    terms = _kids(settlement.get(T.SpecifiedTradePaymentTerms))
    fields: dict[str, Any] = {
        "number": _get(document, T.ID),
        "issue_date": _date(document.get(T.IssueDateTime)),
        # BT-3 and BT-5 blank are present: BR-04/BR-05 and their code lists (BR-CL-01, BR-CL-04) all report them.
        "type_code": code_of(document.get(T.TypeCode)),
        "notes": [_note(note) for note in _all(document_element, T.IncludedNote, document)],
        "process_type": _child_text(context.get(T.BusinessProcessSpecifiedDocumentContextParameter), T.ID),
        "specification_id": _child_text(context.get(T.GuidelineSpecifiedDocumentContextParameter), T.ID),
        "currency": code_of(settlement.get(T.InvoiceCurrencyCode)),
        "tax_currency": code_of(settlement.get(T.TaxCurrencyCode)),  # blank is there: BR-CL-05, BR-53 ask it
        "payment_terms": _get(terms, T.Description),
        "due_date": _date(terms.get(T.DueDateDateTime)),
        "buyer_accounting_ref": _child_text(settlement.get(T.ReceivableSpecifiedTradeAccountingAccount), T.ID),
        "despatch_advice_ref": _child_text(delivery.get(T.DespatchAdviceReferencedDocument), T.IssuerAssignedID),
        "receiving_advice_ref": _child_text(delivery.get(T.ReceivingAdviceReferencedDocument), T.IssuerAssignedID),
        "delivery": _delivery(delivery),
        "lines": read_lines(transaction, parts),
    }
    _agreement(agreement_element, fields)
    _settlement(settlement_element, settlement, _get(terms, T.DirectDebitMandateID), fields)
    # Invoice.absent_groups: the elements the artefacts' contexts of BR-12…15 and BR-CO-26 need.
    present = {
        "BG-4": T.SellerTradeParty in _kids(agreement_element),
        "BG-22": T.SpecifiedTradeSettlementHeaderMonetarySummation in settlement,
    }
    fields["absent_groups"] = [group for group, there in present.items() if not there] or None
    fields["cii_taxed_items"] = taxed_items(transaction, parts)
    invoice = Invoice(**fields)
    invoice.blank_terms = blank_terms(transaction, parts, invoice, document_element)
    return invoice


def _note(element: Any) -> Note:
    kids = _kids(element)
    # Blank is there (""): BR-CL-08 is asked of every ram:SubjectCode.
    return Note(text=_get(kids, T.Content), subject_code=code_of(kids.get(T.SubjectCode)))


def _agreement(element: Any, fields: dict[str, Any]) -> None:
    kids = _kids(element)
    fields["buyer_reference"] = _get(kids, T.BuyerReference)
    fields["seller"] = _party(kids.get(T.SellerTradeParty))
    fields["buyer"] = _party(kids.get(T.BuyerTradeParty))
    fields["tax_representative"] = _tax_representative(kids.get(T.SellerTaxRepresentativeTradeParty))
    fields["sales_order_ref"] = _child_text(kids.get(T.SellerOrderReferencedDocument), T.IssuerAssignedID)
    fields["purchase_order_ref"] = _child_text(kids.get(T.BuyerOrderReferencedDocument), T.IssuerAssignedID)
    fields["contract_ref"] = _child_text(kids.get(T.ContractReferencedDocument), T.IssuerAssignedID)
    fields["project_ref"] = _child_text(kids.get(T.SpecifiedProcuringProject), T.ID)
    attachments: list[Attachment] = []
    for document in map(_kids, _all(element, T.AdditionalReferencedDocument, kids)):
        type_code = _get(document, T.TypeCode)
        if type_code == TENDER_DOC:
            fields.setdefault("tender_ref", _get(document, T.IssuerAssignedID))
        elif type_code == INVOICED_OBJECT_DOC:
            fields.setdefault("invoiced_object", _object_reference(document))
        else:
            # 916, or a code only richer profiles use: kept as a supporting document rather than dropped.
            attachments.append(_attachment(document))
    fields["attachments"] = attachments


def _attachment(document: Kids) -> Attachment:
    binary = document.get(T.AttachmentBinaryObject)
    return Attachment(
        id=_get(document, T.IssuerAssignedID),
        description=_get(document, T.Name),
        uri=_get(document, T.URIID),
        content=_binary(binary),
        mime_code=code_attribute_of(binary, "mimeCode"),  # blank is there: BR-CL-24 looks every @mimeCode up
        filename=_attr(binary, "filename"),
    )


# --- settlement -----------------------------------------------------------------------------------------------------


def _settlement(element: Any, kids: Kids, mandate: str | None, fields: dict[str, Any]) -> None:
    fields["payee"] = _payee(kids.get(T.PayeeTradeParty))
    fields["payment"] = _payment(element, kids, mandate)
    fields["invoicing_period"] = _period(kids.get(T.BillingSpecifiedPeriod))
    fields["allowances_charges"] = [
        _allowance_charge(item) for item in _all(element, T.SpecifiedTradeAllowanceCharge, kids)
    ]
    fields["preceding_invoices"] = [
        PrecedingInvoice(number=_get(document, T.IssuerAssignedID), date=_date(document.get(T.FormattedIssueDateTime)))
        for document in map(_kids, _all(element, T.InvoiceReferencedDocument, kids))
    ]
    breakdown = []
    for tax_element in _all(element, T.ApplicableTradeTax, kids):
        tax = _kids(tax_element)
        vat = tax if _is_vat(tax) else _EMPTY  # category and rate count only in a VAT tax (cii_values._vat_tax)
        breakdown.append(
            VatBreakdown(
                taxable_amount=_amount(tax, T.BasisAmount),
                tax_amount=_amount(tax, T.CalculatedAmount),
                category=code_of(vat.get(T.CategoryCode)),
                rate=_amount(vat, T.RateApplicablePercent),
                # Blank is there (""): the -10 rules test (ram:ExemptionReason) or (ram:ExemptionReasonCode), and
                # BR-CL-22 looks every ram:ExemptionReasonCode up.
                exemption_reason=code_of(tax.get(T.ExemptionReason)),
                exemption_code=code_of(tax.get(T.ExemptionReasonCode)),
            )
        )
        # BT-7 and BT-8 are document-level terms that CII carries per VAT breakdown: the first one given wins, but
        # for BT-8 a later code outside UNTDID 2475, or a blank one, wins over a valid one: BR-CL-06 is asked of
        # every DueDateTypeCode, blank ones included.
        if fields.get("tax_point_date") is None:
            fields["tax_point_date"] = _date(tax.get(T.TaxPointDate))
        code, current = code_of(tax.get(T.DueDateTypeCode)), fields.get("vat_point_code")
        if code is not None and (current is None or (code not in CII_TO_VAT_POINT and current in VAT_POINT_TO_CII)):
            fields["vat_point_code"] = _vat_point_code(code)
    fields["vat_breakdown"] = breakdown
    summations = list(_all(element, T.SpecifiedTradeSettlementHeaderMonetarySummation, kids))
    fields["totals"] = _totals(kids.get(T.SpecifiedTradeSettlementHeaderMonetarySummation), fields, summations[1:])


def _payment(element: Any, kids: Kids, mandate: str | None) -> Payment | None:
    """BG-16. CII repeats SpecifiedTradeSettlementPaymentMeans once per credit transfer account (BG-17 is 0..n)."""
    remittance = _get(kids, T.PaymentReference)
    creditor_id = _get(kids, T.CreditorReferenceID)
    means = [_kids(item) for item in _all(element, T.SpecifiedTradeSettlementPaymentMeans, kids)]
    if not means and remittance is None and creditor_id is None and mandate is None:
        return None
    first = means[0] if means else _EMPTY
    # BG-18 and BT-91 appear once in EN 16931, on whichever payment means carries them.
    card = next(
        (m[T.ApplicableTradeSettlementFinancialCard] for m in means if T.ApplicableTradeSettlementFinancialCard in m),
        None,
    )
    debtor = next(
        (m[T.PayerPartyDebtorFinancialAccount] for m in means if T.PayerPartyDebtorFinancialAccount in m), None
    )
    debited = _child_text(debtor, T.IBANID)
    has_debit = mandate is not None or creditor_id is not None or debited is not None
    means_code = code_of(first.get(T.TypeCode))
    others = {code_of(m.get(T.TypeCode)) for m in means[1:]} - {means_code, None}
    return Payment(
        means_code=means_code,
        other_means_codes=sorted(code for code in others if code is not None) or None,
        means_text=_get(first, T.Information),
        remittance_info=remittance,
        credit_transfers=[
            _credit_transfer(m)
            for m in means
            if T.PayeePartyCreditorFinancialAccount in m or T.PayeeSpecifiedCreditorFinancialInstitution in m
        ],
        card=_card(card),
        direct_debit=DirectDebit(mandate_reference=mandate, creditor_id=creditor_id, debited_account_id=debited)
        if has_debit
        else None,
    )


def _credit_transfer(means: Kids) -> CreditTransfer:
    account = _kids(means.get(T.PayeePartyCreditorFinancialAccount))
    return CreditTransfer(
        account_id=_get(account, T.IBANID) or _get(account, T.ProprietaryID),
        account_name=_get(account, T.AccountName),
        provider_id=_child_text(means.get(T.PayeeSpecifiedCreditorFinancialInstitution), T.BICID),
    )


def _card(element: Any) -> Card | None:
    if element is None:
        return None
    kids = _kids(element)
    return Card(primary_account_number=_get(kids, T.ID), holder_name=_get(kids, T.CardholderName))


def _totals(element: Any, fields: dict[str, Any], repeated: Any = ()) -> Totals:
    """BG-22 from the first monetary summation; a repeated one (an XSD error) still counts in BR-CO-15, which
    counts the VAT totals in BT-5 across every summation."""
    kids = _kids(element)
    currency, tax_currency = fields["currency"], fields["tax_currency"]
    vat = vat_accounting = None
    # BR-CO-15 counts the VAT totals in BT-5 (Totals.vat_totals_in_currency); a blank currencyID is "".
    vat_totals = _all(element, T.TaxTotalAmount, kids)
    every = [*vat_totals, *(total for other in repeated for total in _all(other, T.TaxTotalAmount))]
    in_currency = sum(code_attribute_of(total, "currencyID") == currency for total in every)
    # Up to two TaxTotalAmount, told apart by currencyID: in BT-5 it is BT-110, in BT-6 it is BT-111. The one in
    # BT-5 is BT-110 wherever it stands (BR-CO-14 and BR-CO-15 read that one); without one, the first not in BT-6.
    if in_currency:
        vat_totals = sorted(vat_totals, key=lambda total: code_attribute_of(total, "currencyID") != currency)
    for total in vat_totals:
        value = _decimal(total)
        unit = code_attribute_of(total, "currencyID")
        if value is None:
            continue
        if vat is None and (unit is None or unit == currency or unit != tax_currency):
            vat = value
        elif vat_accounting is None and (tax_currency is None or unit == tax_currency):
            # With a BT-6, BT-111 is the total in it: BR-53 and BR-DEC-15 look for that one.
            vat_accounting = value
    # BR-CL-03 in CII checks the currencyID of TaxTotalAmount only (Invoice.currency_ids).
    found = {code_attribute_of(total, "currencyID") for total in _all(element, T.TaxTotalAmount, kids)} - {None}
    if found != {currency, tax_currency} - {None}:  # BT-5 or BT-6 without a VAT total in it is not checked there
        fields["currency_ids"] = sorted(value for value in found if value is not None)
    return Totals(
        line_net=_amount(kids, T.LineTotalAmount),
        allowances=_amount(kids, T.AllowanceTotalAmount),
        charges=_amount(kids, T.ChargeTotalAmount),
        without_vat=_amount(kids, T.TaxBasisTotalAmount),
        vat=vat,
        vat_in_accounting_currency=vat_accounting,
        vat_totals_in_currency=None if currency is None or in_currency == 1 else in_currency,
        with_vat=_amount(kids, T.GrandTotalAmount),
        prepaid=_amount(kids, T.TotalPrepaidAmount),
        rounding=_amount(kids, T.RoundingAmount),
        due=_amount(kids, T.DuePayableAmount),
    )
