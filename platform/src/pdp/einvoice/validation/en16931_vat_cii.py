"""The VAT category rules the CEN CII artefact words differently from EN 16931's text, as it words them.

The -08 rules (a breakdown's taxable amount BT-116 is the sum of its category's line net amounts, plus its charges,
minus its allowances) are, in the CII artefact:

- each of the three sums rounded to the cent on its own (``round(sum(…) * 10 * 10) div 100``) before they are added;
- compared exactly for S and O, within one currency unit (strictly) for Z, E, AE, K and G;
- vacuous for L and M (BR-AF-08, BR-AG-08): their ``every $rate in ../ram:RateApplicablePercent`` is asked from
  the ``ram:ApplicableTradeTax`` itself, so ``..`` is the settlement, which has no rate, and nothing is checked (the
  CII artefact's BR-AF-09 and BR-AG-09 are ``true()`` likewise); S's is asked from its ``ram:CategoryCode``, so its
  rate is the breakdown's, and a breakdown without rate checks nothing;
- false without a taxable amount: the comparison with an empty sequence fails.

They also read categories more loosely than BT-151/BT-95/BT-102/BT-118 (:class:`TaxedItem`, kept by the CII reader
in ``Invoice.cii_taxed_items``): ``ram:CategoryCode = 'S'`` as written, whatever the tax's TypeCode, in any of an
item's taxes, in the -01 counts, the -08 sums, BR-O-11…14 (BR-O-11 and BR-O-12 both ask that no
``ram:ApplicableTradeTax`` anywhere has another code, BR-O-13 and BR-O-14 that no ``ram:CategoryTradeTax`` has),
and the S and Z breakdowns' own contexts (their -08, -09 and -10), which do not test the TypeCode either.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from pdp.einvoice.model import Invoice, TaxedItem, VatBreakdown
from pdp.einvoice.validation.codelists import CODE_LISTS
from pdp.einvoice.validation.context import DOCUMENT_LEVEL, ONE, RuleContext, model_taxed_items, total, xround2

EXACT = frozenset({"S", "O"})
UNCHECKED = frozenset({"L", "M"})
ANY_TYPE_CONTEXT = frozenset({"S", "Z"})  # breakdown contexts without the TypeCode test


def taxed_items(inv: Invoice) -> list[TaxedItem]:
    """The reader's fuller reading, or the same built from the model's terms when it kept none."""
    return inv.cii_taxed_items if inv.cii_taxed_items is not None else model_taxed_items(inv)


def counts(category: str, items: list[TaxedItem]) -> tuple[int, int, int]:
    """-01's counts: the line taxes, document level allowance and charge taxes, and header taxes of ``category``."""
    lines = document_level = breakdowns = 0
    for it in items:
        found = it.codes.count(category)
        if not found:
            continue
        if it.kind == "line":
            lines += found
        elif it.kind == "breakdown":
            breakdowns += found
        else:
            document_level += found
    return lines, document_level, breakdowns


def breakdowns(
    inv: Invoice, category: str, items: list[TaxedItem], vat_typed: list[VatBreakdown]
) -> list[VatBreakdown]:
    """The breakdowns in ``category``'s own context: S and Z whatever the TypeCode (with the rate as written), the
    others only of TypeCode VAT (the model's)."""
    if category not in ANY_TYPE_CONTEXT or inv.cii_taxed_items is None:
        return vat_typed
    header = [it for it in items if it.kind == "breakdown"]
    return [
        vat
        if vat.category == category
        else msgspec.structs.replace(vat, category=category, rate=it.rates[0] if it.rates else None)
        for vat, it in zip(inv.vat_breakdown, header, strict=False)
        if category in it.codes
    ]


def category_base(category: str, rate: Decimal | None, items: list[TaxedItem]) -> Decimal:
    """Σ line net amounts + Σ charges - Σ allowances of ``category`` (for S, of ``rate`` too), each sum rounded."""
    per_rate = category == "S"
    sums: dict[str, list[Decimal | None]] = {"line": [], "charge": [], "allowance": []}
    for it in items:
        if it.kind in sums and category in it.codes and (not per_rate or rate in it.rates):
            sums[it.kind].append(it.amount)
    rounded = {kind: xround2(total(amounts)) for kind, amounts in sums.items()}
    return rounded["line"] + rounded["charge"] - rounded["allowance"]


def taxable_amount_ok(category: str, vat: VatBreakdown, items: list[TaxedItem]) -> tuple[bool, Decimal | None]:
    """Rule -08 for one breakdown of ``category`` as the CII artefact tests it: (holds, the sum it compares with)."""
    if category in UNCHECKED or (category == "S" and vat.rate is None):
        return True, None
    base = category_base(category, vat.rate, items)
    taxable = vat.taxable_amount
    if taxable is None:
        return False, base
    if category in EXACT:
        return taxable == base, base
    return taxable - ONE < base < taxable + ONE, base


