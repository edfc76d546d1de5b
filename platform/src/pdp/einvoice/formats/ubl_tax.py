"""UBL VAT totals (BT-110, BT-111, BG-23) and document totals (BG-22): every cac:TaxTotal, as the CEN artefact reads
them (BT-110 is the one in BT-5; the others' subtotals are Invoice.ubl_other_tax_totals)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from pdp.einvoice.formats.ubl_values import A, B, Kids, _children, _decimal_of, _every, _first, _joined, _vat_category
from pdp.einvoice.formats.xmltext import code_attribute_of, code_of
from pdp.einvoice.model import OtherTaxTotal, Totals, VatBreakdown


class Tax(NamedTuple):
    vat: Decimal | None
    vat_in_accounting_currency: Decimal | None
    breakdown: list[VatBreakdown]
    vat_totals: int | None  # Totals.vat_totals_in_currency
    others: list[OtherTaxTotal] | None  # Invoice.ubl_other_tax_totals


def amount_currencies(totals: list[Any]) -> list[str | None]:
    """Each cac:TaxTotal's cbc:TaxAmount/@currencyID, stripped ("" when blank, as a blank BT-5 is)."""
    return [code_attribute_of(_first(_children(total), B.TaxAmount), "currencyID") for total in totals]


def main_tax_total(units: list[str | None], currency: str | None, tax_currency: str | None) -> int | None:
    """The index of the TaxTotal read as BT-110 and BG-23, given each one's amount currency: the one in BT-5, wherever
    it stands (BR-CO-15 reads cbc:TaxAmount[@currencyID = BT-5]); without one, the first not in a distinct BT-6."""
    if currency is not None and currency in units:
        return units.index(currency)
    distinct_tax_currency = tax_currency is not None and tax_currency != currency
    return next((i for i, unit in enumerate(units) if not distinct_tax_currency or unit != tax_currency), None)


def tax_totals(totals: list[Any], currency: str | None, tax_currency: str | None) -> Tax:
    """BT-110 with its BG-23 breakdown, and BT-111: the TaxTotal whose amount is in the tax currency (BT-6)."""
    vat: Decimal | None = None
    accounting: Decimal | None = None
    breakdown: list[VatBreakdown] = []
    others: list[OtherTaxTotal] = []
    distinct_tax_currency = tax_currency is not None and tax_currency != currency
    read = []
    for total in totals:
        tk = _children(total)
        amount = _first(tk, B.TaxAmount)
        read.append((tk, amount, code_attribute_of(amount, "currencyID")))  # a blank currencyID is "", as BT-5 is
    units = [unit for _, _, unit in read]
    in_currency = units.count(currency)
    main = main_tax_total(units, currency, tax_currency)
    for index, (tk, amount, unit) in enumerate(read):
        if index == main:
            vat = _decimal_of(amount)
            breakdown = [_subtotal(el) for el in _every(tk, A.TaxSubtotal)]
            continue
        if distinct_tax_currency and unit == tax_currency:
            accounting = accounting if accounting is not None else _decimal_of(amount)
        elif accounting is None and not distinct_tax_currency:
            # With a distinct BT-6, BT-111 is only a TaxTotal in that currency, exactly as written: the CEN UBL
            # artefact's BR-53 and BR-DEC-15 look for cbc:TaxAmount[@currencyID = cbc:TaxCurrencyCode].
            accounting = _decimal_of(amount)
        if A.TaxSubtotal in tk:  # the artefact asks BR-CO-14 and the breakdown rules of every TaxTotal's subtotals
            subtotals = [_subtotal(el) for el in tk[A.TaxSubtotal]]
            others.append(OtherTaxTotal(tax_amount=_decimal_of(amount), breakdown=subtotals))
    # Without a DocumentCurrencyCode, BR-CO-15's "every $Currency in cbc:DocumentCurrencyCode" holds vacuously.
    vat_totals = None if currency is None or in_currency == 1 else in_currency
    return Tax(vat, accounting, breakdown, vat_totals, others or None)


def _subtotal(element: Any) -> VatBreakdown:
    k = _children(element)
    category = _vat_category(_every(k, A.TaxCategory))
    reasons = _every(category, B.TaxExemptionReason)
    return VatBreakdown(
        taxable_amount=_decimal_of(_first(k, B.TaxableAmount)),
        tax_amount=_decimal_of(_first(k, B.TaxAmount)),
        category=code_of(_first(category, B.ID)),
        rate=_decimal_of(_first(category, B.Percent)),
        # Blank is there (""): the -10 rules test exists(), BR-CL-22 looks every code up.
        exemption_reason=_joined(reasons) or ("" if reasons else None),
        exemption_code=code_of(_first(category, B.TaxExemptionReasonCode)),
    )


def totals_of(k: Kids, tax: Tax) -> Totals:
    return Totals(
        line_net=_decimal_of(_first(k, B.LineExtensionAmount)),
        allowances=_decimal_of(_first(k, B.AllowanceTotalAmount)),
        charges=_decimal_of(_first(k, B.ChargeTotalAmount)),
        without_vat=_decimal_of(_first(k, B.TaxExclusiveAmount)),
        vat=tax.vat,
        vat_in_accounting_currency=tax.vat_in_accounting_currency,
        vat_totals_in_currency=tax.vat_totals,
        with_vat=_decimal_of(_first(k, B.TaxInclusiveAmount)),
        prepaid=_decimal_of(_first(k, B.PrepaidAmount)),
        rounding=_decimal_of(_first(k, B.PayableRoundingAmount)),
        due=_decimal_of(_first(k, B.PayableAmount)),
    )
