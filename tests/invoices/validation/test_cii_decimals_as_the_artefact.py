"""CII BR-DEC-13 and BR-DEC-15 as the CEN CII artefact words them: ``. = round(. * 100) div 100`` compares the VAT
total's value, so "2010.000" is in cents and passes while "2010.005" fails. (The other BR-DEC rules count the
decimals written, ``string-length(substring-after(…, '.'))``, in both artefacts, and so does pdp.) Each case is an
edit of test_cii_as_the_artefact's valid invoice, judged by pdp and by the artefact.

CII's BR-DEC-13 is a deliberate difference (deliberate.py) only for an invoice that also has a VAT total in another
currency (BT-111), which the artefact's predicate lets pass whatever BT-110 says: the other cases still compare it.
"""

from __future__ import annotations

import pytest

from pdp.einvoice.validation.deliberate import is_deliberate
from tests.invoices.validation.test_artefact_readings import _en16931_errors
from tests.invoices.validation.test_cii_as_the_artefact import (
    BT6,
    CURRENCY,
    ORACLE,
    VAT_TOTAL,
    _document,
    needs_artefact,
)

LINE_TOTAL = "<ram:LineTotalAmount>1285.50</ram:LineTotalAmount>"


def _vat_total(written: str) -> tuple[str, str]:
    return VAT_TOTAL, f'<ram:TaxTotalAmount currencyID="EUR">{written}</ram:TaxTotalAmount>'


def _accounting_vat_total(written: str) -> list[tuple[str, str]]:
    return [
        (CURRENCY, f"{BT6}{CURRENCY}"),
        (VAT_TOTAL, f'{VAT_TOTAL}<ram:TaxTotalAmount currencyID="USD">{written}</ram:TaxTotalAmount>'),
    ]


# name: ([(written, becomes)], EN 16931 errors pdp and the CEN CII artefact report)
CASES: dict[str, tuple[list[tuple[str, str]], set[str]]] = {
    "BR-DEC-13: a VAT total written with a third zero decimal is in cents": ([_vat_total("257.100")], set()),
    "BR-DEC-13: a third decimal that is not zero fails": (
        [_vat_total("257.105")],
        {"BR-DEC-13", "BR-CO-14", "BR-CO-15"},
    ),
    "BR-DEC-15: a total in BT-6 written with a third zero decimal is in cents": (
        _accounting_vat_total("300.120"),
        set(),
    ),
    "BR-DEC-15: a third decimal that is not zero fails": (_accounting_vat_total("300.125"), {"BR-DEC-15"}),
    # The other amounts' rules count the decimals written, a zero too.
    "BR-DEC-09: a line total written with a third zero decimal fails": (
        [(LINE_TOTAL, "<ram:LineTotalAmount>1285.500</ram:LineTotalAmount>")],
        {"BR-DEC-09"},
    ),
}


def _judged(xml: bytes) -> tuple[set[str], set[str]]:
    """The EN 16931 errors pdp and the CEN CII artefact report, deliberate ones kept (see the module's docstring)."""
    official = {rule for rule in ORACLE.judge(xml, "cii").errors if rule.startswith("BR-")}
    return _en16931_errors(xml), official


@needs_artefact
@pytest.mark.parametrize("name", CASES)
def test_pdp_and_the_cen_cii_artefact_count_decimals_alike(name: str) -> None:
    changes, expected = CASES[name]
    assert _judged(_document(changes)) == (expected, expected)


@needs_artefact
def test_a_vat_total_in_another_currency_lets_bt_110_pass_in_the_artefact_only() -> None:
    """The artefact's slip (deliberate.py): a BT-111 in cents satisfies its BR-DEC-13 predicate for BT-110 too."""
    xml = _document([*_accounting_vat_total("300.12"), _vat_total("257.105")])
    pdp, official = _judged(xml)
    assert "BR-DEC-13" in pdp and "BR-DEC-13" not in official
    assert pdp - {"BR-DEC-13"} == official
    assert is_deliberate("BR-DEC-13", "cii", frozenset({"cii-several-vat-totals"}))
    assert not is_deliberate("BR-DEC-13", "cii")  # the entry covers documents with several VAT totals only
