"""Read a UBL 2.1 Invoice or CreditNote into the canonical EN 16931 :class:`Invoice`.

Reading is on the request path, so each element's children are indexed once (``_children``) and every term is then
a dictionary lookup: lxml's ``find`` goes through its Python ElementPath layer on every call, which made it several
times slower than one pass over the children.

A term the document lacks is ``None``, mandatory or not (the model holds what the document says; the BR-xx rules
report what is missing), so an incomplete document still gives an :class:`Invoice`. Only a root that is not UBL,
or a value that does not parse to its XML Schema type (xsd:date, xsd:decimal, xsd:boolean, base64Binary), makes the
document unreadable (:class:`UnreadableDocument`, rule ``PDP-UBL-UNREADABLE``, with the element's path).
"""

from __future__ import annotations

import binascii
import re
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, cast

from lxml import etree

from pdp.tenants.invoices.findings import UnreadableDocument, finding
from pdp.tenants.invoices.model import (
    Address,
    AllowanceCharge,
    Attachment,
    Card,
    Classification,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    Identifier,
    Invoice,
    ItemAttribute,
    Line,
    Note,
    Party,
    Payee,
    Payment,
    Period,
    PrecedingInvoice,
    TaxRepresentative,
    Totals,
    VatBreakdown,
)

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
INVOICE_TAG = f"{{{NS_INVOICE}}}Invoice"
CREDIT_NOTE_TAG = f"{{{NS_CREDIT_NOTE}}}CreditNote"
RULE = "PDP-UBL-UNREADABLE"

# EN 16931 UBL binding: these document type codes turn an AdditionalDocumentReference into a business term.
INVOICED_OBJECT_TYPE = "130"  # BT-18 (and BT-128 on a line)
PROJECT_TYPE = "50"  # BT-11 in a CreditNote, which has no cac:ProjectReference
VAT_SCHEME = "VAT"  # cac:TaxScheme/cbc:ID of VAT categories and VAT identifiers (BT-31, BT-48, BT-63)
SEPA_SCHEME = "SEPA"  # a seller/payee PartyIdentification in this scheme is BT-90, not BT-29/BT-60
NOT_APPLICABLE = "NA"  # OrderReference/ID is mandatory in UBL: Peppol writes "NA" when only BT-14 exists


class Namespace:
    """Clark names as attributes (``CBC.ID`` is ``{…CommonBasicComponents-2}ID``), built once then cached."""

    def __init__(self, uri: str) -> None:
        self.uri = uri

    def __getattr__(self, local: str) -> str:
        name = f"{{{self.uri}}}{local}"
        setattr(self, local, name)
        return name


CAC = Namespace(NS_CAC)
CBC = Namespace(NS_CBC)
A, B = CAC, CBC

Kids = dict[Any, list[Any]]
_EMPTY: Kids = {}
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")  # xsd:decimal; Decimal() alone also takes "1e5", "NaN", "1_0"
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?")  # xsd:date, time zone ignored
_PREFIXES = {NS_CAC: "cac:", NS_CBC: "cbc:"}
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


# --- value parsers ---------------------------------------------------------------------------------------------


def _children(element: Any) -> Kids:
    if element is None:
        return _EMPTY
    index: Kids = {}
    for child in element:
        tag = child.tag  # lxml builds this string on each access
        bucket = index.get(tag)
        if bucket is None:
            index[tag] = [child]
        else:
            bucket.append(child)
    return index


def _first(kids: Kids, tag: str) -> Any:
    found = kids.get(tag)
    return found[0] if found else None


def _every(kids: Kids, tag: str) -> list[Any]:
    return kids.get(tag, [])


def _text_of(element: Any) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _child_text(kids: Kids, tag: str) -> str | None:
    # The most called helper: inlined rather than _text_of(_first(...)), as call overhead dominates reading.
    found = kids.get(tag)
    if not found or found[0].text is None:
        return None
    return found[0].text.strip() or None


def _joined(elements: list[Any]) -> str | None:
    # UBL repeats some 0..1 EN 16931 terms (line note, item description): keep every part rather than the first.
    parts = [text for text in map(_text_of, elements) if text]
    return "\n".join(parts) or None


