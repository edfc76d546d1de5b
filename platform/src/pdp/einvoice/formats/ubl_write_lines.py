"""UBL 2.1 writing of the lines (BG-25), and of the parts the document level writes the same way as a line does.

:class:`LineWriter` is the base of :mod:`ubl_write`'s document writer, which sets ``credit`` (CreditNote or
Invoice) and ``currency`` (BT-5, the default ``currencyID`` of every amount).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pdp.einvoice.formats.ubl_values import INVOICED_OBJECT_TYPE
from pdp.einvoice.formats.ubl_write_values import A, B, _el, _identifier, _leaf, _tax_category, _wrapped
from pdp.einvoice.model import AllowanceCharge, Line, Period


def _gross_discount(line: Line) -> Decimal | None:
    # UBL requires the price allowance's Amount (BT-147); with only a gross price (BT-148) given, it is the
    # difference EN 16931 defines (BT-146 = BT-148 - BT-147).
    if line.price_discount is not None or line.gross_price is None or line.net_price is None:
        return line.price_discount
    return line.gross_price - line.net_price


class LineWriter:
    """The line builders (``line``, ``item``, ``price``), and those the document level shares with them."""

    credit: bool
    currency: str | None

    def amount(self, parent: Any, tag: str, value: Decimal | None, currency: str | None = None) -> None:
        _leaf(parent, tag, value, currencyID=currency or self.currency)

    def period(self, parent: Any, period: Period, description_code: str | None = None) -> None:
        element = _el(parent, A.InvoicePeriod)
        _leaf(element, B.StartDate, period.start)
        _leaf(element, B.EndDate, period.end)
        _leaf(element, B.DescriptionCode, description_code)

    def allowance_charge(self, parent: Any, allowance_charge: AllowanceCharge) -> None:
        ac = allowance_charge
        element = _el(parent, A.AllowanceCharge)
        if ac.is_charge is not None:
            _leaf(element, B.ChargeIndicator, "true" if ac.is_charge else "false")
        _leaf(element, B.AllowanceChargeReasonCode, ac.reason_code)
        _leaf(element, B.AllowanceChargeReason, ac.reason)
        _leaf(element, B.MultiplierFactorNumeric, ac.percentage)
        self.amount(element, B.Amount, ac.amount)
        self.amount(element, B.BaseAmount, ac.base_amount)
        if ac.vat_category is not None or ac.vat_rate is not None:
            _tax_category(element, A.TaxCategory, ac.vat_category, ac.vat_rate)

    def line(self, root: Any, line: Line) -> None:
        element = _el(root, A.CreditNoteLine if self.credit else A.InvoiceLine)
        _leaf(element, B.ID, line.id)
        _leaf(element, B.Note, line.note)
        quantity_tag = B.CreditedQuantity if self.credit else B.InvoicedQuantity
        _leaf(element, quantity_tag, line.quantity, unitCode=line.unit_code)
        self.amount(element, B.LineExtensionAmount, line.net_amount)
        _leaf(element, B.AccountingCost, line.buyer_accounting_ref)
        if line.period is not None:
            self.period(element, line.period)
        _wrapped(element, A.OrderLineReference, B.LineID, line.order_line_ref)
        if line.object_id is not None:
            reference = _el(element, A.DocumentReference)
            _identifier(reference, B.ID, line.object_id)
            _leaf(reference, B.DocumentTypeCode, INVOICED_OBJECT_TYPE)
        for allowance_charge in line.allowances_charges:
            self.allowance_charge(element, allowance_charge)
        self.item(_el(element, A.Item), line)
        self.price(_el(element, A.Price), line)

    def item(self, item: Any, line: Line) -> None:
        _leaf(item, B.Description, line.item_description)
        _leaf(item, B.Name, line.item_name)
        _wrapped(item, A.BuyersItemIdentification, B.ID, line.buyer_item_id)
        _wrapped(item, A.SellersItemIdentification, B.ID, line.seller_item_id)
        if line.standard_item_id is not None:
            _identifier(_el(item, A.StandardItemIdentification), B.ID, line.standard_item_id)
        _wrapped(item, A.OriginCountry, B.IdentificationCode, line.origin_country)
        for classification in line.classifications:
            _wrapped(
                item,
                A.CommodityClassification,
                B.ItemClassificationCode,
                classification.code,
                listID=classification.list_id,
                listVersionID=classification.list_version,
            )
        _tax_category(item, A.ClassifiedTaxCategory, line.vat_category, line.vat_rate)
        for attribute in line.attributes:
            property_ = _el(item, A.AdditionalItemProperty)
            _leaf(property_, B.Name, attribute.name)
            _leaf(property_, B.Value, attribute.value)

    def price(self, price: Any, line: Line) -> None:
        self.amount(price, B.PriceAmount, line.net_price)
        _leaf(price, B.BaseQuantity, line.price_base_quantity, unitCode=line.price_base_unit)
        if line.price_discount is not None or line.gross_price is not None:
            discount = _el(price, A.AllowanceCharge)
            _leaf(discount, B.ChargeIndicator, "false")
            self.amount(discount, B.Amount, _gross_discount(line))
            self.amount(discount, B.BaseAmount, line.gross_price)
