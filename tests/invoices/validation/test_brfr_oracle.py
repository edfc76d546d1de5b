"""pdp's native BR-FR (French reform, Flux 2) verdicts against the FNFE schematron, rule by rule.

The corpus is French: invoices built from structured JSON (SIREN, electronic addresses, notes), written as CII,
and systematic mutations of them. Only the BR-FR rules pdp implements are compared.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.json_input import to_invoice
from pdp.einvoice.formats.readers import read_xml_invoice
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import Invoice, Note, PrecedingInvoice
from pdp.einvoice.validation.brfr import validate_brfr
from tests.invoices.oracle import Oracle
from tests.invoices.report import SUMMARY
from tests.invoices.validation.test_engine import SELLER, structured

IMPLEMENTED = frozenset({
    "BR-FR-01", "BR-FR-02", "BR-FR-03", "BR-FR-04", "BR-FR-05", "BR-FR-06", "BR-FR-08", "BR-FR-10", "BR-FR-12",
    "BR-FR-13", "BR-FR-15", "BR-FR-16", "BR-FR-CO-04", "BR-FR-CO-05", "BR-FR-CO-07", "BR-FR-CO-12",
})  # fmt: skip


def _french(inv: Invoice) -> None:
    inv.process_type = "S1"
    inv.notes = [
        Note(text="Indemnité forfaitaire de 40 €", subject_code="PMT"),
        Note(text="Pénalités de retard : 3 fois le taux d'intérêt légal", subject_code="PMD"),
        Note(text="Pas d'escompte pour paiement anticipé", subject_code="AAB"),
    ]


def _set(**values: object) -> Callable[[Invoice], None]:
    def mutate(inv: Invoice) -> None:
        for name, value in values.items():
            setattr(inv, name, value)

    return mutate


MUTATIONS: dict[str, Callable[[Invoice], None]] = {
    "french-valid": lambda inv: None,
    "no-notes": _set(notes=[]),
    "two-txd": lambda inv: inv.notes.extend([Note(text="a", subject_code="TXD"), Note(text="b", subject_code="TXD")]),
    "no-billing-mode": _set(process_type=None),
    "bad-billing-mode": _set(process_type="X1"),
    "number-with-space": _set(number="F 2026 42"),
    "number-too-long": _set(number="F" * 36),
    "year-1999": _set(issue_date=date(1999, 12, 31), due_date=date(2000, 1, 31)),
    "type-not-french": _set(type_code="383"),
    "due-before-issue": _set(due_date=date(2026, 1, 1)),
    "rate-19": lambda inv: [setattr(line, "vat_rate", Decimal("19.00")) for line in inv.lines],
    "seller-without-siren": lambda inv: setattr(inv.seller, "legal_id", None),
    "no-seller-address": lambda inv: setattr(inv.seller, "electronic_address", None),
    "corrective-two-preceding": _set(
        type_code="384",
        preceding_invoices=[
            PrecedingInvoice(number="F-1", date=date(2026, 1, 2)),
            PrecedingInvoice(number="F-2", date=date(2026, 1, 3)),
        ],
    ),
    "credit-note-without-preceding": _set(type_code="381", payment=None),
    "preceding-bad-number": _set(
        type_code="381", payment=None, preceding_invoices=[PrecedingInvoice(number="F 1", date=date(2026, 1, 2))]
    ),
    "usd-without-eur": _set(currency="USD"),
}


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle()


def test_native_brfr_rules_agree_with_the_fnfe_schematron(oracle: Oracle) -> None:
    base = to_invoice(structured(), seller=SELLER)
    _french(base)
    pairs = agreements = 0
    disagreements: list[str] = []
    for name, mutate in MUTATIONS.items():
        invoice = copy.deepcopy(base)
        mutate(invoice)
        xml = write_cii(invoice)
        read = read_xml_invoice(parse_xml(xml)).invoice
        native = {f.rule for f in validate_brfr(read)} & IMPLEMENTED
        official = oracle.judge(xml, "cii-fr").errors & IMPLEMENTED
        for rule in IMPLEMENTED:
            pairs += 1
            if (rule in native) == (rule in official):
                agreements += 1
            else:
                disagreements.append(f"{name}: {rule} ({'pdp only' if rule in native else 'schematron only'})")
    SUMMARY.append(
        f"BR-FR oracle agreement: {len(MUTATIONS)} documents x {len(IMPLEMENTED)} rules = {pairs} verdicts, "
        f"{agreements} agree ({agreements / pairs:.4%})"
    )
    for line in disagreements:
        SUMMARY.append(f"  DISAGREE {line}")
    assert disagreements == []
