"""CII writing of the line items (BG-25): ``ram:IncludedSupplyChainTradeLineItem``, in the element order of the XSD."""

from __future__ import annotations

from pdp.einvoice.formats.cii_read import INVOICED_OBJECT_DOC
from pdp.einvoice.formats.cii_write_values import (
    _VAT,
    Element,
    _allowance_charge,
    _amount,
    _indicator,
    _period,
    _reference,
    _sub,
    _text,
)
from pdp.einvoice.model import Line


def _line(element: Element, line: Line) -> None:
    document = _sub(element, "AssociatedDocumentLineDocument")
    _text(document, "LineID", line.id)
    _reference(document, "IncludedNote", line.note, field="Content")
    _product(_sub(element, "SpecifiedTradeProduct"), line)
    _prices(_sub(element, "SpecifiedLineTradeAgreement"), line)
    _amount(_sub(element, "SpecifiedLineTradeDelivery"), "BilledQuantity", line.quantity, unitCode=line.unit_code)
    settlement = _sub(element, "SpecifiedLineTradeSettlement")
    tax = _sub(settlement, "ApplicableTradeTax")
    _text(tax, "TypeCode", _VAT)
    _text(tax, "CategoryCode", line.vat_category)
    _amount(tax, "RateApplicablePercent", line.vat_rate)
    _period(settlement, line.period)
    for item in line.allowances_charges:
        _allowance_charge(settlement, item, document_level=False)
    _amount(_sub(settlement, "SpecifiedTradeSettlementLineMonetarySummation"), "LineTotalAmount", line.net_amount)
    if line.object_id is not None:
        document = _sub(settlement, "AdditionalReferencedDocument")
        _text(document, "IssuerAssignedID", line.object_id.value)
        _text(document, "TypeCode", INVOICED_OBJECT_DOC)
        _text(document, "ReferenceTypeCode", line.object_id.scheme)
    _reference(settlement, "ReceivableSpecifiedTradeAccountingAccount", line.buyer_accounting_ref, field="ID")


def _product(element: Element, line: Line) -> None:
    if line.standard_item_id is not None:
        # Written even without its scheme (BT-157-1): reporting that is BR-64's job, not the writer's.
        _text(element, "GlobalID", line.standard_item_id.value, schemeID=line.standard_item_id.scheme)
    _text(element, "SellerAssignedID", line.seller_item_id)
    _text(element, "BuyerAssignedID", line.buyer_item_id)
    _text(element, "Name", line.item_name)
    _text(element, "Description", line.item_description)
    for attribute in line.attributes:
        characteristic = _sub(element, "ApplicableProductCharacteristic")
        _text(characteristic, "Description", attribute.name)
        _text(characteristic, "Value", attribute.value)
    for classification in line.classifications:
        _text(
            _sub(element, "DesignatedProductClassification"),
            "ClassCode",
            classification.code,
            listID=classification.list_id,
            listVersionID=classification.list_version,
        )
    _reference(element, "OriginTradeCountry", line.origin_country, field="ID")


def _prices(element: Element, line: Line) -> None:
    _reference(element, "BuyerOrderReferencedDocument", line.order_line_ref, field="LineID")
    if line.gross_price is not None:
        gross = _sub(element, "GrossPriceProductTradePrice")
        _amount(gross, "ChargeAmount", line.gross_price)
        _amount(gross, "BasisQuantity", line.gross_price_base_quantity, unitCode=line.gross_price_base_unit)
        if line.price_discount is not None:
            # A negative discount can only come from a charge on the gross price (EXTENDED): write it back as one.
            discount = _sub(gross, "AppliedTradeAllowanceCharge")
            _indicator(discount, line.price_discount < 0)
            _amount(
                discount, "ActualAmount", abs(line.price_discount) if line.price_discount < 0 else line.price_discount
            )
    net = _sub(element, "NetPriceProductTradePrice")
    _amount(net, "ChargeAmount", line.net_price)
    _amount(net, "BasisQuantity", line.price_base_quantity, unitCode=line.price_base_unit)
