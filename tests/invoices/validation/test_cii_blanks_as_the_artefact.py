"""CII blank elements read as the CEN CII artefact reads them (ids, amounts, dates), each case a small edit of
test_cii_as_the_artefact's valid invoice, judged by pdp and by the artefact (both must report exactly the expected
EN 16931 errors).
"""

from __future__ import annotations

import pytest

from tests.invoices.validation.test_cii_as_the_artefact import (
    HEADER_RATE,
    _document,
    _official,
    _pdp,
    needs_artefact,
    period,
)

SELLER_VAT = '<ram:ID schemeID="VA">FR44732829320</ram:ID>'
LINE_SUMMATION = "<ram:SpecifiedTradeSettlementLineMonetarySummation>"
SELLER_ADDRESS = (
    '<ram:URIUniversalCommunication>\n          <ram:URIID schemeID="0225">732829320</ram:URIID>\n'
    "        </ram:URIUniversalCommunication>"
)
BUYER_ADDRESS = SELLER_ADDRESS.replace("732829320", "110002011")
SUBJECT = "<ram:SubjectCode>PMT</ram:SubjectCode>"
PRODUCT_NAME = "<ram:Name>Conseil</ram:Name>"
ISSUED = '<ram:IssueDateTime>\n      <udt:DateTimeString format="102">20261120</udt:DateTimeString>'
SELLER_NAME = "<ram:Name>Atelier Dupont SARL</ram:Name>"
# The seller's GlobalID, legal registration ID and VAT id taken away (its VAT id under another scheme).
UNIDENTIFIED_SELLER = [
    ('<ram:GlobalID schemeID="0009">73282932000074</ram:GlobalID>', ""),
    ('<ram:ID schemeID="0002">732829320</ram:ID>', ""),
    (SELLER_VAT, '<ram:ID schemeID="XX">FR44732829320</ram:ID>'),
]
CURRENCY = "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"


def payee(scheme: str) -> str:
    legal = f"<ram:SpecifiedLegalOrganization><ram:ID {scheme}>552100554</ram:ID></ram:SpecifiedLegalOrganization>"
    return f"<ram:PayeeTradeParty><ram:Name>Factor SA</ram:Name>{legal}</ram:PayeeTradeParty>"


AMOUNT = "<ram:ActualAmount>0.00</ram:ActualAmount>"
END = '<udt:DateTimeString format="102">20261130</udt:DateTimeString>'


BLANK_DATE = '<udt:DateTimeString format="102"></udt:DateTimeString>'


def dated_only(date: str, *, tag: str = "EndDateTime") -> str:
    """A period with one date element, ``date`` its content."""
    return f"<ram:BillingSpecifiedPeriod><ram:{tag}>{date}</ram:{tag}></ram:BillingSpecifiedPeriod>"


def line_charge(
    amount: str, *, charge: bool = True, reason: str = "<ram:Reason>Emballage</ram:Reason>"
) -> tuple[str, str]:
    """A line charge (or allowance) written before the line's monetary summation, with ``amount`` as its amount."""
    indicator = f"<ram:ChargeIndicator><udt:Indicator>{str(charge).lower()}</udt:Indicator></ram:ChargeIndicator>"
    element = f"<ram:SpecifiedTradeAllowanceCharge>{indicator}{amount}{reason}</ram:SpecifiedTradeAllowanceCharge>"
    return LINE_SUMMATION, element + LINE_SUMMATION