def _attribute_of(element: Any, name: str) -> str | None:
    if element is None:
        return None
    value = element.get(name)
    if value is None:
        return None
    return value.strip() or None


def _decimal_of(element: Any) -> Decimal | None:
    text = _text_of(element)
    if text is None:
        return None
    if _DECIMAL.fullmatch(text) is None:
        raise _unreadable(element, text, "decimal number", "un nombre décimal")
    return Decimal(text)


def _date_of(element: Any) -> date | None:
    text = _text_of(element)
    if text is None:
        return None
    match = _DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise _unreadable(element, text, "date (YYYY-MM-DD)", "une date (AAAA-MM-JJ)") from None


def _bool_of(element: Any) -> bool | None:
    text = _text_of(element)
    if text is None:
        return None
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise _unreadable(element, text, "boolean (true/false)", "un booléen (true/false)")


def _binary_of(element: Any) -> bytes | None:
    text = _text_of(element)
    if text is None:
        return None
    # strict_mode validates in C (b64decode(validate=True) adds a Python regex pass over megabytes of attachment).
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except ValueError:  # binascii.Error, or a non-ASCII character
        pass
    try:  # base64 wrapped over several lines is common and valid XML Schema base64Binary
        return binascii.a2b_base64("".join(text.split()), strict_mode=True)
    except ValueError:
        raise _unreadable(element, text, "base64 content", "un contenu base64") from None


def _unreadable(element: Any, text: str, kind: str, kind_fr: str) -> UnreadableDocument:
    where = _path(element)
    shown = text if len(text) <= 40 else f"{text[:40]}…"
    message = f"{where}: {shown!r} is not a valid {kind}."
    message_fr = f"{where} : {shown!r} n'est pas {kind_fr} valide."
    error = UnreadableDocument(RULE, message, message_fr)
    error.finding = finding(RULE, "fatal", message, message_fr, xpath=where)
    return error


def _path(element: Any) -> str:
    # Only built for an error message, so walking up and counting siblings is fine here.
    steps: list[str] = []
    while element is not None:
        qname = etree.QName(element)
        step = _PREFIXES.get(qname.namespace or "", "") + qname.localname
        parent = element.getparent()
        if parent is not None:
            siblings = list(parent.iterchildren(element.tag))
            if len(siblings) > 1:
                step += f"[{siblings.index(element) + 1}]"
        steps.append(step)
        element = parent
    return "/" + "/".join(reversed(steps))


def _identifier_of(element: Any) -> Identifier | None:
    value = _text_of(element)
    return None if value is None else Identifier(value=value, scheme=_attribute_of(element, "schemeID"))


def _child_id(kids: Kids, tag: str) -> str | None:
    """``cbc:ID`` of the first ``tag`` child (the shape of every document reference)."""
    return _child_text(_children(_first(kids, tag)), B.ID)


# --- the document -----------------------------------------------------------------------------------------------


class _References(NamedTuple):
    invoiced_object: Identifier | None
    project: str | None
    attachments: list[Attachment]


class _Tax(NamedTuple):
    vat: Decimal | None
    vat_in_accounting_currency: Decimal | None
    breakdown: list[VatBreakdown]


def _invoice(root: Any) -> Invoice:
    credit = root.tag == CREDIT_NOTE_TAG
    k = _children(root)
    currency = _child_text(k, B.DocumentCurrencyCode)
    tax_currency = _child_text(k, B.TaxCurrencyCode)
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
    tax = _tax_totals(_every(k, A.TaxTotal), currency, tax_currency)
    return Invoice(
        number=_child_text(k, B.ID),
        issue_date=_date_of(_first(k, B.IssueDate)),
        type_code=_child_text(k, B.CreditNoteTypeCode if credit else B.InvoiceTypeCode),
        currency=currency,
        tax_currency=tax_currency,
        tax_point_date=_date_of(_first(k, B.TaxPointDate)),
        vat_point_code=_child_text(period, B.DescriptionCode),
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
        preceding_invoices=[ref for ref in map(_preceding, _every(k, A.BillingReference)) if ref is not None],
        seller=seller,
        buyer=buyer,
        payee=payee,
        tax_representative=_tax_representative(_first(k, A.TaxRepresentativeParty)),
        delivery=_delivery(_first(k, A.Delivery)),
        invoicing_period=_period(period),
        payment=payment,
        allowances_charges=[_allowance_charge(el) for el in _every(k, A.AllowanceCharge)],
        totals=_totals(_children(_first(k, A.LegalMonetaryTotal)), tax),
        vat_breakdown=tax.breakdown,
        attachments=refs.attachments,
        lines=[_line(el, credit) for el in _every(k, A.CreditNoteLine if credit else A.InvoiceLine)],
    )


