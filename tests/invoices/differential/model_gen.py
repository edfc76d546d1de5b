"""Documents from pdp's model, written by pdp's own writers (``write_ubl``, ``write_cii``) with random content.

A CEN example gives the parties, then the business content is drawn anew: 1 to 6 lines with random quantities,
prices and VAT categories, document allowances and charges, and a VAT breakdown and totals computed the way
EN 16931 says (so a large share is valid). Then 0 to 3 business terms are spoiled at random through the model
(a term set to nothing, a code changed, an amount nudged), which reaches rules from the model's side. Writers
can only write what the model holds, so these documents complement the XML mutations rather than repeat them.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import msgspec

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.readers import read_xml_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import AllowanceCharge, Invoice, Line, Period, VatBreakdown
from tests.invoices.differential.seeds import examples

CENT = Decimal("0.01")
CATEGORIES: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("S", ("20", "10", "5.5", "2.1", "19", "7"), None),
    ("Z", ("0",), None),
    ("E", ("0",), "Exempt"),
    ("AE", ("0",), "Reverse charge"),
    ("K", ("0",), "Intra-community supply"),
    ("G", ("0",), "Export outside the EU"),
    ("O", ("",), "Not subject to VAT"),
    ("L", ("7", "3"), None),
    ("M", ("4",), None),
)
WRITERS: dict[str, Callable[[Invoice], bytes]] = {"ubl": write_ubl, "cii": write_cii}
SPOIL_CODES = ("S", "Z", "E", "AE", "K", "G", "O", "L", "M", "X", "380", "381", "999", "EUR", "XXX", "C62", "")


@cache
def bases() -> tuple[Invoice, ...]:
    invoices = []
    for syntax in ("ubl", "cii"):
        for seed in examples(syntax):
            try:
                invoices.append(read_xml_invoice(parse_xml(seed.xml)).invoice)
            except Exception:
                continue
    return tuple(invoices)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _rate(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _lines(rng: random.Random, categories: list[tuple[str, Decimal | None]]) -> list[Line]:
    lines = []
    for number in range(1, rng.randint(1, 6) + 1):
        category, rate = rng.choice(categories)
        quantity = Decimal(rng.choice(("1", "2", "3.5", "10", "0.333", "-1", "100")))
        price = Decimal(rng.randrange(1, 100000)) / 100
        lines.append(
            Line(
                id=str(number),
                quantity=quantity,
                unit_code=rng.choice(("C62", "H87", "HUR", "KGM", "XPP")),
                net_amount=_money(quantity * price),
                net_price=price,
                vat_category=category,
                vat_rate=rate,
                item_name=f"Item {number}",
            )
        )
    return lines


def _allowances(rng: random.Random, categories: list[tuple[str, Decimal | None]]) -> list[AllowanceCharge]:
    found = []
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        category, rate = rng.choice(categories)
        is_charge = rng.random() < 0.4
        found.append(
            AllowanceCharge(
                is_charge=is_charge,
                amount=Decimal(rng.randrange(1, 5000)) / 100,
                vat_category=category,
                vat_rate=rate,
                reason="Freight" if is_charge else "Discount",
                reason_code=None if is_charge else "95",
            )
        )
    return found


def _breakdown(invoice: Invoice, reasons: dict[str, str | None]) -> list[VatBreakdown]:
    bases: dict[tuple[str, Decimal | None], Decimal] = {}
    for line in invoice.lines:
        key = (line.vat_category or "", line.vat_rate)
        bases[key] = bases.get(key, Decimal("0")) + (line.net_amount or 0)
    for ac in invoice.allowances_charges:
        key = (ac.vat_category or "", ac.vat_rate)
        bases[key] = bases.get(key, Decimal("0")) + (ac.amount or 0) * (1 if ac.is_charge else -1)
    return [
        VatBreakdown(
            taxable_amount=_money(base),
            tax_amount=_money(base * (rate or 0) / 100),
            category=category,
            rate=rate,
            exemption_reason=reasons.get(category),
        )
        for (category, rate), base in bases.items()
    ]


def _totals(invoice: Invoice) -> None:
    totals = invoice.totals
    totals.line_net = sum((line.net_amount or Decimal("0") for line in invoice.lines), Decimal("0.00"))
    allowances = [ac.amount or Decimal("0") for ac in invoice.allowances_charges if not ac.is_charge]
    charges = [ac.amount or Decimal("0") for ac in invoice.allowances_charges if ac.is_charge]
    totals.allowances = sum(allowances, Decimal("0.00")) if allowances else None
    totals.charges = sum(charges, Decimal("0.00")) if charges else None
    totals.without_vat = totals.line_net - (totals.allowances or 0) + (totals.charges or 0)
    totals.vat = sum((b.tax_amount or Decimal("0") for b in invoice.vat_breakdown), Decimal("0.00"))
    totals.with_vat = totals.without_vat + totals.vat
    totals.prepaid = None
    totals.rounding = None
    totals.due = totals.with_vat


def random_invoice(rng: random.Random) -> Invoice:
    invoice = copy.deepcopy(rng.choice(bases()))
    chosen = rng.sample(CATEGORIES, rng.choice((1, 1, 1, 2, 3)))
    categories = [(code, _rate(rate)) for code, rates, _ in chosen for rate in rates[: rng.randint(1, len(rates))]]
    reasons = {code: reason for code, _, reason in chosen}
    invoice.type_code = rng.choice(("380", "380", "381", "384", "389"))
    invoice.issue_date = date(2024, rng.randint(1, 12), rng.randint(1, 28))
    invoice.lines = _lines(rng, categories)
    invoice.allowances_charges = _allowances(rng, categories)
    invoice.vat_breakdown = _breakdown(invoice, reasons)
    _totals(invoice)
    codes = set(reasons)
    if codes & {"AE", "K"} and not invoice.buyer.vat_id:
        invoice.buyer.vat_id = "DE123456789"
    if "K" in codes and invoice.invoicing_period is None:
        invoice.invoicing_period = Period(start=date(2024, 1, 1), end=date(2024, 1, 31))
    if codes == {"O"}:
        invoice.seller.vat_id = invoice.buyer.vat_id = None
        invoice.tax_representative = None
    return invoice


def _leaves(tree: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(tree, dict):
        return [leaf for key, value in tree.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(tree, list):
        return [leaf for index, value in enumerate(tree) for leaf in _leaves(value, (*path, index))]
    return [(path, tree)]


def spoil(rng: random.Random, invoice: Invoice, count: int) -> tuple[Invoice, list[str]]:
    """``count`` business terms changed through the model's plain form (a dict), then converted back."""
    tree = msgspec.to_builtins(invoice)
    done = []
    for _ in range(count):
        leaves = _leaves(tree)
        if not leaves:
            break
        path, value = rng.choice(leaves)
        holder = tree
        for key in path[:-1]:
            holder = holder[key]
        choice = rng.random()
        if choice < 0.4:
            new: Any = None
        elif isinstance(value, str) and len(value) <= 4:
            new = rng.choice(SPOIL_CODES)
        else:
            new = str(Decimal(rng.randrange(-1000, 100000)) / 100)
        try:
            candidate = copy.deepcopy(tree)
            target = candidate
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = new
            msgspec.convert(candidate, Invoice, strict=False)
        except (msgspec.ValidationError, TypeError):
            continue  # a term that cannot hold this value in the model (a date, a boolean): leave it
        holder[path[-1]] = new
        done.append(f"spoil-{'.'.join(str(p) for p in path)}")
    return msgspec.convert(tree, Invoice, strict=False), done


def generated(rng: random.Random, syntax: str) -> tuple[bytes, list[str]]:
    invoice, done = spoil(rng, random_invoice(rng), rng.choice((0, 0, 1, 1, 2, 3)))
    return WRITERS[syntax](invoice), ["model", *done]
