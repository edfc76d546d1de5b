"""EN 16931 calculation rules BR-CO-09…18, with the official schematron's rounding and tolerances."""

from __future__ import annotations

from decimal import Decimal

from pdp.einvoice.validation import en16931_vat_ubl as ubl_reading
from pdp.einvoice.validation.codelists import CODE_LISTS
from pdp.einvoice.validation.context import CII_SYNTAXES, ONE, ZERO, RuleContext, total, xround, xround2
from pdp.einvoice.validation.en16931_vat_cii import generic_breakdown_rules_apply

# BR-CO-09 accepts the ISO 3166-1 codes of BR-CL-14 plus EL (Greece's VAT prefix).
VAT_PREFIXES = CODE_LISTS["BR-CL-14"] | {"EL"}
_UBL_PREFIX_TEXT = f" {' '.join(sorted(VAT_PREFIXES))} "


def _br_co_17(taxable: Decimal | None, tax: Decimal | None, rate: Decimal | None, *, inclusive: bool) -> bool:
    """BR-CO-17 as the CEN artefacts test it: without a VAT rate (none written, or a category in another tax
    scheme, which the readers leave without one) the tax amount must round to zero; a missing amount fails."""
    if tax is None:
        return False
    if rate is None or xround(rate) == ZERO:
        return xround(tax) == ZERO
    if taxable is None:
        return False
    # One currency unit of tolerance either way, as the official rule has it.
    expected = xround2(abs(taxable) * rate / 100)
    low, high = abs(tax) - ONE, abs(tax) + ONE
    return low <= expected <= high if inclusive else low < expected < high


