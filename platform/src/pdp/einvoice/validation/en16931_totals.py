"""EN 16931 calculation rules BR-CO-09…18, with the official schematron's rounding and tolerances."""

from __future__ import annotations

from pdp.einvoice.validation.codelists import CODE_LISTS
from pdp.einvoice.validation.context import ONE, ZERO, RuleContext, total, xround, xround2

# BR-CO-09 accepts the ISO 3166-1 codes of BR-CL-14 plus EL (Greece's VAT prefix).
VAT_PREFIXES = CODE_LISTS["BR-CL-14"] | {"EL"}


def check_totals(ctx: RuleContext) -> None:
    inv, t = ctx.invoice, ctx.invoice.totals
    # The details are formatted only for a failing rule: formatting Decimals costs more than the checks.
    line_sum = total(line.net_amount for line in inv.lines)
    if t.line_net is not None:
        expected = xround2(line_sum)
        if t.line_net != expected:
            ctx.fail("BR-CO-10", detail=f"({t.line_net} ≠ {expected})")
    allowances = [ac.amount for ac in inv.allowances_charges if not ac.is_charge]
    charges = [ac.amount for ac in inv.allowances_charges if ac.is_charge]
    if t.allowances is not None or allowances:
        ctx.check(t.allowances is not None and t.allowances == xround2(total(allowances)), "BR-CO-11")
    if t.charges is not None or charges:
        ctx.check(t.charges is not None and t.charges == xround2(total(charges)), "BR-CO-12")
    if t.line_net is not None and t.without_vat is not None:
        expected = xround2(t.line_net - (t.allowances or ZERO) + (t.charges or ZERO))
        if t.without_vat != expected:
            ctx.fail("BR-CO-13", detail=f"({t.without_vat} ≠ {expected})")
    # The UBL schematron skips BR-CO-14 without a breakdown (BR-CO-18 reports that); the CII one sums zero.
    if t.vat is not None and (inv.vat_breakdown or ctx.syntax in ("cii", "facturx")):
        expected = xround2(total(v.tax_amount for v in inv.vat_breakdown))
        if t.vat != expected:
            ctx.fail("BR-CO-14", detail=f"({t.vat} ≠ {expected})")
    if t.with_vat is not None and t.without_vat is not None:
        expected = xround2(t.without_vat + (t.vat or ZERO))
        if t.with_vat != expected:
            ctx.fail("BR-CO-15", detail=f"({t.with_vat} ≠ {expected})")
    if t.due is not None and t.with_vat is not None:
        ctx.check(xround2(t.due - (t.rounding or ZERO)) == xround2(t.with_vat - (t.prepaid or ZERO)), "BR-CO-16")
    for vat in inv.vat_breakdown:
        if vat.tax_amount is None or vat.taxable_amount is None or vat.rate is None:
            continue
        if xround(vat.rate) == ZERO:
            ok = xround(vat.tax_amount) == ZERO
        else:
            # One currency unit of tolerance either way, as the official rule has it.
            expected = xround2(abs(vat.taxable_amount) * vat.rate / 100)
            ok = abs(vat.tax_amount) - ONE < expected < abs(vat.tax_amount) + ONE
        if not ok:
            ctx.fail("BR-CO-17", detail=f"({vat.category} {vat.rate}%)")
    ctx.check(bool(inv.vat_breakdown), "BR-CO-18")
    for vat_id in (
        inv.seller.vat_id,
        inv.buyer.vat_id,
        inv.tax_representative.vat_id if inv.tax_representative else None,
    ):
        if vat_id and vat_id[:2] not in VAT_PREFIXES:
            ctx.fail("BR-CO-09", detail=f"'{vat_id}'")
