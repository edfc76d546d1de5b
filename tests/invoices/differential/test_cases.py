"""The cases deliberate differences are narrowed to are recognised on documents, and only on those."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.validation.deliberate import ANY_RULE, DELIBERATE, UNREADABLE, is_deliberate
from tests.invoices.differential.cases import CASES, cases_of
from tests.invoices.oracle import CEN
from tests.invoices.validation.test_artefact_readings import _document

CII_HEADER_TYPE = "<ram:TypeCode>VAT</ram:TypeCode>\n        <ram:BasisAmount>"


def _cases(syntax: str, changes: list[tuple[str, str]]) -> frozenset[str]:
    return cases_of(parse_xml(_document(syntax, changes)), syntax)


@pytest.mark.differential
def test_every_case_a_deliberate_entry_names_is_recognised() -> None:
    assert {entry.case for entry in DELIBERATE} - {None} <= set(CASES)


@pytest.mark.differential
@pytest.mark.parametrize(
    ("syntax", "changes", "expected"),
    [
        ("ubl", [], set()),
        ("cii", [], set()),
        # The schema allows one cac:TaxCategory per subtotal, any number of cac:TaxTotal.
        (
            "ubl",
            [
                (
                    "</cac:TaxCategory></cac:TaxSubtotal>",
                    "</cac:TaxCategory><cac:TaxCategory><cbc:ID>S</cbc:ID>"
                    "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>",
                )
            ],
            {"repeated-singleton"},
        ),
        (
            "ubl",
            [
                (
                    "<cac:TaxTotal>",
                    '<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">0</cbc:TaxAmount></cac:TaxTotal><cac:TaxTotal>',
                )
            ],
            set(),
        ),
        # CII: a tax has one TypeCode; a transaction any number of lines.
        ("cii", [(CII_HEADER_TYPE, f"<ram:TypeCode>VAT</ram:TypeCode>{CII_HEADER_TYPE}")], {"repeated-singleton"}),
        (
            "cii",
            [
                (
                    "</ram:IncludedSupplyChainTradeLineItem>",
                    "</ram:IncludedSupplyChainTradeLineItem><ram:IncludedSupplyChainTradeLineItem/>",
                )
            ],
            set(),
        ),
        # UBL: an allowance with a second VAT category (no schema nor UBL-SR rule forbids it).
        (
            "ubl",
            [
                (
                    "<cac:PaymentMeans>",
                    "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>"
                    "<cac:TaxCategory><cbc:ID>S</cbc:ID></cac:TaxCategory><cac:TaxCategory><cbc:ID>Z</cbc:ID>"
                    "</cac:TaxCategory></cac:AllowanceCharge><cac:PaymentMeans>",
                )
            ],
            {"repeated-ubl-term"},
        ),
        # A number written blank (its schema type is a decimal); a blank name is no number.
        ("ubl", [("<cbc:Percent>20.00</cbc:Percent>", "<cbc:Percent> </cbc:Percent>")], {"blank-number"}),
        (
            "cii",
            [("<ram:BasisAmount>1285.50</ram:BasisAmount>", "<ram:BasisAmount></ram:BasisAmount>")],
            {"blank-number"},
        ),
        ("ubl", [("<cbc:Name>Conseil</cbc:Name>", "<cbc:Name></cbc:Name>")], set()),
        # An attachment whose content is not base64.
        (
            "ubl",
            [
                (
                    "<cac:AccountingSupplierParty>",
                    "<cac:AdditionalDocumentReference><cbc:ID>A</cbc:ID><cac:Attachment>"
                    '<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="a.pdf">732.0'
                    "</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>"
                    "<cac:AccountingSupplierParty>",
                )
            ],
            {"attachment-not-base64"},
        ),
        (
            "ubl",
            [
                (
                    "<cac:AccountingSupplierParty>",
                    "<cac:AdditionalDocumentReference><cbc:ID>A</cbc:ID><cac:Attachment>"
                    '<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="a.pdf">JVBERi0x\n LjQK'
                    "</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>"
                    "<cac:AccountingSupplierParty>",
                )
            ],
            set(),
        ),
        # A CII date that is no date (a VAT point date written in udt:DateString), or a day that does not exist.
        ("cii", [('format="102">20261220<', 'format="102">eur<')], {"cii-date-not-a-date"}),
        ("cii", [('format="102">20261220<', 'format="102">20260230<')], {"cii-date-not-a-date"}),
        ("cii", [('format="102">20261220<', 'format="XX">20261220<')], {"cii-date-not-a-date"}),
        # A CII indicator written as a number (a valid xs:boolean).
        (
            "cii",
            [
                (
                    "<ram:SpecifiedTradePaymentTerms>",
                    "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator>"
                    "<udt:Indicator>0</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>1.00</ram:ActualAmount>"
                    "</ram:SpecifiedTradeAllowanceCharge><ram:SpecifiedTradePaymentTerms>",
                )
            ],
            {"cii-numeric-indicator"},
        ),
        # A CII VAT total in another currency than the invoice's (BT-111).
        (
            "cii",
            [
                (
                    '<ram:TaxTotalAmount currencyID="EUR">257.10</ram:TaxTotalAmount>',
                    '<ram:TaxTotalAmount currencyID="EUR">257.10</ram:TaxTotalAmount>'
                    '<ram:TaxTotalAmount currencyID="USD">280.00</ram:TaxTotalAmount>',
                )
            ],
            {"cii-several-vat-totals"},
        ),
    ],
)
def test_a_documents_cases(syntax: str, changes: list[tuple[str, str]], expected: set[str]) -> None:
    assert _cases(syntax, changes) == expected


@pytest.mark.differential
def test_no_cen_example_repeats_a_single_element_or_spoils_an_attachment_or_a_date() -> None:
    for syntax in ("ubl", "cii"):
        for path in sorted((CEN / "examples" / syntax).iterdir()):
            found = cases_of(parse_xml(Path(path).read_bytes()), syntax)
            unusual = {"repeated-singleton", "repeated-ubl-term", "blank-number", "attachment-not-base64"}
            unusual.add("cii-date-not-a-date")
            assert not found & unusual, path.name


@pytest.mark.differential
def test_an_entry_narrowed_to_a_case_covers_only_that_case() -> None:
    assert not is_deliberate("BR-DEC-13", "cii")
    assert is_deliberate("BR-DEC-13", "cii", frozenset({"cii-several-vat-totals"}))
    assert is_deliberate("BR-DEC-13", "ubl")  # the UBL entry is not narrowed
    assert not is_deliberate("BR-45", "ubl")
    assert is_deliberate("BR-45", "ubl", frozenset({"repeated-singleton"}))
    # ANY_RULE covers rules, not a refused file; UNREADABLE only its own case.
    assert not is_deliberate(UNREADABLE, "ubl", frozenset({"repeated-singleton"}))
    assert is_deliberate(UNREADABLE, "ubl", frozenset({"attachment-not-base64"}))
    assert not is_deliberate(ANY_RULE, "ubl")
