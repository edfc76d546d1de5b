"""The VAT category rules the CEN UBL artefact words on the XML rather than on the EN 16931 terms.

Where its tests read categories more loosely than BT-151/BT-95/BT-102/BT-118 (any tax scheme, any of an item's
categories, the subtotals of every ``cac:TaxTotal``), pdp judges a UBL document on the same reading
(:class:`TaxedItem`, kept by the UBL reader in ``Invoice.ubl_taxed_items``):

- BR-S-01 and BR-S-02 match ``normalize-space(cbc:ID) = 'S'`` in any tax scheme where the other categories' -01/-02
  test the VAT scheme;
- the -08 sums take the lines, allowances and charges whose categories (any scheme) match, and for S/L/M whose
  categories' rates match; Z, E, AE, K, G and O compare exactly (no tolerance) and, like L and M, fail without any
  line; S passes on its allowances and charges alone when they match;
- -01 and BR-O-11…14 count the VAT categories of every TaxTotal, line and allowance or charge.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pdp.einvoice.model import Invoice, TaxedItem

__all__ = ["TaxedItem", "breakdown_present_ok", "taxed_items"]
from pdp.einvoice.validation.codelists import CODE_LISTS
from pdp.einvoice.validation.context import DOCUMENT_LEVEL, RuleContext, model_taxed_items, total

ITEMS = DOCUMENT_LEVEL | {"line"}


def taxed_items(inv: Invoice) -> list[TaxedItem]:
    """The reader's fuller reading, or the same built from the model's terms when it kept none."""
    return inv.ubl_taxed_items if inv.ubl_taxed_items is not None else model_taxed_items(inv)


def breakdown_present_ok(category: str, items: list[TaxedItem]) -> bool:
    """Rule -01 as the UBL artefact words it."""
    if category == "S":  # no tax scheme test at all
        used = any("S" in it.codes for it in items if it.kind in ITEMS)
        return used == any("S" in it.codes for it in items if it.kind == "breakdown")
    if category in ("L", "M"):
        used = any(category in it.vat_codes for it in items if it.kind in ITEMS)
        if used and category == "L":  # BR-AF-01's first disjunct counts subtotals cbc:ID = 'L' of any tax scheme
            return any(category in it.codes for it in items if it.kind == "breakdown")
        return used == any(category in it.vat_codes for it in items if it.kind == "breakdown")
    # Every VAT TaxCategory counts as an item, the breakdown's own included: exactly one breakdown, or none at all.
    breakdowns = sum(it.vat_codes.count(category) for it in items if it.kind == "breakdown")
    return breakdowns == 1 or not any(category in it.vat_codes for it in items)


def standard_rated_lines(items: list[TaxedItem]) -> tuple[bool, bool]:
    """BR-S-02's two readings: a line category S in any tax scheme, and one in the VAT scheme."""
    lines = [it for it in items if it.kind == "line"]
    return any("S" in it.codes for it in lines), any("S" in it.vat_codes for it in lines)


def taxable_amount_ok(category: str, taxable: Decimal | None, rates: list[Decimal], items: list[TaxedItem]) -> bool:
    """Rule -08 for one VAT breakdown (its TaxableAmount and rate) as the UBL artefact tests it."""
    per_rate = category in ("S", "L", "M")
    if per_rate and not rates:
        return True  # "every $rate in xs:decimal(cbc:Percent) satisfies": nothing to check
    rate = rates[0] if rates else None
    if taxable is None:
        return False  # the comparison with an empty sequence is false

    def matches(it: TaxedItem) -> bool:
        return category in it.codes and (not per_rate or rate in it.rates)

    def amounts(kind: str) -> Decimal:
        return total(it.amount for it in items if it.kind == kind and matches(it))

    lines = amounts("line")
    document_level = amounts("charge") - amounts("allowance")
    any_line = any(it.kind == "line" for it in items)
    if not per_rate:
        return any_line and taxable == lines + document_level
    # The artefact writes xs:decimal(cbc:TaxableAmount - 1): the untyped amount minus 1 is an xs:double, whose exact
    # value then becomes the bound, so the bounds are the doubles' (625743.54 + 1 is a little above 625744.54).
    low, high = Decimal(float(taxable) - 1.0), Decimal(float(taxable) + 1.0)
    within: Callable[[Decimal], bool] = lambda base: low < base < high  # noqa: E731
    if category != "S":
        return any_line and within(lines + document_level)
    # S: (matching lines or allowances/charges) and the full sum; or, as its CreditNote branch reads in an Invoice
    # (and the reverse), matching allowances/charges and their sum alone.
    matching_document_level = any(it.kind in DOCUMENT_LEVEL and matches(it) for it in items)
    matching_lines = any(it.kind == "line" and matches(it) for it in items)
    return ((matching_lines or matching_document_level) and within(lines + document_level)) or (
        matching_document_level and within(document_level)
    )


def not_subject_ok(items: list[TaxedItem]) -> dict[str, bool]:
    """BR-O-11…14 when a VAT breakdown in category O exists: no other VAT category on the breakdowns, lines,
    allowances and charges (a category outside the VAT scheme is no other category; a VAT one without cbc:ID is,
    as normalize-space of nothing is not 'O')."""

    def only_o(kinds: set[str]) -> bool:
        chosen = [it for it in items if it.kind in kinds]
        return all(code == "O" for it in chosen for code in it.vat_codes) and not any(
            it.vat_without_id for it in chosen
        )

    return {
        "BR-O-11": only_o({"breakdown"}),
        "BR-O-12": only_o({"line"}),
        "BR-O-13": only_o({"allowance"}),
        "BR-O-14": only_o({"charge"}),
    }


def check_category_codes(ctx: RuleContext, items: list[TaxedItem]) -> None:
    """BR-CL-18 (every cac:ClassifiedTaxCategory/cbc:ID), BR-CL-17 (every cac:TaxCategory/cbc:ID) and BR-CL-22
    (every exemption code), whatever their tax scheme and however many an item has, as the artefact's code list
    contexts are; the model's one VAT category per item is checked with the other code lists (en16931_core)."""
    categories, reasons = CODE_LISTS["BR-CL-18"], CODE_LISTS["BR-CL-22"]
    for it in items:
        for code in it.codes:
            if code not in categories:
                ctx.fail("BR-CL-18" if it.kind == "line" else "BR-CL-17", detail=f"'{code}'")
        for code in it.exemption_codes:  # and BR-CL-22, every cbc:TaxExemptionReasonCode (upper-cased there)
            if code.upper() not in reasons:
                ctx.fail("BR-CL-22", detail=f"'{code}'")


def has_not_subject_breakdown(items: list[TaxedItem]) -> bool:
    return any("O" in it.vat_codes for it in items if it.kind == "breakdown")