def _note(element: Any) -> Note | None:
    text = _text_of(element)
    if text is None:
        return None
    match = _SUBJECT.match(text)
    if match is None:
        return Note(text=text)
    return Note(text=match[2].strip() or None, subject_code=match[1])


def _period(kids: Kids) -> Period | None:
    start, end = _date_of(_first(kids, B.StartDate)), _date_of(_first(kids, B.EndDate))
    # The header DescriptionCode is BT-8, kept on Invoice.vat_point_code; a period is only its dates.
    return None if start is None and end is None else Period(start=start, end=end)


def _preceding(element: Any) -> PrecedingInvoice | None:
    ref = _first(_children(element), A.InvoiceDocumentReference)
    if ref is None:
        return None
    rk = _children(ref)
    return PrecedingInvoice(number=_child_text(rk, B.ID), date=_date_of(_first(rk, B.IssueDate)))


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
        mime_code=_attribute_of(blob, "mimeCode"),
        filename=_attribute_of(blob, "filename"),
    )


# --- parties ----------------------------------------------------------------------------------------------------


def _identifications(kids: Kids, keep_sepa: bool) -> tuple[list[Identifier], str | None]:
    identifiers: list[Identifier] = []
    sepa: str | None = None
    for element in _every(kids, A.PartyIdentification):
        identifier = _identifier_of(_first(_children(element), B.ID))
        if identifier is None:
            continue
        if identifier.scheme == SEPA_SCHEME and not keep_sepa:
            sepa = sepa or identifier.value
        else:
            identifiers.append(identifier)
    return identifiers, sepa


def _party(element: Any, keep_sepa: bool) -> tuple[Party, str | None]:
    k = _children(element)
    identifiers, sepa = _identifications(k, keep_sepa)
    vat_id = tax_registration_id = None
    for scheme_el in _every(k, A.PartyTaxScheme):
        sk = _children(scheme_el)
        company_id = _child_text(sk, B.CompanyID)
        if _child_text(_children(_first(sk, A.TaxScheme)), B.ID) == VAT_SCHEME:
            vat_id = vat_id or company_id
        else:
            tax_registration_id = tax_registration_id or company_id
    legal = _children(_first(k, A.PartyLegalEntity))
    party = Party(
        name=_child_text(legal, B.RegistrationName),
        trading_name=_child_text(_children(_first(k, A.PartyName)), B.Name),
        identifiers=identifiers,
        legal_id=_identifier_of(_first(legal, B.CompanyID)),
        vat_id=vat_id,
        tax_registration_id=tax_registration_id,
        legal_info=_child_text(legal, B.CompanyLegalForm),
        electronic_address=_identifier_of(_first(k, B.EndpointID)),
        address=_address(_first(k, A.PostalAddress)),
        contact=_contact(_first(k, A.Contact)),
    )
    return party, sepa


def _address(element: Any) -> Address | None:
    if element is None:
        return None
    k = _children(element)
    return Address(
        line1=_child_text(k, B.StreetName),
        line2=_child_text(k, B.AdditionalStreetName),
        line3=_child_text(_children(_first(k, A.AddressLine)), B.Line),
        city=_child_text(k, B.CityName),
        postal_code=_child_text(k, B.PostalZone),
        subdivision=_child_text(k, B.CountrySubentity),
        country_code=_child_text(_children(_first(k, A.Country)), B.IdentificationCode),
    )