def not_subject_ok(items: list[TaxedItem]) -> dict[str, bool]:
    """BR-O-11…14 when a VAT breakdown in category O exists, as worded: no other code on any ApplicableTradeTax
    (BR-O-11 and BR-O-12 alike), and none on any CategoryTradeTax (BR-O-13 and BR-O-14 alike)."""
    taxes = all(code == "O" for it in items if it.kind not in DOCUMENT_LEVEL for code in it.codes)
    document_level = all(code == "O" for it in items if it.kind in DOCUMENT_LEVEL for code in it.codes)
    return {"BR-O-11": taxes, "BR-O-12": taxes, "BR-O-13": document_level, "BR-O-14": document_level}


# A schematron pattern fires one rule per node, the first that matches: the CII artefact's L, M and O breakdown
# contexts (``ram:ApplicableTradeTax[ram:CategoryCode = 'O'][upper-case(ram:TypeCode) = 'VAT']``) come before the
# generic ``ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax`` one, so such a breakdown is not asked the
# generic rules: BR-45…48, BR-CO-17, BR-DEC-19 and BR-DEC-20. (The other categories' contexts are the CategoryCode
# element, which leaves the breakdown to the generic rule.)
OWN_BREAKDOWN_CONTEXT = frozenset({"L", "M", "O"})


def check_category_codes(ctx: RuleContext, items: list[TaxedItem]) -> None:
    """BR-CL-18 (every ram:ApplicableTradeTax/ram:CategoryCode, a line's or the header's) and BR-CL-17 (every
    ram:CategoryTradeTax/ram:CategoryCode) of the taxes the model does not read, whose TypeCode is not VAT: the
    artefact's code list contexts ignore the TypeCode (the model's VAT categories are checked in en16931_core)."""
    categories = CODE_LISTS["BR-CL-18"]
    for it in items:
        unread = list(it.codes)
        for code in it.vat_codes:
            unread.remove(code)
        for code in unread:
            if " ".join(code.split()) not in categories:
                rule = "BR-CL-17" if it.kind in ("allowance", "charge", "unflagged") else "BR-CL-18"
                ctx.fail(rule, detail=f"'{code}'")


def generic_breakdown_rules_apply(syntax_is_cii: bool, vat: VatBreakdown) -> bool:
    """Whether the generic breakdown rules are asked of ``vat`` (always in UBL; in CII, see OWN_BREAKDOWN_CONTEXT)."""
    return not syntax_is_cii or vat.category not in OWN_BREAKDOWN_CONTEXT


def accounting_vat_decimals_ok(inv: Invoice) -> bool:
    """BR-DEC-15 as the CII artefact words it, from the monetary totals element: with a TaxTotalAmount and a BT-6,
    one TaxTotalAmount in BT-6 is a whole number of cents (``ram:TaxTotalAmount[@currencyID = TaxCurrencyCode and
    . = round(. * 100) div 100]``, its value: "300.120" passes), so a BT-6 without its VAT total fails it too, beside
    BR-53."""
    t = inv.totals
    if inv.lacks("BG-22") or inv.tax_currency is None or (t.vat is None and t.vat_in_accounting_currency is None):
        return True
    in_tax_currency = [t.vat_in_accounting_currency]
    if inv.tax_currency == inv.currency:
        in_tax_currency.append(t.vat)  # the invoice's own VAT total is in BT-6 then
    return any(value is not None and in_cents(value) for value in in_tax_currency)


def vat_total_decimals_ok(inv: Invoice) -> bool:
    """BR-DEC-13 as the CII artefact words it: ``not(ram:TaxTotalAmount) or ram:TaxTotalAmount[(@currencyID =
    InvoiceCurrencyCode and . = round(. * 100) div 100) or not(@currencyID = InvoiceCurrencyCode)]``. The value is
    compared, not the text: "2010.000" is in cents. pdp does not follow the last disjunct, which makes any VAT total
    in another currency (BT-111) pass the rule for BT-110 too: with one, BT-110 is still checked (deliberate.py)."""
    vat = inv.totals.vat
    if vat is None or (inv.currency_ids is not None and inv.currency not in inv.currency_ids):
        return True  # no VAT total, or none in BT-5: the one read is in another currency, which passes
    return in_cents(vat)


def in_cents(value: Decimal) -> bool:
    """XPath's ``. = round(. * 100) div 100``: the value, whatever the decimals written, is a whole number of cents."""
    return value == xround2(value)
