"""Terms the CEN artefacts find by their element's existence, read the same way by pdp: a blank line net amount
(BR-24), a blank item standard identifier or classification (BR-64/65, BR-CL-21/13) and, in UBL, a country code in
a repeated cac:Country (BR-09) and the cbc:ID of every cac:AdditionalDocumentReference (BR-52, BR-CL-07). Each
document is an edit of test_artefact_readings' valid invoice, judged by pdp and by the artefact.
"""

from __future__ import annotations

import re

import pytest

from pdp.einvoice.validation.deliberate import is_deliberate
from tests.invoices.oracle import CEN_STYLESHEETS, Oracle
from tests.invoices.validation.test_artefact_readings import _document, _en16931_errors

needs_artefacts = pytest.mark.skipif(
    not all(path.exists() for path in CEN_STYLESHEETS.values()), reason="CEN artefacts not vendored"
)
UBL_LINE_AMOUNT = '<cbc:LineExtensionAmount currencyID="EUR">1200.00</cbc:LineExtensionAmount>'
CII_LINE_AMOUNT = "<ram:LineTotalAmount>1200.00</ram:LineTotalAmount>"
# The artefacts stop on a blank decimal wherever they sum the line amounts (the totals, the VAT breakdown's -08):
# the documents leave both out, so that BR-24 is what tells.
WITHOUT_SUMS = {
    "ubl": [r"<cac:LegalMonetaryTotal>.*</cac:LegalMonetaryTotal>", r"<cac:TaxSubtotal>.*</cac:TaxSubtotal>"],
    "cii": [
        r"<ram:SpecifiedTradeSettlementHeaderMonetarySummation>.*</ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
        r"<ram:ApplicableTradeTax>\s*<ram:CalculatedAmount>.*?</ram:ApplicableTradeTax>",
    ],
}
UBL_COUNTRY = "<cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>"


ORACLE = Oracle(cen=True)  # compiles each CEN stylesheet once, on first use


def _judged(syntax: str, xml: bytes) -> tuple[set[str], set[str]]:
    """The EN 16931 errors pdp reports on ``xml``, and those the CEN artefact reports (deliberate ones left out)."""
    verdict = ORACLE.judge(xml, syntax)
    official = {rule for rule in verdict.errors if rule.startswith("BR-") and not is_deliberate(rule, syntax)}
    return _en16931_errors(xml), official


def _line_amount(syntax: str, written: str) -> bytes:
    element = UBL_LINE_AMOUNT if syntax == "ubl" else CII_LINE_AMOUNT
    xml = _document(syntax, [(element, element.replace("1200.00", written))])
    for pattern in WITHOUT_SUMS[syntax]:
        xml = re.sub(pattern.encode(), b"", xml, flags=re.S)
    return xml


@needs_artefacts
@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_a_blank_line_net_amount_is_there_for_br_24(syntax: str) -> None:
    # (BR-CO-15 and BR-CO-18 are the totals and the breakdown left out.)
    assert _judged(syntax, _line_amount(syntax, " ")) == ({"BR-CO-15", "BR-CO-18"} | _s01(syntax),) * 2


def _s01(syntax: str) -> set[str]:
    """UBL's BR-S-01 counts S lines against S subtotals, which the document left out; CII's counts the header taxes."""
    return {"BR-S-01"} if syntax == "ubl" else set()


@needs_artefacts
def test_a_ubl_country_code_is_read_from_any_repeated_country() -> None:
    xml = _document("ubl", [(UBL_COUNTRY, f"<cac:Country> </cac:Country>{UBL_COUNTRY}")])
    assert _judged("ubl", xml) == (set(), set())


UBL_ITEM_NAME = "<cbc:Name>Conseil</cbc:Name>"
CII_ITEM_NAME = "<ram:Name>Conseil</ram:Name>"


def _ubl_item(element: str) -> list[tuple[str, str]]:
    return [(UBL_ITEM_NAME, UBL_ITEM_NAME + element)]


def _cii_item(element: str) -> list[tuple[str, str]]:
    return [(CII_ITEM_NAME, CII_ITEM_NAME + element)]


