"""UBL invoice and credit note lines (BG-25): ``cac:InvoiceLine`` and ``cac:CreditNoteLine``."""

from __future__ import annotations

from typing import Any

from pdp.einvoice.formats.ubl_values import (
    INVOICED_OBJECT_TYPE,
    A,
    B,
    Kids,
    _allowance_charge,
    _attribute_of,
    _child_id,
    _child_text,
    _children,
    _decimal_of,
    _every,
    _first,
    _identifier_of,
    _joined,
    _period,
    _text_of,
    _vat_category,
)
from pdp.einvoice.formats.xmltext import code_attribute_of, code_of
from pdp.einvoice.model import Classification, Identifier, ItemAttribute, Line

# The children an ordinary line and its item have. A line with nothing else is read by _plain_line, which skips
# the lookups of the rarer terms (a call each on an absent element: a third of the time of such a line).
_PLAIN_LINE = frozenset((B.ID, B.InvoicedQuantity, B.CreditedQuantity, B.LineExtensionAmount, A.Item, A.Price))
_PLAIN_ITEM = frozenset((B.Name, A.SellersItemIdentification, A.ClassifiedTaxCategory))


def _line(element: Any, credit: bool) -> Line:
    k = _children(element)
    item = _children(_first(k, A.Item))
    if k.keys() <= _PLAIN_LINE and item.keys() <= _PLAIN_ITEM:
        return _plain_line(k, item, credit)
    quantity = _first(k, B.CreditedQuantity if credit else B.InvoicedQuantity)
    price = _children(_first(k, A.Price))
    price_discount = _children(_first(price, A.AllowanceCharge))
    base_quantity = _first(price, B.BaseQuantity)
    category = _vat_category(_every(item, A.ClassifiedTaxCategory))
    return Line(
        id=_child_text(k, B.ID),
        note=_joined(_every(k, B.Note)),
        object_id=_line_object(_every(k, A.DocumentReference)),
        quantity=_decimal_of(quantity),
        unit_code=code_attribute_of(quantity, "unitCode"),
        net_amount=_decimal_of(_first(k, B.LineExtensionAmount)),
        order_line_ref=_child_text(_children(_first(k, A.OrderLineReference)), B.LineID),
        buyer_accounting_ref=_child_text(k, B.AccountingCost),
        period=_period(_children(_first(k, A.InvoicePeriod))),
        allowances_charges=[_allowance_charge(el) for el in _every(k, A.AllowanceCharge)],
        net_price=_decimal_of(_first(price, B.PriceAmount)),
        price_discount=_decimal_of(_first(price_discount, B.Amount)),
        gross_price=_decimal_of(_first(price_discount, B.BaseAmount)),
        price_base_quantity=_decimal_of(base_quantity),
        price_base_unit=code_attribute_of(base_quantity, "unitCode"),  # blank is there (""), fails BR-CL-23
        vat_category=code_of(_first(category, B.ID)),
        vat_rate=_decimal_of(_first(category, B.Percent)),
        item_name=_child_text(item, B.Name),
        item_description=_joined(_every(item, B.Description)),
        seller_item_id=_child_id(item, A.SellersItemIdentification),
        buyer_item_id=_child_id(item, A.BuyersItemIdentification),
        standard_item_id=_item_identifier(_first(_children(_first(item, A.StandardItemIdentification)), B.ID)),
        classifications=[c for c in map(_classification, _every(item, A.CommodityClassification)) if c is not None],
        # Blank is there (""): BR-CL-15's context is every cac:OriginCountry/cbc:IdentificationCode.
        origin_country=code_of(_first(_children(_first(item, A.OriginCountry)), B.IdentificationCode)),
        attributes=[_attribute(el) for el in _every(item, A.AdditionalItemProperty)],
    )


def _plain_line(k: Kids, item: Kids, credit: bool) -> Line:
    """What :func:`_line` reads, for a line whose other terms are all absent: the same terms in the same order (so a
    value that cannot be read is the same first one)."""
    quantity = _first(k, B.CreditedQuantity if credit else B.InvoicedQuantity)
    price = _children(_first(k, A.Price))
    price_discount = _children(_first(price, A.AllowanceCharge))
    base_quantity = _first(price, B.BaseQuantity)
    category = _vat_category(_every(item, A.ClassifiedTaxCategory))
    return Line(
        id=_child_text(k, B.ID),
        quantity=_decimal_of(quantity),
        unit_code=code_attribute_of(quantity, "unitCode"),
        net_amount=_decimal_of(_first(k, B.LineExtensionAmount)),
        net_price=_decimal_of(_first(price, B.PriceAmount)),
        price_discount=_decimal_of(_first(price_discount, B.Amount)),
        gross_price=_decimal_of(_first(price_discount, B.BaseAmount)),
        price_base_quantity=_decimal_of(base_quantity),
        price_base_unit=code_attribute_of(base_quantity, "unitCode"),
        vat_category=code_of(_first(category, B.ID)),
        vat_rate=_decimal_of(_first(category, B.Percent)),
        item_name=_child_text(item, B.Name),
        seller_item_id=_child_id(item, A.SellersItemIdentification),
    )


def _line_object(references: list[Any]) -> Identifier | None:
    # BT-128 is bound to DocumentTypeCode 130, but several published examples omit the code: accept both. The scheme
    # is read where BR-CL-07's context asks it, cac:DocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID]
    # (a blank one is ""); without that code the binding has no scheme for it (UBL-SR-43's reading).
    for reference in references:
        rk = _children(reference)
        code = _first(rk, B.DocumentTypeCode)
        if _text_of(code) in (None, INVOICED_OBJECT_TYPE):
            if code is not None and code.text == INVOICED_OBJECT_TYPE:
                return _identifier_of(_first(rk, B.ID))
            identifier = _identifier_of(_first(rk, B.ID))
            return None if identifier is None else Identifier(value=identifier.value)
    return None


def _item_identifier(node: Any) -> Identifier | None:
    """BT-157 wherever its cbc:ID is written, as the artefact's contexts find it: a blank one is there ("") for
    BR-64 (exists(@schemeID)) and BR-CL-21 (every cbc:ID[@schemeID]), and so is a blank scheme ("", which fails
    BR-CL-21)."""
    if node is None:
        return None
    return Identifier(value=_text_of(node) or "", scheme=code_attribute_of(node, "schemeID"))


def _classification(element: Any) -> Classification | None:
    """BT-158 wherever its cbc:ItemClassificationCode is written, blank or not, as BR-65 (exists(@listID)) and
    BR-CL-13 (every one with a @listID, a blank list id too) read it."""
    node = _first(_children(element), B.ItemClassificationCode)
    if node is None:
        return None
    return Classification(
        code=_text_of(node) or "",
        list_id=code_attribute_of(node, "listID"),
        list_version=_attribute_of(node, "listVersionID"),
    )


def _attribute(element: Any) -> ItemAttribute:
    k = _children(element)
    return ItemAttribute(name=_child_text(k, B.Name), value=_child_text(k, B.Value))
