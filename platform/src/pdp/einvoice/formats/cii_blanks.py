"""Invoice.blank_terms for CII: terms whose element is there but blank, where the CEN CII artefact tests existence.

The model reads a blank term as absent, yet the CII artefact accepts a line whose ``ram:BilledQuantity`` is there
(BR-22) and an item attribute with a ``ram:Description`` and a ``ram:Value`` (BR-54), blank or not; and it asks
BR-29 and BR-30 compare the periods' ``udt:DateTimeString[@format = '102']``, so a start or end element without
one is kept ("BT-73", "BT-74", "BT-134@line", "BT-135@line"): the comparison fails. The artefact also asks
BR-50 and BR-61 of every creditor account of a credit transfer, so an account element whose IBANID or
ProprietaryID is blank is kept as "BT-84@k" (k: the credit transfer's index), one with neither element as "BG-17@k"
(BR-61 wants the element, BR-50 its content). An allowance or charge whose ram:ActualAmount is blank is kept as
"BT-92/99" (document level) or "BT-136/141@line": BR-31/36/41/43 test the element's existence. Each check looks only
where the model lacks the term, so a complete document costs nothing.
"""

from __future__ import annotations

from typing import Any

from pdp.einvoice.formats.cii_values import UDT, Kids, T, _all, _kids
from pdp.einvoice.formats.xmltext import text_of
from pdp.einvoice.model import Invoice, Period

_DATE_TIME_STRING = f"{{{UDT}}}DateTimeString"
# A tender, invoiced object or line object reference (BT-17, BT-18, BT-128) written without identifier (BR-52).
UNNAMED_REFERENCE = "BT-17/18/128"


def blank_terms(transaction: Any, parts: Kids, invoice: Invoice, document: Any) -> list[str] | None:
    """Terms as "BT-129@line", "BT-160@line.attribute", "BT-161@line.attribute" (0-based), "BT-84@transfer",
    "BG-17@transfer"."""
    found: list[str] = []
    elements: list[Any] | None = None
    for index, line in enumerate(invoice.lines):
        if line.quantity is None or line.net_amount is None or any(not (a.name and a.value) for a in line.attributes):
            if elements is None:
                elements = list(_all(transaction, T.IncludedSupplyChainTradeLineItem, parts))
            found += _line_blanks(_kids(elements[index]), index)
    if invoice.invoicing_period is not None:
        header = _kids(parts.get(T.ApplicableHeaderTradeSettlement))
        found += _undated(header.get(T.BillingSpecifiedPeriod), "BT-73", "BT-74")
        found += _dateless(header.get(T.BillingSpecifiedPeriod), invoice.invoicing_period, "BT-73/74")
    for index, line in enumerate(invoice.lines):
        if line.period is not None:
            if elements is None:
                elements = list(_all(transaction, T.IncludedSupplyChainTradeLineItem, parts))
            settlement = _kids(_kids(elements[index]).get(T.SpecifiedLineTradeSettlement))
            found += _undated(settlement.get(T.BillingSpecifiedPeriod), f"BT-134@{index}", f"BT-135@{index}")
            found += _dateless(settlement.get(T.BillingSpecifiedPeriod), line.period, f"BT-134/135@{index}")
    if _unnamed_references(transaction) > sum(not attachment.id for attachment in invoice.attachments):
        found.append(UNNAMED_REFERENCE)
    payment = invoice.payment
    if payment is not None and any(not ct.account_id for ct in payment.credit_transfers):
        found += _account_blanks(parts.get(T.ApplicableHeaderTradeSettlement))
    if payment is not None and _uncoded_means(parts.get(T.ApplicableHeaderTradeSettlement)):
        found.append("BT-81")  # a payment means element without TypeCode: BR-49 is asked of each
    found += _amount_blanks(transaction, parts, invoice)
    found += _unschemed_addresses(parts, invoice)
    if invoice.issue_date is not None and _unformatted_issue_date(document):
        found.append("BT-2")
    found += _blank_payee_name(parts, invoice)
    seller = invoice.seller
    if not (seller.identifiers or seller.legal_id or seller.vat_id is not None):
        found += _blank_seller_ids(parts)
    return found or None


