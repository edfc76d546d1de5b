"""CII line items (BG-25): the reference reader, and the fast path that reads them in practice.

The lines are most of the reading. :func:`read_lines` looks at each child of each line part once: it keeps the
first child of each tag it knows (what ``_kids`` gives, without building a dict per element), reads the rarer parts
with the same helpers as the reference, and parses a decimal string seen before in the document only once. Values
go through the same checks as in :func:`read_line_slow`, the plain reader it must agree with exactly (the tests
compare the two on every sample, the generated corpus and damaged lines). A line it cannot settle (a value that
fails its check, or any other error) is read again by ``read_line_slow``, which raises the precise finding.

Measured and not kept: extracting the lines with a compiled XSLT (libxslt, text output, values joined by
private-use separators). libxml2's XPath costs about a microsecond per location path, more than this walk costs
per element, so it was slower than the Python reader it was meant to replace.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pdp.einvoice.formats.cii_values import (
    _DECIMAL,
    Kids,
    T,
    _all,
    _allowance_charge,
    _amount,
    _attr,
    _child_text,
    _decimal,
    _first,
    _get,
    _ident,
    _indicator,
    _kids,
    _object_reference,
    _period,
    _text,
    _vat_tax,
)
from pdp.einvoice.formats.xmltext import code_attribute_of, code_of
from pdp.einvoice.model import Classification, Identifier, ItemAttribute, Line

# --- lines: the reference reader ------------------------------------------------------------------------------------


def read_lines_slow(transaction: Any, kids: Kids) -> list[Line]:
    """Every line item read by :func:`read_line_slow`: what :func:`read_lines` must give (used by the tests)."""
    return [read_line_slow(item) for item in _all(transaction, T.IncludedSupplyChainTradeLineItem, kids)]


def read_line_slow(element: Any) -> Line:
    """One line item, every part through ``_kids``: the plain reader, and the one that reports a bad value."""
    kids = _kids(element)
    document_element = kids.get(T.AssociatedDocumentLineDocument)
    document = _kids(document_element)
    product_element = kids.get(T.SpecifiedTradeProduct)
    product = _kids(product_element)
    agreement = _kids(kids.get(T.SpecifiedLineTradeAgreement))
    quantity = _kids(kids.get(T.SpecifiedLineTradeDelivery)).get(T.BilledQuantity)
    settlement_element = kids.get(T.SpecifiedLineTradeSettlement)
    settlement = _kids(settlement_element)
    tax = _vat_tax(settlement.get(T.ApplicableTradeTax))
    net = _kids(agreement.get(T.NetPriceProductTradePrice))
    gross_element = agreement.get(T.GrossPriceProductTradePrice)
    gross = _kids(gross_element)
    # BT-149/BT-150 are the net price's base quantity. The gross price's own (Factur-X BT-149-1) is not in the model,
    # and must not stand in for it: the net amount is quantity * net price / the net price's base quantity.
    basis = net.get(T.BasisQuantity)
    return Line(
        id=_get(document, T.LineID),
        note=_line_note(document_element, document),
        object_id=_object_reference(_kids(settlement.get(T.AdditionalReferencedDocument))),
        quantity=_decimal(quantity),
        unit_code=code_attribute_of(quantity, "unitCode"),
        net_amount=_amount(_kids(settlement.get(T.SpecifiedTradeSettlementLineMonetarySummation)), T.LineTotalAmount),
        order_line_ref=_child_text(agreement.get(T.BuyerOrderReferencedDocument), T.LineID),
        buyer_accounting_ref=_child_text(settlement.get(T.ReceivableSpecifiedTradeAccountingAccount), T.ID),
        period=_period(settlement.get(T.BillingSpecifiedPeriod)),
        allowances_charges=[
            _allowance_charge(item) for item in _all(settlement_element, T.SpecifiedTradeAllowanceCharge, settlement)
        ],
        net_price=_amount(net, T.ChargeAmount),
        price_discount=_price_discount(gross_element, gross),
        gross_price=_amount(gross, T.ChargeAmount),
        price_base_quantity=_decimal(basis),
        price_base_unit=code_attribute_of(basis, "unitCode"),
        gross_price_base_quantity=_decimal(gross.get(T.BasisQuantity)),
        gross_price_base_unit=code_attribute_of(gross.get(T.BasisQuantity), "unitCode"),
        vat_category=code_of(tax.get(T.CategoryCode)),
        vat_rate=_amount(tax, T.RateApplicablePercent),
        item_name=_get(product, T.Name),
        item_description=_get(product, T.Description),
        seller_item_id=_get(product, T.SellerAssignedID),
        buyer_item_id=_get(product, T.BuyerAssignedID),
        standard_item_id=_item_identifier(product.get(T.GlobalID)),
        classifications=_classifications(product_element, product),
        # Blank is there (""): BR-CL-15 is asked of every ram:OriginTradeCountry/ram:ID.
        origin_country=code_of(_kids(product.get(T.OriginTradeCountry)).get(T.ID)),
        attributes=_attributes(product_element, product),
    )


def _line_note(document: Any, kids: Kids) -> str | None:
    """BT-127. EN 16931 has one; richer profiles repeat the note: every part is kept, one per line."""
    notes = (_child_text(note, T.Content) for note in _all(document, T.IncludedNote, kids))
    return "\n".join(text for text in notes if text) or None


def _price_discount(gross: Any, kids: Kids) -> Decimal | None:
    """BT-147: the allowance on the gross price. EXTENDED may also put charges there: they count negatively."""
    signed = []
    for item in map(_kids, _all(gross, T.AppliedTradeAllowanceCharge, kids)):
        amount = _amount(item, T.ActualAmount)
        if amount is not None:
            signed.append(-amount if _indicator(item.get(T.ChargeIndicator)) else amount)
    if len(signed) == 1:
        return signed[0]  # the EN 16931 case, kept exactly as written
    return sum(signed, Decimal(0)) if signed else None


def _item_identifier(element: Any) -> Identifier | None:
    """BT-157 wherever its ram:GlobalID is written: a blank one is there (""), as BR-64 and BR-CL-21 (every
    ram:SpecifiedTradeProduct/ram:GlobalID[@schemeID]) read it; a blank scheme is "" (it fails both)."""
    if element is None:
        return None
    return _ident(element) or Identifier(value="", scheme=code_attribute_of(element, "schemeID"))


def _classifications(product: Any, kids: Kids) -> list[Classification]:
    """BT-158 of each DesignatedProductClassification with a ram:ClassCode, blank or not, as BR-65 and BR-CL-13
    (every ram:ClassCode[@listID], a blank one too) read them."""
    found = []
    for code in (_first(item, T.ClassCode) for item in _all(product, T.DesignatedProductClassification, kids)):
        if code is not None:
            found.append(
                Classification(
                    code=_text(code) or "",
                    list_id=code_attribute_of(code, "listID"),
                    list_version=_attr(code, "listVersionID"),
                )
            )
    return found


def _attributes(product: Any, kids: Kids) -> list[ItemAttribute]:
    return [
        ItemAttribute(name=_get(item, T.Description), value=_get(item, T.Value))
        for item in map(_kids, _all(product, T.ApplicableProductCharacteristic, kids))
    ]


# --- lines: the fast path -------------------------------------------------------------------------------------------

# Tags as module constants: a global lookup is cheaper than T's attribute lookup, and this runs per element.
_LINE_ITEM, _LINE_DOCUMENT, _PRODUCT = (
    T.IncludedSupplyChainTradeLineItem,
    T.AssociatedDocumentLineDocument,
    T.SpecifiedTradeProduct,
)
_AGREEMENT, _DELIVERY, _SETTLEMENT = (
    T.SpecifiedLineTradeAgreement,
    T.SpecifiedLineTradeDelivery,
    T.SpecifiedLineTradeSettlement,
)
_LINE_ID, _NOTE, _NAME, _SELLER_ID = T.LineID, T.IncludedNote, T.Name, T.SellerAssignedID
_NET, _GROSS = T.NetPriceProductTradePrice, T.GrossPriceProductTradePrice
_CHARGE, _BASIS, _QUANTITY, _TAX = T.ChargeAmount, T.BasisQuantity, T.BilledQuantity, T.ApplicableTradeTax
_TOTALS, _CATEGORY, _RATE = T.SpecifiedTradeSettlementLineMonetarySummation, T.CategoryCode, T.RateApplicablePercent
_LINE_TOTAL, _TYPE = T.LineTotalAmount, T.TypeCode


class _Unsettled(Exception):
    """A value the fast path leaves to :func:`read_line_slow`, which raises the finding for it."""


def read_lines(transaction: Any, kids: Kids) -> list[Line]:
    """Every line item (BG-25) of the transaction, in document order: exactly what :func:`read_lines_slow` gives."""
    if _LINE_ITEM not in kids:
        return []
    numbers: dict[str, Decimal] = {}  # the decimal strings of this document already checked and parsed
    lines = []
    for item in transaction.iterchildren(_LINE_ITEM):
        try:
            line = fast_line(item, numbers)
        except Exception:  # whatever the fast path cannot settle, the reference reader decides, error included
            line = read_line_slow(item)
        lines.append(line)
    return lines


def _number(element: Any, numbers: dict[str, Decimal]) -> Decimal | None:
    """``_decimal`` with the document's parsed strings remembered; a value it refuses goes to the slow path."""
    raw = element.text
    if raw is None:
        return None
    value = numbers.get(raw)
    if value is None:
        text = raw.strip()
        if not text:
            return None
        # Plain digits with at most one point are xs:decimal: two C-level string tests are half the regex's cost.
        if not (text.isascii() and text.replace(".", "", 1).isdigit()) and _DECIMAL.fullmatch(text) is None:
            raise _Unsettled(text)
        value = numbers[raw] = Decimal(text)
    return value


