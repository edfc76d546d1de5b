"""What a rule sees and how it reports: the invoice, its syntax (for XPaths), and a findings sink.

Arithmetic follows the official schematrons exactly, because they are the oracle: XPath ``round(x * 100) div
100`` rounds half *up* (towards +∞), and several rules allow a tolerance of one currency unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from pdp.einvoice.findings import Finding, Severity, finding
from pdp.einvoice.model import AllowanceCharge, Invoice, TaxedItem
from pdp.einvoice.paths import xpath_for
from pdp.einvoice.validation.messages import MESSAGES

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
HALF = Decimal("0.5")
ZERO = Decimal(0)
CII_SYNTAXES = frozenset({"cii", "facturx"})  # the syntaxes read as CII (a Factur-X PDF carries CII)
ONE = Decimal(1)
# TaxedItem kinds at the document level: an allowance, a charge, or one that says neither (no ChargeIndicator)
DOCUMENT_LEVEL = frozenset({"allowance", "charge", "unflagged"})


def xround2(value: Decimal) -> Decimal:
    """XPath ``round(value * 100) div 100``: half rounds towards positive infinity."""
    return (value * HUNDRED + HALF).to_integral_value(rounding=ROUND_FLOOR) / HUNDRED


def xround(value: Decimal) -> Decimal:
    return (value + HALF).to_integral_value(rounding=ROUND_FLOOR)


def amount_there(invoice: Invoice, ac: AllowanceCharge, line: int | None) -> bool:
    """An allowance's or charge's amount there (BR-31/36, BR-41/43): the CEN CII artefact tests ram:ActualAmount by
    existence, so a blank one (an XSD error) counts; cii_blanks keeps it as "BT-92/99" or "BT-136/141@line"."""
    term = "BT-92/99" if line is None else f"BT-136/141@{line}"
    return ac.amount is not None or invoice.is_blank(term)


def total(values: Iterable[Decimal | None]) -> Decimal:
    # A list rather than a generator for sum(): the same additions in the same order, one frame switch less each.
    return sum([v for v in values if v is not None], ZERO)


def model_taxed_items(inv: Invoice) -> list[TaxedItem]:
    """The lines, allowances and charges and VAT breakdowns as :class:`TaxedItem`, each with its one category and rate
    from the model's terms: what the syntax-worded VAT rules read when the reader kept no fuller reading (a JSON or
    PDF invoice, or an invoice built in code)."""
    items = [_taxed_item("line", line.net_amount, line.vat_category, line.vat_rate) for line in inv.lines]
    for ac in inv.allowances_charges:
        kind = "unflagged" if ac.is_charge is None else "charge" if ac.is_charge else "allowance"
        items.append(_taxed_item(kind, ac.amount, ac.vat_category, ac.vat_rate))
    items += [_taxed_item("breakdown", v.taxable_amount, v.category, v.rate) for v in inv.vat_breakdown]
    return items


def _taxed_item(kind: str, amount: Decimal | None, category: str | None, rate: Decimal | None) -> TaxedItem:
    codes = [category] if category is not None else []
    rates = [rate] if rate is not None else []
    return TaxedItem(kind=kind, amount=amount, codes=codes, vat_codes=codes, rates=rates)  # type: ignore[arg-type]


def decimals(value: Decimal) -> int:
    """Digits after the decimal point as written (``Decimal("1.50")`` → 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def more_than_two_decimals(value: Decimal) -> bool:
    """``decimals(value) > 2``; an amount written with two decimals (the usual case) is told by one C call."""
    return not value.same_quantum(CENT) and decimals(value) > 2


@dataclass(slots=True)
class RuleContext:
    invoice: Invoice
    syntax: str
    findings: list[Finding] = field(default_factory=list)
    # Rules whose severity the caller sets (the deliberate differences, pdp.einvoice.validation.deliberate).
    severities: Mapping[str, Severity] = field(default_factory=dict)

    def fail(self, rule: str, *, line: int | None = None, severity: Severity | None = None, detail: str = "") -> None:
        """Report ``rule`` (text and BT from the catalogue), optionally on line ``line`` (0-based)."""
        text = MESSAGES[rule]
        where = f" (line {self.invoice.lines[line].id})" if line is not None and line < len(self.invoice.lines) else ""
        suffix = f" {detail}" if detail else ""
        self.findings.append(
            finding(
                rule,
                severity or self.severities.get(rule) or text.severity,
                f"{text.en}{where}{suffix}",
                f"{text.fr}{where.replace('line', 'ligne')}{suffix}",
                bt=text.bt,
                xpath=xpath_for(self.syntax, text.bt, line) if text.bt else None,
            )
        )

    def check(self, condition: bool, rule: str, *, line: int | None = None, detail: str = "") -> None:
        if not condition:
            self.fail(rule, line=line, detail=detail)