def _blank_payee_name(parts: Kids, invoice: Invoice) -> list[str]:
    """BR-17 tests the payee's (ram:Name) by existence: a blank one is there ("BT-59")."""
    if invoice.payee is None or invoice.payee.name is not None:
        return []
    payee = _kids(_kids(parts.get(T.ApplicableHeaderTradeSettlement)).get(T.PayeeTradeParty))
    return ["BT-59"] if T.Name in payee else []


def _blank_seller_ids(parts: Kids) -> list[str]:
    """BR-CO-26 tests the seller's ram:ID, ram:GlobalID and SpecifiedLegalOrganization/ram:ID by existence: a blank
    one is there ("BT-29", "BT-30"), where the model has no identifier."""
    seller = _kids(_kids(parts.get(T.ApplicableHeaderTradeAgreement)).get(T.SellerTradeParty))
    found = ["BT-29"] if T.ID in seller or T.GlobalID in seller else []
    if T.ID in _kids(seller.get(T.SpecifiedLegalOrganization)):
        found.append("BT-30")
    return found


def _unformatted_issue_date(document: Any) -> bool:
    """BR-03 asks normalize-space(ram:IssueDateTime/udt:DateTimeString[@format='102']) != '': a date pdp reads from
    a string without that format attribute fails it there (``document``: rsm:ExchangedDocument)."""
    issued = _kids(document).get(T.IssueDateTime)
    return issued is not None and not any(
        child.tag == _DATE_TIME_STRING and child.get("format") == "102" and text_of(child) is not None
        for child in issued[:]
    )


def _unschemed_addresses(parts: Kids, invoice: Invoice) -> list[str]:
    """BR-62/BR-63 ask the schemeID of the party's first ram:URIUniversalCommunication/ram:URIID whenever that
    element is there: one without URIID, or with a blank URIID and no schemeID (no BT-34/BT-49 for the model), fails
    them. Kept as "BT-34" (seller), "BT-49" (buyer)."""
    found = []
    agreement: Kids | None = None
    for term, party, tag in (
        ("BT-34", invoice.seller, T.SellerTradeParty),
        ("BT-49", invoice.buyer, T.BuyerTradeParty),
    ):
        if party.electronic_address is not None:
            continue
        if agreement is None:
            agreement = _kids(parts.get(T.ApplicableHeaderTradeAgreement))
        communication = _kids(agreement.get(tag)).get(T.URIUniversalCommunication)
        if communication is None:
            continue
        uri = _kids(communication).get(T.URIID)
        if uri is None or not (uri.get("schemeID") or "").strip():
            found.append(term)
    return found


def _amount_blanks(transaction: Any, parts: Kids, invoice: Invoice) -> list[str]:
    found = []
    if any(ac.amount is None for ac in invoice.allowances_charges) and _blank_amount(
        parts.get(T.ApplicableHeaderTradeSettlement)
    ):
        found.append("BT-92/99")
    elements: list[Any] | None = None
    for index, line in enumerate(invoice.lines):
        if any(ac.amount is None for ac in line.allowances_charges):
            if elements is None:
                elements = list(_all(transaction, T.IncludedSupplyChainTradeLineItem, parts))
            if _blank_amount(_kids(elements[index]).get(T.SpecifiedLineTradeSettlement)):
                found.append(f"BT-136/141@{index}")
    return found


def _blank_amount(settlement: Any) -> bool:
    """An allowance or charge of ``settlement`` whose ram:ActualAmount is there but blank: the CEN CII artefact
    tests the element's existence (BR-31, BR-36, BR-41, BR-43), the model has no amount."""
    return any(
        T.ActualAmount in charge and text_of(charge[T.ActualAmount]) is None
        for charge in map(_kids, _all(settlement, T.SpecifiedTradeAllowanceCharge))
    )


