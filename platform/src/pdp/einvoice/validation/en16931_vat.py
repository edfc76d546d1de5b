"""EN 16931 VAT category rules: BR-S, BR-Z, BR-E, BR-AE, BR-IC (category K), BR-G, BR-O (-01…-14), BR-AF (L,
IGIC) and BR-AG (M, IPSI) (-01…-10), BR-B (B, split payment).

Semantics follow the official CEN artefacts (the oracle), including their one-currency-unit tolerance on the
taxable amount and VAT amount checks, and where the UBL and CII artefacts word a rule differently (-01, BR-AF-05,
BR-AF-09/BR-AG-09, BR-IC-11/12), each syntax is judged as its own artefact judges it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from pdp.einvoice.model import AllowanceCharge, Invoice, VatBreakdown
from pdp.einvoice.validation import en16931_vat_cii as cii_reading
from pdp.einvoice.validation import en16931_vat_ubl as ubl_reading
from pdp.einvoice.validation.context import CII_SYNTAXES, ONE, ZERO, RuleContext, total, xround2
from pdp.einvoice.validation.messages import VAT_RULE_COUNT, VAT_RULE_PREFIX

PREFIX = VAT_RULE_PREFIX
# Categories with one breakdown per rate; the others have exactly one.
PER_RATE = frozenset({"S", "L", "M"})
EXEMPTION_REQUIRED = frozenset({"E", "AE", "K", "G", "O"})
# Rule ids by category and number ("S" → {1: "BR-S-01", …}), built once rather than formatted per line.
RULES = {
    category: {n: f"{prefix}-{n:02d}" for n in range(1, VAT_RULE_COUNT[category] + 1)}
    for category, prefix in PREFIX.items()
}


def _given(*ids: object) -> bool:
    """Any of ``ids`` there: the artefacts test these VAT ids by existence, so a blank one ("", read from CII only)
    counts; the UBL reader gives None for a blank one."""
    return any(value is not None for value in ids)


def _seller_vat(inv: Invoice, *, with_tax_registration: bool) -> bool:
    rep = inv.tax_representative.vat_id if inv.tax_representative else None
    own = (inv.seller.vat_id, inv.seller.tax_registration_id if with_tax_registration else None)
    return _given(*own, rep)


def _vat_ids_ok(inv: Invoice, category: str) -> bool:
    """Rules -02/-03/-04: which VAT identifiers the category needs (or, for O, forbids)."""
    if category in ("S", "Z", "E", "L", "M"):
        return _seller_vat(inv, with_tax_registration=True)
    if category == "G":
        return _seller_vat(inv, with_tax_registration=False)
    if category == "AE":
        buyer_id = _given(inv.buyer.vat_id, inv.buyer.legal_id) or inv.is_blank("BT-47")  # UBL: blank is there
        return _seller_vat(inv, with_tax_registration=True) and buyer_id
    if category == "K":
        return _seller_vat(inv, with_tax_registration=False) and _given(inv.buyer.vat_id)
    rep = inv.tax_representative.vat_id if inv.tax_representative else None
    return not _given(inv.seller.vat_id, rep, inv.buyer.vat_id)  # O


def _rate_ok(category: str, rate: Decimal | None, cii: bool) -> bool:
    """Rules -05/-06/-07. IGIC (L) may be 0 % in UBL (``Percent >= 0``) but not in CII (``> 0``): the artefacts
    differ, and each syntax is judged by its own."""
    if category == "S" or (category == "L" and cii):
        return rate is not None and rate > ZERO
    if category in ("L", "M"):
        return rate is not None and rate >= ZERO
    if category == "O":
        return rate is None
    return rate is not None and rate == ZERO


def _breakdown_present_ok(category: str, cii: bool, lines: int, allowances_charges: int, breakdowns: int) -> bool:
    """Rule -01 exactly as each CEN artefact words it (counts of the category's lines, document level allowances
    and charges, and breakdowns). EN 16931 only demands a breakdown when items of the category exist, and the
    artefacts go beyond that in places, which pdp follows rather than intuition:

    - UBL, single-breakdown categories: the items looked for are every ``TaxCategory``, the breakdown's own
      included, so one breakdown passes alone; none passes only without items; two never pass.
    - UBL, S/L/M: items and breakdowns go together both ways (a breakdown without items fails).
    - CII, S/L/M: ``count(line taxes) + count(breakdowns) >= 2 or no line tax``, the same for allowances and
      charges: a breakdown without items passes, and so (the artefact's own slip) do two lines without any.
    - CII, Z/E/AE/K/G: nothing at all, or exactly one breakdown with items: a breakdown without items fails.
    - CII, O: no breakdown, or exactly one with items (O items without a breakdown pass).
    """
    items = lines + allowances_charges
    if category in PER_RATE:
        if cii:
            return (lines == 0 or lines + breakdowns >= 2) and (
                allowances_charges == 0 or allowances_charges + breakdowns >= 2
            )
        return (items > 0) == (breakdowns > 0)
    if not cii:
        return breakdowns == 1 or (breakdowns == 0 and items == 0)
    if category == "O":
        return breakdowns == 0 or (breakdowns == 1 and items > 0)
    return (breakdowns == 0 and items == 0) or (breakdowns == 1 and items > 0)


def _category_base(inv: Invoice, category: str, rate: Decimal | None, line_indexes: list[int]) -> Decimal:
    """Σ line net amounts + charges - allowances of one category (and, for S, one rate).

    ``line_indexes`` are the lines of the category, in order: the same sum as a filter over every line.
    """

    per_rate = category in PER_RATE

    def matches(item_category: str | None, item_rate: Decimal | None) -> bool:
        return item_category == category and (not per_rate or item_rate == rate)

    every = inv.lines
    if per_rate:
        lines = total([every[i].net_amount for i in line_indexes if every[i].vat_rate == rate])
    else:
        lines = total([every[i].net_amount for i in line_indexes])
    if not inv.allowances_charges:  # both sums are then ZERO, as total() of nothing gives; the arithmetic stays
        return lines + ZERO - ZERO
    charges = total(
        ac.amount for ac in inv.allowances_charges if ac.is_charge is True and matches(ac.vat_category, ac.vat_rate)
    )
    allowances = total(
        ac.amount for ac in inv.allowances_charges if ac.is_charge is False and matches(ac.vat_category, ac.vat_rate)
    )
    return lines + charges - allowances


def _within_one(actual: Decimal, expected: Decimal) -> bool:
    return actual - ONE < expected < actual + ONE


def check_vat_categories(ctx: RuleContext) -> None:
    inv = ctx.invoice
    cii = ctx.syntax in CII_SYNTAXES
    # One pass to group everything by category; the rules below then only look at their own category.
    lines_by: dict[str | None, list[int]] = defaultdict(list)
    allowances_by: dict[str | None, list[AllowanceCharge]] = defaultdict(list)
    charges_by: dict[str | None, list[AllowanceCharge]] = defaultdict(list)
    unflagged_by: dict[str | None, list[AllowanceCharge]] = defaultdict(list)
    breakdowns_by: dict[str | None, list[VatBreakdown]] = defaultdict(list)
    for index, line in enumerate(inv.lines):
        lines_by[line.vat_category].append(index)
    for ac in inv.allowances_charges:
        # Without a ChargeIndicator it is neither: the artefacts' allowance and charge contexts and sums skip it,
        # only their -01 and BR-B counts (any TaxCategory) see it.
        (unflagged_by if ac.is_charge is None else charges_by if ac.is_charge else allowances_by)[
            ac.vat_category
        ].append(ac)
    for vat in inv.judged_breakdowns():
        breakdowns_by[vat.category].append(vat)
    lines = inv.lines
    # UBL is judged on the artefact's own reading of the categories (en16931_vat_ubl), where it differs.
    ubl = ctx.syntax == "ubl"
    # CII likewise (en16931_vat_cii).
    items = ubl_reading.taxed_items(inv) if ubl else cii_reading.taxed_items(inv) if cii else []
    mentioned = {code for it in items for code in it.codes}
    if ubl and inv.ubl_taxed_items is not None:  # categories the model's terms do not hold: their code lists
        ubl_reading.check_category_codes(ctx, items)
    elif cii and inv.cii_taxed_items is not None:
        cii_reading.check_category_codes(ctx, items)
    for category, rules in RULES.items():
        line_indexes = lines_by.get(category, [])
        allowances = allowances_by.get(category, [])
        charges = charges_by.get(category, [])
        breakdowns = breakdowns_by.get(category, [])
        if cii:
            breakdowns = cii_reading.breakdowns(inv, category, items, breakdowns)
        unflagged = len(unflagged_by.get(category, []))
        used = bool(line_indexes or allowances or charges or unflagged)
        if not (used or breakdowns or category in mentioned):
            continue  # every rule of the category is about its lines, allowances, charges or breakdowns
        document_level = len(allowances) + len(charges) + unflagged
        if ubl:
            ok = ubl_reading.breakdown_present_ok(category, items)
        elif cii:
            ok = _breakdown_present_ok(category, cii, *cii_reading.counts(category, items))
        else:
            ok = _breakdown_present_ok(category, cii, len(line_indexes), document_level, len(breakdowns))
        ctx.check(ok, rules[1])
        if ubl and category == "S":  # any S line category asks for a VAT one and a seller VAT identifier
            any_scheme, in_vat = ubl_reading.standard_rated_lines(items)
            if any_scheme:
                ctx.check(in_vat and _vat_ids_ok(inv, category), rules[2])
        elif line_indexes:
            ctx.check(_vat_ids_ok(inv, category), rules[2])
        if allowances:
            ctx.check(_vat_ids_ok(inv, category), rules[3])
        if charges:
            ctx.check(_vat_ids_ok(inv, category), rules[4])
        if category == "S":  # _rate_ok("S", …) written out: most lines are standard rated, one call each is a lot
            failing = [i for i in line_indexes if (rate := lines[i].vat_rate) is None or not rate > ZERO]
        else:
            failing = [i for i in line_indexes if not _rate_ok(category, lines[i].vat_rate, cii)]
        for index in failing:
            ctx.fail(rules[5], line=index)
        for ac in allowances:
            ctx.check(_rate_ok(category, ac.vat_rate, cii), rules[6])
        for ac in charges:
            ctx.check(_rate_ok(category, ac.vat_rate, cii), rules[7])
        for vat in breakdowns:
            _check_breakdown(ctx, category, rules, vat, line_indexes, cii=cii, sums=not ubl, items=items)
        if ubl:
            _check_ubl_sums(ctx, category, rules[8], items)
        if ubl and category == "O":
            if ubl_reading.has_not_subject_breakdown(items):
                for rule, holds in ubl_reading.not_subject_ok(items).items():
                    ctx.check(holds, rule)
        elif cii and category == "O":
            if breakdowns:
                for rule, holds in cii_reading.not_subject_ok(items).items():
                    ctx.check(holds, rule)
        elif category == "O" and breakdowns:
            ctx.check(all(v.category == "O" for v in inv.vat_breakdown), "BR-O-11")
            ctx.check(all(line.vat_category == "O" for line in inv.lines), "BR-O-12")
            ctx.check(all(ac.vat_category == "O" for ac in inv.allowances_charges if ac.is_charge is False), "BR-O-13")
            ctx.check(all(ac.vat_category == "O" for ac in inv.allowances_charges if ac.is_charge), "BR-O-14")
        if category == "K" and breakdowns:  # both artefacts: a K breakdown, whatever the lines say
            _check_intra_community(ctx, cii)
    groups = (lines_by, allowances_by, charges_by, unflagged_by, breakdowns_by)
    if any("B" in group for group in groups):  # rare: the union of categories is built only then
        _check_split_payment(ctx, {category for group in groups for category in group})


def _check_intra_community(ctx: RuleContext, cii: bool) -> None:
    """BR-IC-11 (an actual delivery date or an invoicing period) and BR-IC-12 (the deliver-to country)."""
    inv = ctx.invoice
    period = inv.invoicing_period
    dated = (inv.delivery is not None and inv.delivery.date is not None) or (
        period is not None and bool(period.start or period.end)
    )
    # UBL accepts any child of cac:InvoicePeriod, its DescriptionCode (BT-8) too; CII only the period's dates.
    ctx.check(dated or (not cii and inv.vat_point_code is not None), "BR-IC-11")
    country = inv.delivery.address.country_code if inv.delivery and inv.delivery.address else None
    # UBL: string-length(...) > 1; CII: the CountryID element exists.
    ctx.check(country is not None if cii else len(country or "") > 1, "BR-IC-12")


def _check_split_payment(ctx: RuleContext, categories: set[str | None]) -> None:
    """BR-B-01/02 (Italian split payment), as both artefacts word them: any B category anywhere makes every
    country code of the invoice (addresses, items' origin) have to be IT, and forbids any S category."""
    inv = ctx.invoice
    addresses = [
        inv.seller.address,
        inv.buyer.address,
        inv.tax_representative.address if inv.tax_representative else None,
        inv.delivery.address if inv.delivery else None,
    ]
    countries = [address.country_code for address in addresses if address is not None]
    countries += [line.origin_country for line in inv.lines]
    ctx.check(all(country == "IT" for country in countries if country is not None), "BR-B-01")
    ctx.check("S" not in categories, "BR-B-02")


def _check_ubl_sums(ctx: RuleContext, category: str, rule: str, items: list[ubl_reading.TaxedItem]) -> None:
    """-08 from each VAT subtotal of category ``category`` in every TaxTotal, as the UBL artefact's context is."""
    for it in items:
        in_context = it.kind == "breakdown" and category in it.vat_codes
        if in_context and not ubl_reading.taxable_amount_ok(category, it.amount, it.rates, items):
            ctx.fail(rule, detail=f"({it.amount})")
            return


def _check_breakdown(
    ctx: RuleContext,
    category: str,
    rules: dict[int, str],
    vat: VatBreakdown,
    line_indexes: list[int],
    *,
    cii: bool,
    sums: bool = True,
    items: list[ubl_reading.TaxedItem] | None = None,
) -> None:
    # -08 of S/L/M is "every $rate in Percent satisfies …": nothing to check without a rate. (UBL's: _check_ubl_sums.)
    if cii:  # summed, rounded and compared as the CII artefact does (en16931_vat_cii)
        ok, base = cii_reading.taxable_amount_ok(category, vat, items or [])
        if not ok:
            ctx.fail(rules[8], detail=f"({vat.taxable_amount} vs {base})")
    elif sums and vat.taxable_amount is not None and not (category in PER_RATE and vat.rate is None):
        base = _category_base(ctx.invoice, category, vat.rate, line_indexes)
        if not _within_one(vat.taxable_amount, base):  # the detail is formatted only for a failure
            ctx.fail(rules[8], detail=f"({vat.taxable_amount} vs {base})")
    # -09: without a VAT amount, rate or taxable amount the artefacts compare an empty sequence: false, it fails.
    if category in PER_RATE:
        # CII's BR-AF-09 and BR-AG-09 are true() (duplicates of BR-CO-17); BR-S-09 is checked in both.
        if category == "S" or not cii:
            if vat.tax_amount is None or vat.taxable_amount is None or vat.rate is None:
                ctx.fail(rules[9])
            else:
                expected = xround2(abs(vat.taxable_amount) * vat.rate / 100)
                ctx.check(_within_one(abs(vat.tax_amount), expected), rules[9])
    else:
        ctx.check(vat.tax_amount is not None and vat.tax_amount == ZERO, rules[9])
    # The artefacts test the elements' existence: a blank one, which the readers keep as "", is there.
    has_reason = vat.exemption_reason is not None or vat.exemption_code is not None
    if category in EXEMPTION_REQUIRED:
        ctx.check(has_reason, rules[10])
    else:
        ctx.check(not has_reason, rules[10])