# name: ([(written, becomes)], EN 16931 errors the CEN CII artefact reports)
CASES: dict[str, tuple[list[tuple[str, str]], set[str]]] = {
    # The VAT ids are tested by existence (BR-S-02: ram:ID[@schemeID = ('VA', 'FC')]), and BR-CO-09 is asked of
    # every ram:ID[@schemeID='VA']: a blank one is there, without a country prefix.
    "BR-CO-09: a blank seller VAT id fails it, and is there for BR-S-02": (
        [(SELLER_VAT, '<ram:ID schemeID="VA"> </ram:ID>')],
        {"BR-CO-09"},
    ),
    "BR-S-02: a blank FC registration is there": (
        [(SELLER_VAT, '<ram:ID schemeID="FC"> </ram:ID>')],
        set(),
    ),
    "BR-S-02: a seller without VA or FC registration fails it": (
        [(SELLER_VAT, '<ram:ID schemeID="XX">FR44732829320</ram:ID>')],
        {"BR-S-02"},
    ),
    # BR-41 and BR-43 test ../ram:ActualAmount by existence: a blank amount (an XSD error) is there.
    "BR-43: a line charge with a blank amount passes it": (
        [line_charge("<ram:ActualAmount> </ram:ActualAmount>")],
        set(),
    ),
    "BR-41: a line allowance with an empty amount passes it": (
        [line_charge("<ram:ActualAmount/>", charge=False)],
        set(),
    ),
    "BR-43: a line charge without amount fails it": ([line_charge("")], {"BR-43"}),
    # BR-42 tests ../ram:Reason or ../ram:ReasonCode by existence; BR-CL-19 is asked of every allowance ReasonCode.
    "BR-CL-19: a line allowance's blank reason code fails it, not BR-42": (
        [line_charge(AMOUNT, charge=False, reason="<ram:ReasonCode> </ram:ReasonCode>")],
        {"BR-CL-19"},
    ),
    "BR-42: a line allowance's blank reason is there": (
        [line_charge(AMOUNT, charge=False, reason="<ram:Reason/>")],
        set(),
    ),
    "BR-42: a line allowance without reason fails it (and BR-CO-23)": (
        [line_charge(AMOUNT, charge=False, reason="")],
        {"BR-42", "BR-CO-23"},
    ),
    # BR-62/63 ask the first URIUniversalCommunication's URIID/@schemeID whenever that element is there; BR-CL-25 is
    # asked of every URIID[@schemeID], a blank one too.
    "BR-62: a seller's URIUniversalCommunication without URIID fails it": (
        [(SELLER_ADDRESS, "<ram:URIUniversalCommunication/>")],
        {"BR-62"},
    ),
    "BR-63: a buyer's blank URIID without schemeID fails it": (
        [(BUYER_ADDRESS, "<ram:URIUniversalCommunication><ram:URIID> </ram:URIID></ram:URIUniversalCommunication>")],
        {"BR-63"},
    ),
    "BR-CL-25: a seller's blank schemeID fails it and BR-62": (
        [(SELLER_ADDRESS, SELLER_ADDRESS.replace('"0225"', '""'))],
        {"BR-62", "BR-CL-25"},
    ),
    # Code lists asked of every element, a blank one failing: BR-CL-08 (SubjectCode), BR-CL-15 (OriginTradeCountry).
    "BR-CL-08: a blank note subject code fails it": ([(SUBJECT, "<ram:SubjectCode> </ram:SubjectCode>")], {"BR-CL-08"}),
    "BR-CL-15: a blank origin country fails it": (
        [(PRODUCT_NAME, f"{PRODUCT_NAME}<ram:OriginTradeCountry><ram:ID/></ram:OriginTradeCountry>")],
        {"BR-CL-15"},
    ),
    # BR-03 reads the issue date from udt:DateTimeString[@format='102'] only.
    "BR-03: an issue date without format 102 fails it, though pdp reads the date": (
        [(ISSUED, ISSUED.replace(' format="102"', ""))],
        {"BR-03"},
    ),
    # BR-CO-26 tests the seller's identifiers by existence: a blank ram:ID is there.
    "BR-CO-26: a seller with only a blank ram:ID passes it": (
        [*UNIDENTIFIED_SELLER, (SELLER_NAME, f"<ram:ID> </ram:ID>{SELLER_NAME}")],
        {"BR-S-02"},
    ),
    "BR-CO-26: a seller without any identifier fails it": (UNIDENTIFIED_SELLER, {"BR-CO-26", "BR-S-02"}),
    # BR-CL-11 is asked of every ram:ID[@schemeID] outside a tax registration, the payee's legal id too.
    "BR-CL-11: a payee's legal id in an unknown scheme fails it": (
        [(CURRENCY, CURRENCY + payee('schemeID="XXXX"'))],
        {"BR-CL-11"},
    ),
    "BR-CL-11: a payee's legal id in SIREN passes it": ([(CURRENCY, CURRENCY + payee('schemeID="0002"'))], set()),
    # BR-30 compares the udt:DateTimeString[@format = '102'] strings as strings: '' >= '20261101' is false, while
    # '20261130' >= '' is true.
    "BR-30: a line period with a blank end fails it": (
        [(LINE_SUMMATION, period('<udt:DateTimeString format="102"> </udt:DateTimeString>') + LINE_SUMMATION)],
        {"BR-30"},
    ),
    "BR-30: a line period with a blank start passes it": (
        [(LINE_SUMMATION, period(END).replace(">20261101<", "><") + LINE_SUMMATION)],
        set(),
    ),
    # The -10 rules test (ram:ExemptionReason) or (ram:ExemptionReasonCode), BR-CL-22 every ram:ExemptionReasonCode.
    "BR-S-10: a blank exemption reason on an S breakdown is there": (
        [(HEADER_RATE, "<ram:ExemptionReason> </ram:ExemptionReason>" + HEADER_RATE)],
        {"BR-S-10"},
    ),
    "BR-CL-22: a blank exemption reason code is there, in no list": (
        [(HEADER_RATE, "<ram:ExemptionReasonCode></ram:ExemptionReasonCode>" + HEADER_RATE)],
        {"BR-S-10", "BR-CL-22"},
    ),
    # BR-CO-19 and BR-CO-20 ask (ram:StartDateTime) or (ram:EndDateTime): a blank date's element is there.
    "BR-CO-20: a line period with only a blank end date is there": (
        [(LINE_SUMMATION, dated_only(BLANK_DATE) + LINE_SUMMATION)],
        set(),
    ),
    "BR-CO-20: an empty line period fails it": (
        [(LINE_SUMMATION, "<ram:BillingSpecifiedPeriod></ram:BillingSpecifiedPeriod>" + LINE_SUMMATION)],
        {"BR-CO-20"},
    ),
    "BR-CO-19: an invoicing period with only a blank start date is there": (
        [(HEADER_RATE, HEADER_RATE + dated_only(BLANK_DATE, tag="StartDateTime"))],
        set(),
    ),
}


@needs_artefact
@pytest.mark.parametrize("name", CASES)
def test_pdp_and_the_cen_cii_artefact_read_the_ids_alike(name: str) -> None:
    changes, expected = CASES[name]
    xml = _document(changes)
    assert (_pdp(xml), _official(xml)) == (expected, expected)