def _contact(element: Any) -> Contact | None:
    if element is None:
        return None
    k = _children(element)
    return Contact(
        name=_child_text(k, B.Name), phone=_child_text(k, B.Telephone), email=_child_text(k, B.ElectronicMail)
    )


def _payee(element: Any, keep_sepa: bool) -> tuple[Payee | None, str | None]:
    if element is None:
        return None, None
    k = _children(element)
    identifiers, sepa = _identifications(k, keep_sepa)
    payee = Payee(
        name=_child_text(_children(_first(k, A.PartyName)), B.Name),
        identifier=identifiers[0] if identifiers else None,
        legal_id=_identifier_of(_first(_children(_first(k, A.PartyLegalEntity)), B.CompanyID)),
    )
    return payee, sepa


def _tax_representative(element: Any) -> TaxRepresentative | None:
    if element is None:
        return None
    k = _children(element)
    return TaxRepresentative(
        name=_child_text(_children(_first(k, A.PartyName)), B.Name),
        vat_id=_child_text(_children(_first(k, A.PartyTaxScheme)), B.CompanyID),
        address=_address(_first(k, A.PostalAddress)),
    )


def _delivery(element: Any) -> Delivery | None:
    if element is None:
        return None
    k = _children(element)
    location = _children(_first(k, A.DeliveryLocation))
    return Delivery(
        party_name=_child_text(_children(_first(_children(_first(k, A.DeliveryParty)), A.PartyName)), B.Name),
        location_id=_identifier_of(_first(location, B.ID)),
        date=_date_of(_first(k, B.ActualDeliveryDate)),
        address=_address(_first(location, A.Address)),
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
        means_code=_text_of(code),
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


def _terms_due_date(terms: list[Any]) -> date | None:
    for term in terms:
        due = _date_of(_first(_children(term), B.PaymentDueDate))
        if due is not None:
            return due
    return None


def _allowance_charge(element: Any) -> AllowanceCharge:
    k = _children(element)
    category = _children(_first(k, A.TaxCategory))
    return AllowanceCharge(
        # The one mandatory term the model types without None; a missing ChargeIndicator (an XSD error, reported
        # there) stays None rather than being guessed.
        is_charge=cast(bool, _bool_of(_first(k, B.ChargeIndicator))),
        amount=_decimal_of(_first(k, B.Amount)),
        base_amount=_decimal_of(_first(k, B.BaseAmount)),
        percentage=_decimal_of(_first(k, B.MultiplierFactorNumeric)),
        vat_category=_child_text(category, B.ID),
        vat_rate=_decimal_of(_first(category, B.Percent)),
        reason=_child_text(k, B.AllowanceChargeReason),
        reason_code=_child_text(k, B.AllowanceChargeReasonCode),
    )


def _tax_totals(totals: list[Any], currency: str | None, tax_currency: str | None) -> _Tax:
    """BT-110 with its BG-23 breakdown, and BT-111: the TaxTotal whose amount is in the tax currency (BT-6)."""
    vat: Decimal | None = None
    accounting: Decimal | None = None
    breakdown: list[VatBreakdown] = []
    main_seen = False
    distinct_tax_currency = tax_currency is not None and tax_currency != currency
    for total in totals:
        tk = _children(total)
        amount = _first(tk, B.TaxAmount)
        if distinct_tax_currency and _attribute_of(amount, "currencyID") == tax_currency:
            accounting = accounting if accounting is not None else _decimal_of(amount)
        elif not main_seen:
            main_seen = True
            vat = _decimal_of(amount)
            breakdown = [_subtotal(el) for el in _every(tk, A.TaxSubtotal)]
        elif accounting is None:
            accounting = _decimal_of(amount)
    return _Tax(vat, accounting, breakdown)


def _subtotal(element: Any) -> VatBreakdown:
    k = _children(element)
    category = _children(_first(k, A.TaxCategory))
    return VatBreakdown(
        taxable_amount=_decimal_of(_first(k, B.TaxableAmount)),
        tax_amount=_decimal_of(_first(k, B.TaxAmount)),
        category=_child_text(category, B.ID),
        rate=_decimal_of(_first(category, B.Percent)),
        exemption_reason=_joined(_every(category, B.TaxExemptionReason)),
        exemption_code=_child_text(category, B.TaxExemptionReasonCode),
    )


def _totals(k: Kids, tax: _Tax) -> Totals:
    return Totals(
        line_net=_decimal_of(_first(k, B.LineExtensionAmount)),
        allowances=_decimal_of(_first(k, B.AllowanceTotalAmount)),
        charges=_decimal_of(_first(k, B.ChargeTotalAmount)),
        without_vat=_decimal_of(_first(k, B.TaxExclusiveAmount)),
        vat=tax.vat,
        vat_in_accounting_currency=tax.vat_in_accounting_currency,
        with_vat=_decimal_of(_first(k, B.TaxInclusiveAmount)),
        prepaid=_decimal_of(_first(k, B.PrepaidAmount)),
        rounding=_decimal_of(_first(k, B.PayableRoundingAmount)),
        due=_decimal_of(_first(k, B.PayableAmount)),
    )


# --- lines ------------------------------------------------------------------------------------------------------


def _line(element: Any, credit: bool) -> Line:
    k = _children(element)
    quantity = _first(k, B.CreditedQuantity if credit else B.InvoicedQuantity)
    item = _children(_first(k, A.Item))
    price = _children(_first(k, A.Price))
    price_discount = _children(_first(price, A.AllowanceCharge))
    base_quantity = _first(price, B.BaseQuantity)
    category = _children(_first(item, A.ClassifiedTaxCategory))
    return Line(
        id=_child_text(k, B.ID),
        note=_joined(_every(k, B.Note)),
        object_id=_line_object(_every(k, A.DocumentReference)),
        quantity=_decimal_of(quantity),
        unit_code=_attribute_of(quantity, "unitCode"),
        net_amount=_decimal_of(_first(k, B.LineExtensionAmount)),
        order_line_ref=_child_text(_children(_first(k, A.OrderLineReference)), B.LineID),
        buyer_accounting_ref=_child_text(k, B.AccountingCost),
        period=_period(_children(_first(k, A.InvoicePeriod))),
        allowances_charges=[_allowance_charge(el) for el in _every(k, A.AllowanceCharge)],
        net_price=_decimal_of(_first(price, B.PriceAmount)),
        price_discount=_decimal_of(_first(price_discount, B.Amount)),
        gross_price=_decimal_of(_first(price_discount, B.BaseAmount)),
        price_base_quantity=_decimal_of(base_quantity),
        price_base_unit=_attribute_of(base_quantity, "unitCode"),
        vat_category=_child_text(category, B.ID),
        vat_rate=_decimal_of(_first(category, B.Percent)),
        item_name=_child_text(item, B.Name),
        item_description=_joined(_every(item, B.Description)),
        seller_item_id=_child_id(item, A.SellersItemIdentification),
        buyer_item_id=_child_id(item, A.BuyersItemIdentification),
        standard_item_id=_identifier_of(_first(_children(_first(item, A.StandardItemIdentification)), B.ID)),
        classifications=[c for c in map(_classification, _every(item, A.CommodityClassification)) if c is not None],
        origin_country=_child_text(_children(_first(item, A.OriginCountry)), B.IdentificationCode),
        attributes=[_attribute(el) for el in _every(item, A.AdditionalItemProperty)],
    )


def _line_object(references: list[Any]) -> Identifier | None:
    # BT-128 is bound to DocumentTypeCode 130, but several published examples omit the code: accept both.
    for reference in references:
        rk = _children(reference)
        if _child_text(rk, B.DocumentTypeCode) in (None, INVOICED_OBJECT_TYPE):
            return _identifier_of(_first(rk, B.ID))
    return None


def _classification(element: Any) -> Classification | None:
    node = _first(_children(element), B.ItemClassificationCode)
    code = _text_of(node)
    if code is None:  # a list id without a code classifies nothing (and the model requires the code)
        return None
    return Classification(
        code=code,
        list_id=_attribute_of(node, "listID"),
        list_version=_attribute_of(node, "listVersionID"),
    )


def _attribute(element: Any) -> ItemAttribute:
    k = _children(element)
    return ItemAttribute(name=_child_text(k, B.Name), value=_child_text(k, B.Value))
