"""CII BR-DEC-13 and BR-DEC-15 as the CEN CII artefact words them: ``. = round(. * 100) div 100`` compares the VAT
total's value, so "2010.000" is in cents and passes while "2010.005" fails. (The other BR-DEC rules count the
decimals written, ``string-length(substring-after(…, '.'))``, in both artefacts, and so does pdp.) Each case is an
edit of test_cii_as_the_artefact's valid invoice, judged by pdp and by the artefact.
"""

from __future__ import annotations

import pytest

from tests.invoices.validation.test_cii_as_the_artefact import (
    BT6,
    CURRENCY,
    VAT_TOTAL,
    _document,
    _official,
    _pdp,
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


@needs_artefact
@pytest.mark.parametrize("name", CASES)
def test_pdp_and_the_cen_cii_artefact_count_decimals_alike(name: str) -> None:
    changes, expected = CASES[name]
    xml = _document(changes)
    assert (_pdp(xml), _official(xml)) == (expected, expected)
