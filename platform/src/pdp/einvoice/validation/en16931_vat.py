"""EN 16931 VAT category rules: BR-S, BR-Z, BR-E, BR-AE, BR-IC (category K), BR-G, BR-O (-01…-14).

Semantics follow the official CEN schematron (the oracle), including its one-currency-unit tolerance on the
taxable amount and VAT amount checks.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from pdp.einvoice.model import AllowanceCharge, Invoice, VatBreakdown
from pdp.einvoice.validation.context import ONE, ZERO, RuleContext, total, xround2
from pdp.einvoice.validation.messages import VAT_RULE_PREFIX

PREFIX = VAT_RULE_PREFIX
# Categories with exactly one breakdown; S has one per rate.
SINGLE_BREAKDOWN = frozenset({"Z", "E", "AE", "K", "G", "O"})
EXEMPTION_REQUIRED = frozenset({"E", "AE", "K", "G", "O"})
# Rule ids by category and number ("S" → {1: "BR-S-01", …}), built once rather than formatted per line.
RULES = {category: {n: f"{prefix}-{n:02d}" for n in range(1, 15)} for category, prefix in PREFIX.items()}


def _seller_vat(inv: Invoice, *, with_tax_registration: bool) -> bool:
    rep = inv.tax_representative.vat_id if inv.tax_representative else None
    own = inv.seller.vat_id or (inv.seller.tax_registration_id if with_tax_registration else None)
    return bool(own or rep)


def _vat_ids_ok(inv: Invoice, category: str) -> bool:
    """Rules -02/-03/-04: which VAT identifiers the category needs (or, for O, forbids)."""
    if category in ("S", "Z", "E"):
        return _seller_vat(inv, with_tax_registration=True)
    if category == "G":
        return _seller_vat(inv, with_tax_registration=False)
    if category == "AE":
        return _seller_vat(inv, with_tax_registration=True) and bool(inv.buyer.vat_id or inv.buyer.legal_id)
    if category == "K":
        return _seller_vat(inv, with_tax_registration=False) and bool(inv.buyer.vat_id)
    rep = inv.tax_representative.vat_id if inv.tax_representative else None
    return not (inv.seller.vat_id or rep or inv.buyer.vat_id)  # O


def _rate_ok(category: str, rate: Decimal | None) -> bool:
    if category == "S":
        return rate is not None and rate > ZERO
    if category == "O":
        return rate is None
    return rate is not None and rate == ZERO


def _category_base(inv: Invoice, category: str, rate: Decimal | None, line_indexes: list[int]) -> Decimal:
    """Σ line net amounts + charges - allowances of one category (and, for S, one rate).

    ``line_indexes`` are the lines of the category, in order: the same sum as a filter over every line.
    """

    def matches(item_category: str | None, item_rate: Decimal | None) -> bool:
        return item_category == category and (category != "S" or item_rate == rate)

    every = inv.lines
    if category == "S":
        lines = total([every[i].net_amount for i in line_indexes if every[i].vat_rate == rate])
    else:
        lines = total([every[i].net_amount for i in line_indexes])
    if not inv.allowances_charges:  # both sums are then ZERO, as total() of nothing gives; the arithmetic stays
        return lines + ZERO - ZERO
    charges = total(
        ac.amount for ac in inv.allowances_charges if ac.is_charge and matches(ac.vat_category, ac.vat_rate)
    )
    allowances = total(
        ac.amount for ac in inv.allowances_charges if not ac.is_charge and matches(ac.vat_category, ac.vat_rate)
    )
    return lines + charges - allowances


def _within_one(actual: Decimal, expected: Decimal) -> bool:
    return actual - ONE < expected < actual + ONE


def check_vat_categories(ctx: RuleContext) -> None:
    inv = ctx.invoice
    # One pass to group everything by category; the rules below then only look at their own category.
    lines_by: dict[str | None, list[int]] = defaultdict(list)
    allowances_by: dict[str | None, list[AllowanceCharge]] = defaultdict(list)
    charges_by: dict[str | None, list[AllowanceCharge]] = defaultdict(list)
    breakdowns_by: dict[str | None, list[VatBreakdown]] = defaultdict(list)
    for index, line in enumerate(inv.lines):
        lines_by[line.vat_category].append(index)
    for ac in inv.allowances_charges:
        (charges_by if ac.is_charge else allowances_by)[ac.vat_category].append(ac)
    for vat in inv.vat_breakdown:
        breakdowns_by[vat.category].append(vat)
    lines = inv.lines
    for category, rules in RULES.items():
        line_indexes = lines_by.get(category, [])
        allowances = allowances_by.get(category, [])
        charges = charges_by.get(category, [])
        breakdowns = breakdowns_by.get(category, [])
        used = bool(line_indexes or allowances or charges)
        if category in SINGLE_BREAKDOWN:
            ctx.check((used and len(breakdowns) == 1) or (not used and not breakdowns), rules[1])
        else:
            ctx.check(used == bool(breakdowns), rules[1])
        if not (used or breakdowns):
            continue  # every other rule of the category is about its lines, allowances, charges or breakdowns
        if line_indexes:
            ctx.check(_vat_ids_ok(inv, category), rules[2])
        if allowances:
            ctx.check(_vat_ids_ok(inv, category), rules[3])
        if charges:
            ctx.check(_vat_ids_ok(inv, category), rules[4])
        if category == "S":  # _rate_ok("S", …) written out: most lines are standard rated, one call each is a lot
            failing = [i for i in line_indexes if (rate := lines[i].vat_rate) is None or not rate > ZERO]
        else:
            failing = [i for i in line_indexes if not _rate_ok(category, lines[i].vat_rate)]
        for index in failing:
            ctx.fail(rules[5], line=index)
        for ac in allowances:
            ctx.check(_rate_ok(category, ac.vat_rate), rules[6])
        for ac in charges:
            ctx.check(_rate_ok(category, ac.vat_rate), rules[7])
        for vat in breakdowns:
            _check_breakdown(ctx, category, rules, vat, line_indexes)
        if category == "O" and breakdowns:
            ctx.check(all(v.category == "O" for v in inv.vat_breakdown), "BR-O-11")
            ctx.check(all(line.vat_category == "O" for line in inv.lines), "BR-O-12")
            ctx.check(all(ac.vat_category == "O" for ac in inv.allowances_charges if not ac.is_charge), "BR-O-13")
            ctx.check(all(ac.vat_category == "O" for ac in inv.allowances_charges if ac.is_charge), "BR-O-14")
        if category == "K" and used:
            delivery_date = inv.delivery.date if inv.delivery else None
            ctx.check(delivery_date is not None or inv.invoicing_period is not None, "BR-IC-11")
            country = inv.delivery.address.country_code if inv.delivery and inv.delivery.address else None
            ctx.check(bool(country), "BR-IC-12")


def _check_breakdown(
    ctx: RuleContext, category: str, rules: dict[int, str], vat: VatBreakdown, line_indexes: list[int]
) -> None:
    if vat.taxable_amount is not None:
        base = _category_base(ctx.invoice, category, vat.rate, line_indexes)
        if not _within_one(vat.taxable_amount, base):  # the detail is formatted only for a failure
            ctx.fail(rules[8], detail=f"({vat.taxable_amount} vs {base})")
    if vat.tax_amount is not None:
        if category == "S":
            if vat.taxable_amount is not None and vat.rate is not None:
                expected = xround2(abs(vat.taxable_amount) * vat.rate / 100)
                ctx.check(_within_one(abs(vat.tax_amount), expected), "BR-S-09")
        else:
            ctx.check(vat.tax_amount == ZERO, rules[9])
    has_reason = bool(vat.exemption_reason or vat.exemption_code)
    if category in EXEMPTION_REQUIRED:
        ctx.check(has_reason, rules[10])
    else:
        ctx.check(not has_reason, rules[10])