def _strip(element: Any) -> str | None:
    text = element.text
    return None if text is None else (text.strip() or None)


def fast_line(element: Any, numbers: dict[str, Decimal]) -> Line:  # noqa: PLR0912 -- written out, see below
    """One line item, each part's children looked at once (the first child of a tag is the one kept).

    Written out rather than split into helpers: a Python call costs about as much as reading an element, and this
    runs per line. Children come from a full slice (``part[:]``, lxml's cheapest access, see ``_all``). Raises where
    :func:`read_line_slow` must decide (``_Unsettled`` for a value that fails its check).
    """
    line = Line()
    document = product = agreement = delivery = settlement = None
    for part in element[:]:
        tag = part.tag
        if tag == _SETTLEMENT:
            if settlement is None:
                settlement = part
        elif tag == _AGREEMENT:
            if agreement is None:
                agreement = part
        elif tag == _DELIVERY:
            if delivery is None:
                delivery = part
        elif tag == _PRODUCT:
            if product is None:
                product = part
        elif tag == _LINE_DOCUMENT and document is None:
            document = part
    if document is not None:
        line_id = note = None
        for child in document[:]:
            tag = child.tag
            if tag == _LINE_ID:
                if line_id is None:
                    line_id = child
            elif tag == _NOTE and note is None:
                note = child
        if line_id is not None:
            line.id = _strip(line_id)
        if note is not None:
            line.note = _line_note(document, {_NOTE: note})
    if product is not None:
        _product(product, line)
    if agreement is not None:
        _agreement(agreement, line, numbers)
    if delivery is not None:
        for child in delivery[:]:
            if child.tag == _QUANTITY:
                line.quantity, line.unit_code = _number(child, numbers), code_attribute_of(child, "unitCode")
                break
    if settlement is not None:
        _settlement(settlement, line, numbers)
    return line