def _line_blanks(line: Kids, index: int) -> list[str]:
    found = []
    if T.BilledQuantity in _kids(line.get(T.SpecifiedLineTradeDelivery)):
        found.append(f"BT-129@{index}")
    settlement = _kids(line.get(T.SpecifiedLineTradeSettlement))
    if T.LineTotalAmount in _kids(settlement.get(T.SpecifiedTradeSettlementLineMonetarySummation)):
        found.append(f"BT-131@{index}")  # BR-24 tests the element (read only where the model has no amount)
    product = line.get(T.SpecifiedTradeProduct)
    for number, attribute in enumerate(map(_kids, _all(product, T.ApplicableProductCharacteristic))):
        if T.Description in attribute:
            found.append(f"BT-160@{index}.{number}")
        if T.Value in attribute:
            found.append(f"BT-161@{index}.{number}")
    return found


def _unnamed_references(transaction: Any) -> int:
    """The AdditionalReferencedDocuments anywhere (lxml's C-level tag search) without a non-blank IssuerAssignedID:
    BR-52 asks every one of them, the tender (BT-17), invoiced object (BT-18) and line object (BT-128) ones too,
    which the model keeps without their element."""
    if transaction is None:
        return 0
    return sum(
        text_of(_kids(reference).get(T.IssuerAssignedID)) is None
        for reference in transaction.iter(T.AdditionalReferencedDocument)
    )


def _uncoded_means(settlement: Any) -> bool:
    return any(T.TypeCode not in _kids(means) for means in _all(settlement, T.SpecifiedTradeSettlementPaymentMeans))


def _undated(period: Any, start: str, end: str) -> list[str]:
    """A period's start and end whose element is there without the ``udt:DateTimeString[@format = '102']`` the
    artefact compares (BR-29, BR-30): none, or another format's, which pdp may still read as a date. The artefact
    compares the strings as strings, so a blank end ('' >= a start) fails too, while a blank start passes."""
    kids = _kids(period)
    found = []
    for term, tag in ((start, T.StartDateTime), (end, T.EndDateTime)):
        element = kids.get(tag)
        if element is None:
            continue
        strings = [child for child in element[:] if child.tag == _DATE_TIME_STRING and child.get("format") == "102"]
        if not strings or (tag == T.EndDateTime and text_of(strings[0]) is None):
            found.append(term)
    return found


def _dateless(element: Any, period: Period, term: str) -> list[str]:
    """BR-CO-19 and BR-CO-20 test ``(ram:StartDateTime) or (ram:EndDateTime)`` by existence: a period with such an
    element whose date pdp does not read (blank) still has one there ("BT-73/74", "BT-134/135@line")."""
    if period.start is not None or period.end is not None:
        return []
    kids = _kids(element)
    return [term] if T.StartDateTime in kids or T.EndDateTime in kids else []


def _account_blanks(settlement: Any) -> list[str]:
    """The credit transfers (as cii_read._payment lists them) whose account element has no account identifier."""
    found = []
    transfers = [
        means
        for means in map(_kids, _all(settlement, T.SpecifiedTradeSettlementPaymentMeans))
        if T.PayeePartyCreditorFinancialAccount in means or T.PayeeSpecifiedCreditorFinancialInstitution in means
    ]
    for index, means in enumerate(transfers):
        account = means.get(T.PayeePartyCreditorFinancialAccount)
        # The artefact asks only the accounts of a means whose ram:TypeCode is '30' or '58', compared as written.
        code = means.get(T.TypeCode)
        if account is None or code is None or code.text not in ("30", "58"):
            continue
        ids = _kids(account)
        if T.IBANID not in ids and T.ProprietaryID not in ids:
            found.append(f"BG-17@{index}")  # an account element without any identifier element
        elif text_of(ids.get(T.IBANID)) is None and text_of(ids.get(T.ProprietaryID)) is None:
            found.append(f"BT-84@{index}")
    return found
