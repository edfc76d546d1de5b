"""A generated corpus for the oracle: valid invoices and systematic mutations of them, in CII and in UBL.

Each base sample is read into the model, mutated (wrong totals, missing fields, bad codes, rounding edges,
credit notes, allowances and charges, every VAT category), then written by pdp's own writers, so the same
business content is judged in both syntaxes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.readers import read_xml_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import AllowanceCharge, CreditTransfer, Invoice, Payment, Period, VatBreakdown
from tests.invoices.samples import SAMPLES

BASES = ("en16931/cii/CII_example1.xml", "en16931/ubl/ubl-tc434-example1.xml", "en16931/cii/CII_example4.xml")
Mutation = Callable[[Invoice], None]


def _set_category(category: str, reason: str | None) -> Mutation:
    """Turn the whole invoice into one non-standard VAT category, consistently (a valid invoice)."""

    def mutate(inv: Invoice) -> None:
        for line in inv.lines:
            line.vat_category, line.vat_rate = category, (None if category == "O" else Decimal("0"))
        for ac in inv.allowances_charges:
            ac.vat_category, ac.vat_rate = category, (None if category == "O" else Decimal("0"))
        base = inv.totals.without_vat or Decimal("0")
        inv.vat_breakdown = [
            VatBreakdown(
                taxable_amount=base,
                tax_amount=Decimal("0.00"),
                category=category,
                rate=None if category == "O" else Decimal("0"),
                exemption_reason=reason,
            )
        ]
        inv.totals.vat = Decimal("0.00")
        inv.totals.with_vat = base
        inv.totals.due = base - (inv.totals.prepaid or 0) + (inv.totals.rounding or 0)
        if category == "O":
            inv.seller.vat_id = None
            inv.buyer.vat_id = None
            inv.tax_representative = None
        if category in ("AE", "K") and not inv.buyer.vat_id:
            inv.buyer.vat_id = "DE123456789"
        if category == "K" and inv.invoicing_period is None:
            inv.invoicing_period = Period(start=date(2024, 1, 1), end=date(2024, 1, 31))

    return mutate


def _bump(attribute: str, delta: str) -> Mutation:
    def mutate(inv: Invoice) -> None:
        value = getattr(inv.totals, attribute)
        setattr(inv.totals, attribute, (value or Decimal("0")) + Decimal(delta))

    return mutate


def _seller_without_ids(inv: Invoice) -> None:
    inv.seller.identifiers, inv.seller.legal_id, inv.seller.vat_id = [], None, None


def _allowance_without_reason(inv: Invoice) -> None:
    category = inv.lines[0].vat_category
    rate = inv.lines[0].vat_rate
    inv.allowances_charges.append(
        AllowanceCharge(is_charge=False, amount=Decimal("0.00"), vat_category=category, vat_rate=rate)
    )


def _transfer_without_iban(inv: Invoice) -> None:
    inv.payment = Payment(means_code="30", credit_transfers=[])


def _period_backwards(inv: Invoice) -> None:
    inv.invoicing_period = Period(start=date(2024, 2, 1), end=date(2024, 1, 1))


def _no_due_date_no_terms(inv: Invoice) -> None:
    inv.due_date, inv.payment_terms = None, None
    if inv.payment is not None:
        inv.payment.credit_transfers = inv.payment.credit_transfers or [
            CreditTransfer(account_id="DE75512108001245126199")
        ]


def _three_decimals(inv: Invoice) -> None:
    line = inv.lines[0]
    if line.net_amount is not None:
        line.net_amount = line.net_amount + Decimal("0.001")


def _credit_note(inv: Invoice) -> None:
    inv.type_code = "381"


MUTATIONS: dict[str, Mutation] = {
    "as-is": lambda inv: None,
    "credit-note": _credit_note,
    "wrong-total-with-vat": _bump("with_vat", "1.00"),
    "wrong-line-total": _bump("line_net", "0.01"),
    "wrong-vat-total": _bump("vat", "0.50"),
    "wrong-due": _bump("due", "3.00"),
    "no-seller-name": lambda inv: setattr(inv.seller, "name", None),
    "no-buyer-address": lambda inv: setattr(inv.buyer, "address", None),
    "bad-currency": lambda inv: setattr(inv, "currency", "EUX"),
    "bad-type-code": lambda inv: setattr(inv, "type_code", "999"),
    "bad-unit": lambda inv: setattr(inv.lines[0], "unit_code", "QQQ"),
    "three-decimals": _three_decimals,
    "no-vat-breakdown": lambda inv: setattr(inv, "vat_breakdown", []),
    "standard-rate-zero": lambda inv: setattr(inv.lines[0], "vat_rate", Decimal("0")),
    "allowance-without-reason": _allowance_without_reason,
    "transfer-without-iban": _transfer_without_iban,
    "period-backwards": _period_backwards,
    "no-due-date-no-terms": _no_due_date_no_terms,
    "seller-without-ids": _seller_without_ids,
    "bad-vat-prefix": lambda inv: setattr(inv.seller, "vat_id", "XX123456789"),
    "negative-price": lambda inv: setattr(inv.lines[0], "net_price", Decimal("-1.00")),
    "category-Z": _set_category("Z", None),
    "category-E": _set_category("E", "Exempt"),
    "category-E-no-reason": _set_category("E", None),
    "category-AE": _set_category("AE", "Reverse charge"),
    "category-K": _set_category("K", "Intra-community supply"),
    "category-G": _set_category("G", "Export outside the EU"),
    "category-O": _set_category("O", "Not subject to VAT"),
    "category-O-no-reason": _set_category("O", None),
}


def mutations() -> Iterator[tuple[str, bytes]]:
    for base in BASES:
        original = read_xml_invoice(parse_xml((SAMPLES / base).read_bytes())).invoice
        for name, mutate in MUTATIONS.items():
            invoice = copy.deepcopy(original)
            mutate(invoice)
            stem = Path(base).stem
            yield f"{stem}~{name}.cii", write_cii(invoice)
            yield f"{stem}~{name}.ubl", write_ubl(invoice)