def _product(product: Any, line: Line) -> None:
    name = seller = None
    other = False
    for child in product[:]:
        tag = child.tag
        if tag == _NAME:
            if name is None:
                name = child
        elif tag == _SELLER_ID:
            if seller is None:
                seller = child
        else:
            other = True
    if name is not None:
        line.item_name = _strip(name)
    if seller is not None:
        line.seller_item_id = _strip(seller)
    if other:  # the rarer terms, read as the slow path reads them
        kids = _kids(product)
        line.item_description = _get(kids, T.Description)
        line.buyer_item_id = _get(kids, T.BuyerAssignedID)
        line.standard_item_id = _item_identifier(kids.get(T.GlobalID))
        line.classifications = _classifications(product, kids)
        line.origin_country = code_of(_kids(kids.get(T.OriginTradeCountry)).get(T.ID))  # blank: "" (BR-CL-15)
        line.attributes = _attributes(product, kids)


def _agreement(agreement: Any, line: Line, numbers: dict[str, Decimal]) -> None:  # noqa: PLR0912 -- see fast_line
    net = gross = None
    other = False
    for child in agreement[:]:
        tag = child.tag
        if tag == _NET:
            if net is None:
                net = child
        elif tag == _GROSS:
            if gross is None:
                gross = child
        else:
            other = True
    if net is not None:
        charge = basis = None
        for child in net[:]:
            tag = child.tag
            if tag == _CHARGE:
                if charge is None:
                    charge = child
            elif tag == _BASIS and basis is None:
                basis = child
        if charge is not None:
            line.net_price = _number(charge, numbers)
        if basis is not None:
            line.price_base_quantity, line.price_base_unit = (
                _number(basis, numbers),
                code_attribute_of(basis, "unitCode"),
            )
    if gross is not None:
        kids = _kids(gross)
        line.gross_price = _amount(kids, _CHARGE)
        gross_basis = kids.get(_BASIS)
        if gross_basis is not None:
            line.gross_price_base_quantity = _number(gross_basis, numbers)
            line.gross_price_base_unit = code_attribute_of(gross_basis, "unitCode")
        line.price_discount = _price_discount(gross, kids)
    if other:
        line.order_line_ref = _child_text(_first(agreement, T.BuyerOrderReferencedDocument), _LINE_ID)


