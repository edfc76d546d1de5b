"""Invoice.ubl_taxed_items: every tax category of a UBL document's lines, allowances, charges and subtotals.

The CEN UBL artefact reads VAT categories more loosely than the EN 16931 terms do in several of its VAT rules
(BR-S-01, BR-S-02, the -08 sums): ``cac:ClassifiedTaxCategory[normalize-space(cbc:ID) = 'S']`` with no tax scheme
test, any of an item's categories, and the subtotals of every ``cac:TaxTotal``. The model keeps one VAT category
per item (BT-151, BT-95/102, BT-118), so the reader keeps this fuller reading beside it, only when it says more.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from lxml import etree

from pdp.einvoice.formats.ubl_values import NS_CAC, NS_CBC, A, B, Kids, _children, _every, _first, is_vat_scheme
from pdp.einvoice.formats.xmltext import XSD_DECIMAL, code_of
from pdp.einvoice.model import TaxedItem

_Kind = Literal["line", "allowance", "charge", "unflagged", "breakdown"]
_INDICATORS: dict[str, _Kind] = {"true": "charge", "1": "charge", "false": "allowance", "0": "allowance"}

# A category that is surely simple for _item: its first TaxScheme's first cbc:ID is one text node "VAT", it has a
# cbc:ID, and no exemption code (a subtotal's may have one). Any other is looked at by _item, which decides.
_SURE_VAT = "cac:TaxScheme[1]/cbc:ID[1][count(node()) = 1 and text() = 'VAT']"
_UNSURE = f"not({_SURE_VAT}) or not(cbc:ID) or cbc:TaxExemptionReasonCode"
_UNSURE_SUBTOTAL = f"not({_SURE_VAT}) or not(cbc:ID) or cbc:TaxExemptionReasonCode[2]"
# Whether some item of the document may not be simple: more than one category, or one not surely simple. Evaluated
# in libxml2 (tens of µs for 20 lines), it spares the common document building every item only to drop them all
# (about 200 µs). It looks at every cac:Item of both kinds of line where the items take the first item of one kind:
# anything more only sends the document to the item-by-item reading.
_MAYBE_NOT_SIMPLE = etree.XPath(
    f"(cac:InvoiceLine | cac:CreditNoteLine)/cac:Item"
    f"[cac:ClassifiedTaxCategory[2] or cac:ClassifiedTaxCategory[{_UNSURE}]]"
    f" or cac:AllowanceCharge[cac:TaxCategory[2] or cac:TaxCategory[{_UNSURE}]]"
    f" or cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory[2] or cac:TaxCategory[{_UNSURE_SUBTOTAL}]]",
    namespaces={"cac": NS_CAC, "cbc": NS_CBC},
)


def taxed_items(root: Any, k: Kids, line_tag: str, breakdowns_read: int) -> list[TaxedItem] | None:
    """The items of the document ``root`` (its children ``k``); None when the model's terms say the same (every
    item has at most one category, in the VAT scheme, and the subtotals read as BG-23 are all there are)."""
    if not _MAYBE_NOT_SIMPLE(root):
        subtotals = sum(len(_every(_children(tax_total), A.TaxSubtotal)) for tax_total in _every(k, A.TaxTotal))
        if subtotals == breakdowns_read:
            return None
    items: list[TaxedItem] = []
    plain = True
    for line in _every(k, line_tag):
        lk = _children(line)
        categories = _every(_children(_first(lk, A.Item)), A.ClassifiedTaxCategory)
        item, simple = _item("line", _first(lk, B.LineExtensionAmount), categories)
        items.append(item)
        plain = plain and simple
    for charge in _every(k, A.AllowanceCharge):
        ck = _children(charge)
        indicator = _first(ck, B.ChargeIndicator)
        text = (indicator.text or "").strip() if indicator is not None else None
        kind = _INDICATORS.get(text, "unflagged") if text is not None else "unflagged"
        item, simple = _item(kind, _first(ck, B.Amount), _every(ck, A.TaxCategory))
        items.append(item)
        plain = plain and simple
    subtotals = 0
    for tax_total in _every(k, A.TaxTotal):
        for subtotal in _every(_children(tax_total), A.TaxSubtotal):
            sk = _children(subtotal)
            item, simple = _item("breakdown", _first(sk, B.TaxableAmount), _every(sk, A.TaxCategory))
            items.append(item)
            plain = plain and simple
            subtotals += 1
    return None if plain and subtotals == breakdowns_read else items


def _item(kind: _Kind, amount: Any, categories: list[Any]) -> tuple[TaxedItem, bool]:
    """The item, and whether the model's one VAT category says all of it (at most one category, a VAT one)."""
    codes: list[str] = []
    vat_codes: list[str] = []
    rates: list[Decimal] = []
    exemption_codes: list[str] = []
    vat_without_id = 0
    simple = len(categories) <= 1
    for category in categories:
        ck = _children(category)
        written = [code_of(element) or "" for element in _every(ck, B.TaxExemptionReasonCode)]
        # The model keeps one exemption code, a breakdown's: any other one is said here only (BR-CL-22).
        simple = simple and (not written or (kind == "breakdown" and len(written) == 1))
        exemption_codes += written
        code = _normalized(_first(ck, B.ID))
        rate = _decimal(_first(ck, B.Percent))
        vat = is_vat_scheme(ck)
        simple = simple and vat
        if code is not None:
            codes.append(code)
            if vat:
                vat_codes.append(code)
        elif vat:
            vat_without_id += 1
            simple = False
        if rate is not None:
            rates.append(rate)
    item = TaxedItem(
        kind=kind,
        amount=_decimal(amount),
        codes=codes,
        vat_codes=vat_codes,
        rates=rates,
        exemption_codes=exemption_codes,
        vat_without_id=vat_without_id,
    )
    return item, simple


def _normalized(element: Any) -> str | None:
    """XPath's normalize-space of the element, None when absent."""
    if element is None:
        return None
    return " ".join((element.text or "").split())


def _decimal(element: Any) -> Decimal | None:
    # A value that is no xs:decimal is reported where the reader parses it as a term; here it is just left out.
    text = (element.text or "").strip() if element is not None else ""
    return Decimal(text) if XSD_DECIMAL.fullmatch(text) else None
