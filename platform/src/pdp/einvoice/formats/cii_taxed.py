"""Invoice.cii_taxed_items: every tax of a CII document's lines, document level allowances and charges, and header.

The CEN CII artefact reads VAT categories more loosely than the EN 16931 terms do in several of its VAT rules: the
-01 counts, the -08 sums, BR-O-11…14 and the S and Z breakdown contexts match ``ram:CategoryCode = 'S'`` whatever
the tax's ``ram:TypeCode`` and in any of an item's taxes. The model keeps one VAT category per item (BT-151,
BT-95/102, BT-118, from a tax whose TypeCode is VAT), so the reader keeps this fuller reading beside it, only when
it says more.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from lxml import etree

from pdp.einvoice.formats.cii_values import _BOOLEANS, _INDICATOR, RAM, Kids, T, _all, _is_vat, _kids
from pdp.einvoice.formats.xmltext import XSD_DECIMAL
from pdp.einvoice.model import TaxedItem

_Kind = Literal["line", "allowance", "charge", "unflagged", "breakdown"]

# A tax that is surely plain for _item: its first TypeCode is one text node "VAT", its first CategoryCode holds one
# text node of letters and digits (nothing to trim) or nothing. Any other is looked at by _item, which decides.
_UNSURE_TAX = (
    "not(ram:TypeCode[1][count(node()) = 1 and text() = 'VAT']) or ram:CategoryCode[1][count(node()) > 1 or * or "
    "translate(., 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '') != '']"
)
# Whether some item of the transaction may not be plain: more than one tax, or a tax not surely plain. Evaluated in
# libxml2 (about 40 µs for 20 lines), it spares the common document building every item only to drop them all
# (about 200 µs). It looks at every line settlement and header settlement where the items take the first: a
# second one only sends the document to the item-by-item reading.
_MAYBE_UNPLAIN = etree.XPath(
    f"ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement"
    f"[ram:ApplicableTradeTax[2] or ram:ApplicableTradeTax[{_UNSURE_TAX}]]"
    f" or ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
    f"[ram:CategoryTradeTax[2] or ram:CategoryTradeTax[{_UNSURE_TAX}]]"
    f" or ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax[{_UNSURE_TAX}]",
    namespaces={"ram": RAM},
)


def taxed_items(transaction: Any, parts: Kids) -> list[TaxedItem] | None:
    """The items of the document whose ``rsm:SupplyChainTradeTransaction`` is ``transaction`` (children ``parts``);
    None when the model's terms say the same (every item has at most one tax, of TypeCode VAT, its code as read)."""
    if transaction is None or not _MAYBE_UNPLAIN(transaction):
        return None
    items: list[TaxedItem] = []
    plain = True
    for line in _all(transaction, T.IncludedSupplyChainTradeLineItem, parts):
        settlement_element = _kids(line).get(T.SpecifiedLineTradeSettlement)
        settlement = _kids(settlement_element)
        summation = _kids(settlement.get(T.SpecifiedTradeSettlementLineMonetarySummation))
        taxes = _all(settlement_element, T.ApplicableTradeTax, settlement)
        item, simple = _item("line", summation.get(T.LineTotalAmount), taxes)
        items.append(item)
        plain = plain and simple
    header_element = parts.get(T.ApplicableHeaderTradeSettlement)
    header = _kids(header_element)
    for charge in _all(header_element, T.SpecifiedTradeAllowanceCharge, header):
        ck = _kids(charge)
        indicator = _kids(ck.get(T.ChargeIndicator)).get(_INDICATOR)
        kind: _Kind = "unflagged"
        if indicator is not None:
            flag = _BOOLEANS.get((indicator.text or "").strip())
            kind = "unflagged" if flag is None else "charge" if flag else "allowance"
        item, simple = _item(kind, ck.get(T.ActualAmount), _all(charge, T.CategoryTradeTax, ck))
        items.append(item)
        plain = plain and simple
    for tax in _all(header_element, T.ApplicableTradeTax, header):
        item, simple = _item("breakdown", _kids(tax).get(T.BasisAmount), [tax])
        items.append(item)
        plain = plain and simple
    return None if plain else items


def _item(kind: _Kind, amount: Any, taxes: Any) -> tuple[TaxedItem, bool]:
    """The item, and whether the model's one VAT category says all of it (at most one tax, a VAT one)."""
    codes: list[str] = []
    vat_codes: list[str] = []
    rates: list[Decimal] = []
    simple = len(taxes) <= 1
    for tax in taxes:
        tk = _kids(tax)
        vat = _is_vat(tk)
        code_element = tk.get(T.CategoryCode)
        if code_element is not None:
            # Compared as written (``ram:CategoryCode = 'S'``): no trimming, unlike the model's BT-151/BT-118. A
            # blank one is "" as the model has it (its whitespace may be layout the parser dropped).
            code = code_element.text or ""
            code = code if code.strip() else ""
            codes.append(code)
            if vat:
                vat_codes.append(code)
            simple = simple and code == code.strip()
        rate = _decimal(tk.get(T.RateApplicablePercent))
        if rate is not None:
            rates.append(rate)
        simple = simple and vat
    return TaxedItem(kind=kind, amount=_decimal(amount), codes=codes, vat_codes=vat_codes, rates=rates), simple


def _decimal(element: Any) -> Decimal | None:
    # A value that is no xs:decimal is reported where the reader parses it as a term; here it is just left out.
    text = (element.text or "").strip() if element is not None else ""
    return Decimal(text) if XSD_DECIMAL.fullmatch(text) else None