def _settlement(settlement: Any, line: Line, numbers: dict[str, Decimal]) -> None:  # noqa: PLR0912 -- see fast_line
    tax = totals = None
    other = False
    for child in settlement[:]:
        tag = child.tag
        if tag == _TAX:
            if tax is None:
                tax = child
        elif tag == _TOTALS:
            if totals is None:
                totals = child
        else:
            other = True
    if tax is not None:
        category = rate = kind = None
        for child in tax[:]:
            tag = child.tag
            if tag == _CATEGORY:
                if category is None:
                    category = child
            elif tag == _RATE:
                if rate is None:
                    rate = child
            elif tag == _TYPE and kind is None:
                kind = child
        # Only a VAT tax carries BT-151/BT-152 (see cii_values._vat_tax).
        kind_text = None if kind is None else _strip(kind)
        if kind_text is None or kind_text.upper() != "VAT":
            category = rate = None
        if category is not None:
            line.vat_category = code_of(category)
        if rate is not None:
            line.vat_rate = _number(rate, numbers)
    if totals is not None:
        for child in totals[:]:
            if child.tag == _LINE_TOTAL:
                line.net_amount = _number(child, numbers)
                break
    if other:  # object and accounting references, period, allowances and charges: read as the slow path does
        kids = _kids(settlement)
        line.object_id = _object_reference(_kids(kids.get(T.AdditionalReferencedDocument)))
        line.buyer_accounting_ref = _child_text(kids.get(T.ReceivableSpecifiedTradeAccountingAccount), T.ID)
        line.period = _period(kids.get(T.BillingSpecifiedPeriod))
        line.allowances_charges = [
            _allowance_charge(item) for item in _all(settlement, T.SpecifiedTradeAllowanceCharge, kids)
        ]