# An item's standard identifier (BT-157) or classification (BT-158) written blank is there: its scheme or list id is
# looked up (BR-CL-21, BR-CL-13). BR-64 and BR-65 ask UBL's attribute to exist, CII's to be non-blank.
# name: (syntax, changes, the EN 16931 errors pdp and the artefact report)
ITEM_CASES: dict[str, tuple[str, list[tuple[str, str]], set[str]]] = {
    "ubl: a blank standard id in an unknown scheme fails BR-CL-21": (
        "ubl",
        _ubl_item('<cac:StandardItemIdentification><cbc:ID schemeID="9901"/></cac:StandardItemIdentification>'),
        {"BR-CL-21"},
    ),
    "ubl: a blank scheme is there for BR-64, not in BR-CL-21's list": (
        "ubl",
        _ubl_item('<cac:StandardItemIdentification><cbc:ID schemeID=" ">1</cbc:ID></cac:StandardItemIdentification>'),
        {"BR-CL-21"},
    ),
    "ubl: a blank classification in an unknown list fails BR-CL-13": (
        "ubl",
        _ubl_item(
            '<cac:CommodityClassification><cbc:ItemClassificationCode listID="XXX"/></cac:CommodityClassification>'
        ),
        {"BR-CL-13"},
    ),
    "ubl: a blank classification without list id fails BR-65": (
        "ubl",
        _ubl_item("<cac:CommodityClassification><cbc:ItemClassificationCode/></cac:CommodityClassification>"),
        {"BR-65"},
    ),
    "cii: a blank standard id in an unknown scheme fails BR-CL-21": (
        "cii",
        _cii_item('<ram:GlobalID schemeID="9901"/>'),
        {"BR-CL-21"},
    ),
    "cii: a blank scheme fails BR-64 and BR-CL-21": (
        "cii",
        _cii_item('<ram:GlobalID schemeID=" ">1</ram:GlobalID>'),
        {"BR-64", "BR-CL-21"},
    ),
    "cii: a blank classification in an unknown list fails BR-CL-13": (
        "cii",
        _cii_item(
            '<ram:DesignatedProductClassification><ram:ClassCode listID="XXX"/></ram:DesignatedProductClassification>'
        ),
        {"BR-CL-13"},
    ),
    # Likewise a party's blank identifier with a scheme: BR-CL-11 asks every CompanyID[@schemeID], ID[@schemeID].
    "ubl: a blank seller legal id in an unknown scheme fails BR-CL-11": (
        "ubl",
        [('<cbc:CompanyID schemeID="0002">732829320</cbc:CompanyID>', '<cbc:CompanyID schemeID="9901"/>')],
        {"BR-CL-11"},
    ),
    "cii: a blank seller legal id in an unknown scheme fails BR-CL-11": (
        "cii",
        [('<ram:ID schemeID="0002">732829320</ram:ID>', '<ram:ID schemeID="9901"></ram:ID>')],
        {"BR-CL-11"},
    ),
}


@needs_artefacts
@pytest.mark.parametrize("name", ITEM_CASES)
def test_a_blank_item_identifier_or_classification_is_there(name: str) -> None:
    syntax, changes, expected = ITEM_CASES[name]
    assert _judged(syntax, _document(syntax, changes)) == (expected, expected)


UBL_SUPPLIER = "<cac:AccountingSupplierParty>"


def _ubl_reference(reference: str) -> bytes:
    return _document(
        "ubl",
        [
            (
                UBL_SUPPLIER,
                f"<cac:AdditionalDocumentReference>{reference}</cac:AdditionalDocumentReference>{UBL_SUPPLIER}",
            )
        ],
    )


# BR-52 asks every UBL cac:AdditionalDocumentReference for a non-blank cbc:ID, not only the attachments (BG-24): the
# invoiced object (code 130) and a project (code 50) too; BR-CL-07 asks the invoiced object's cbc:ID[@schemeID],
# whose blank schemeID is in no list. name: (the reference's content, the EN 16931 errors pdp and the artefact report)
UBL_REFERENCE_CASES: dict[str, tuple[str, set[str]]] = {
    "an invoiced object with a blank ID fails BR-52": (
        "<cbc:ID> </cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode>",
        {"BR-52"},
    ),
    "an invoiced object without ID fails BR-52": ("<cbc:DocumentTypeCode>130</cbc:DocumentTypeCode>", {"BR-52"}),
    "an invoiced object with a blank ID in a blank scheme fails BR-52 and BR-CL-07": (
        '<cbc:ID schemeID=" "/><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode>',
        {"BR-52", "BR-CL-07"},
    ),
    "an invoiced object in a blank scheme fails BR-CL-07": (
        '<cbc:ID schemeID=" ">A1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode>',
        {"BR-CL-07"},
    ),
    "a project reference with a blank ID fails BR-52": (
        "<cbc:ID/><cbc:DocumentTypeCode>50</cbc:DocumentTypeCode>",
        {"BR-52"},
    ),
}


@needs_artefacts
@pytest.mark.parametrize("name", UBL_REFERENCE_CASES)
def test_every_ubl_additional_document_reference_is_asked_for_its_id(name: str) -> None:
    reference, expected = UBL_REFERENCE_CASES[name]
    assert _judged("ubl", _ubl_reference(reference)) == (expected, expected)
