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
"""

from __future__ import annotations

from decimal import Decimal

from pdp.einvoice.model import Invoice, VatBreakdown
from pdp.einvoice.validation.context import ONE, total, xround2

EXACT = frozenset({"S", "O"})
UNCHECKED = frozenset({"L", "M"})


def category_base(inv: Invoice, category: str, rate: Decimal | None, line_indexes: list[int]) -> Decimal:
    """Σ line net amounts + Σ charges - Σ allowances of ``category`` (for S, of ``rate`` too), each sum rounded."""
    lines = inv.lines
    per_rate = category == "S"
    line_sum = total(lines[i].net_amount for i in line_indexes if not per_rate or lines[i].vat_rate == rate)
    charges: list[Decimal | None] = []
    allowances: list[Decimal | None] = []
    for ac in inv.allowances_charges:
        if ac.is_charge is None or ac.vat_category != category or (per_rate and ac.vat_rate != rate):
            continue
        (charges if ac.is_charge else allowances).append(ac.amount)
    return xround2(line_sum) + xround2(total(charges)) - xround2(total(allowances))


def taxable_amount_ok(
    inv: Invoice, category: str, vat: VatBreakdown, line_indexes: list[int]
) -> tuple[bool, Decimal | None]:
    """Rule -08 for one breakdown of ``category`` as the CII artefact tests it: (holds, the sum it compares with)."""
    if category in UNCHECKED or (category == "S" and vat.rate is None):
        return True, None
    base = category_base(inv, category, vat.rate, line_indexes)
    taxable = vat.taxable_amount
    if taxable is None:
        return False, base
    if category in EXACT:
        return taxable == base, base
    return taxable - ONE < base < taxable + ONE, base