def check_totals(ctx: RuleContext) -> None:
    inv, t = ctx.invoice, ctx.invoice.totals
    # The details are formatted only for a failing rule: formatting Decimals costs more than the checks.
    line_sum = total(line.net_amount for line in inv.lines)
    # The artefacts compare each total as written: a missing one compares false (XPath's empty sequence), so when
    # the monetary totals element is there, a missing BT-106/109/112/115 fails the calculation rules that use it
    # as well as its own presence rule (BR-12…15); without the element, only BR-CO-15 (the document's) is checked.
    grouped = not inv.lacks("BG-22")
    if t.line_net is not None:
        expected = xround2(line_sum)
        if t.line_net != expected:
            ctx.fail("BR-CO-10", detail=f"({t.line_net} ≠ {expected})")
    elif grouped:
        ctx.fail("BR-CO-10")
    # An allowance or charge that says neither (no ChargeIndicator) is in neither sum, as in the artefacts; both
    # rules are asked from the monetary totals element, so a document without it checks neither.
    allowances = [ac.amount for ac in inv.allowances_charges if ac.is_charge is False]
    charges = [ac.amount for ac in inv.allowances_charges if ac.is_charge]
    if grouped and (t.allowances is not None or allowances):
        ctx.check(t.allowances is not None and t.allowances == xround2(total(allowances)), "BR-CO-11")
    if grouped and (t.charges is not None or charges):
        ctx.check(t.charges is not None and t.charges == xround2(total(charges)), "BR-CO-12")
    if t.line_net is not None and t.without_vat is not None:
        # UBL's branch without allowance and charge totals compares BT-109 with BT-106 as written, unrounded.
        unrounded = ctx.syntax == "ubl" and t.allowances is None and t.charges is None
        expected = t.line_net if unrounded else xround2(t.line_net - (t.allowances or ZERO) + (t.charges or ZERO))
        if t.without_vat != expected:
            ctx.fail("BR-CO-13", detail=f"({t.without_vat} ≠ {expected})")
    elif grouped:
        ctx.fail("BR-CO-13")
    # The UBL schematron skips BR-CO-14 without a breakdown (BR-CO-18 reports that); the CII one sums zero, from
    # each TaxTotalAmount whose currencyID is BT-5 (one in another currency, or without BT-5, is not checked).
    if ctx.syntax in CII_SYNTAXES:
        vat_checked = inv.currency is not None and t.vat_totals_in_currency != 0
    else:
        vat_checked = bool(inv.vat_breakdown)
    if t.vat is not None and vat_checked:
        expected = xround2(total(v.tax_amount for v in inv.vat_breakdown))
        if t.vat != expected:
            ctx.fail("BR-CO-14", detail=f"({t.vat} ≠ {expected})")
    elif t.vat is None and inv.vat_breakdown and ctx.syntax == "ubl":
        ctx.fail("BR-CO-14")  # UBL's context is the TaxTotal, which its breakdown shows is there without an amount
    for other in inv.ubl_other_tax_totals or ():  # UBL asks it of every TaxTotal with subtotals
        expected = xround2(total(v.tax_amount for v in other.breakdown))
        if other.tax_amount != expected:
            ctx.fail("BR-CO-14", detail=f"({other.tax_amount} ≠ {expected})")
    if inv.currency is None:
        pass  # BR-CO-15 is "every $Currency in" BT-5: without one, it holds vacuously in both artefacts
    elif t.vat_totals_in_currency is not None:
        # BR-CO-15 counts the VAT totals in BT-5 first: exactly one, or the rule fails; CII's still accepts an
        # invoice whose BT-112 equals its BT-109 (no VAT to add).
        if ctx.syntax not in ("cii", "facturx") or t.with_vat is None or t.with_vat != t.without_vat:
            ctx.fail("BR-CO-15", detail=f"({t.vat_totals_in_currency} VAT totals in {ctx.invoice.currency})")
    elif t.with_vat is not None and t.without_vat is not None:
        expected = xround2(t.without_vat + (t.vat or ZERO))
        # CII's "or BT-112 = BT-109" holds whatever the VAT total says.
        if t.with_vat != expected and not (ctx.syntax in CII_SYNTAXES and t.with_vat == t.without_vat):
            ctx.fail("BR-CO-15", detail=f"({t.with_vat} ≠ {expected})")
    else:
        ctx.fail("BR-CO-15")  # its context is the document: a missing BT-109 or BT-112 compares false
    if t.due is not None and t.with_vat is not None and ctx.syntax == "ubl":
        # The UBL artefact rounds a side only where it subtracts: without rounding amount BT-115 is compared as
        # written, without prepaid amount BT-112 too (a third decimal there fails it).
        due = t.due if t.rounding is None else xround2(t.due - t.rounding)
        ctx.check(due == (t.with_vat if t.prepaid is None else xround2(t.with_vat - t.prepaid)), "BR-CO-16")
    elif t.due is not None and t.with_vat is not None and ctx.syntax in CII_SYNTAXES:
        # The CII artefact compares as written, unrounded: a third decimal on one side fails it.
        ctx.check(t.due == t.with_vat - (t.prepaid or ZERO) + (t.rounding or ZERO), "BR-CO-16")
    elif t.due is not None and t.with_vat is not None:
        ctx.check(xround2(t.due - (t.rounding or ZERO)) == xround2(t.with_vat - (t.prepaid or ZERO)), "BR-CO-16")
    elif grouped:
        ctx.fail("BR-CO-16")
    # The CII artefact's tolerance is inclusive (<=, >=), the UBL one's strict.
    inclusive = ctx.syntax in ("cii", "facturx")
    for vat in inv.judged_breakdowns():
        if not generic_breakdown_rules_apply(inclusive, vat):
            continue
        if not _br_co_17(vat.taxable_amount, vat.tax_amount, vat.rate, inclusive=inclusive):
            ctx.fail("BR-CO-17", detail=f"({vat.category} {vat.rate}%)")
    # The CII artefact asks from each line's context (a document without lines is BR-16's alone).
    if inv.lines or ctx.syntax not in CII_SYNTAXES:
        # UBL's is exists(cac:TaxTotal/cac:TaxSubtotal): a subtotal in any TaxTotal, the tax currency's too.
        subtotals = ctx.syntax == "ubl" and any(it.kind == "breakdown" for it in ubl_reading.taxed_items(inv))
        ctx.check(bool(inv.vat_breakdown) or subtotals, "BR-CO-18")
    for vat_id in (
        inv.seller.vat_id,
        inv.buyer.vat_id,
        inv.tax_representative.vat_id if inv.tax_representative else None,
        *(inv.seller.other_vat_ids or ()),  # UBL: every cac:PartyTaxScheme in the VAT scheme
        *(inv.buyer.other_vat_ids or ()),
    ):
        if vat_id is None:
            continue
        # CII compares the prefix with the list (a blank one fails); UBL's test is contains(' 1A AD … ZW ',
        # substring(cbc:CompanyID, 1, 2)): a blank one, or a prefix found anywhere in that text ("1", "A "), passes.
        known = vat_id[:2] in _UBL_PREFIX_TEXT if ctx.syntax == "ubl" else vat_id[:2] in VAT_PREFIXES
        if not known:
            ctx.fail("BR-CO-09", detail=f"'{vat_id}'")
