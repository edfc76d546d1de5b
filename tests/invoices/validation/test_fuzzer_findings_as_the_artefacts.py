"""Readings the differential fuzzer's large runs found pdp missing, each as the CEN artefact reads it.

Each case is an edit of test_artefact_readings' valid invoice; pdp and the CEN artefact must both report exactly
the expected EN 16931 errors (deliberate differences left out of the artefact's side, as the fuzzer does).
"""

from __future__ import annotations

import pytest

from tests.invoices.validation.test_artefact_readings import _document
from tests.invoices.validation.test_existence_readings_as_the_artefacts import _judged, needs_artefacts

UBL_VAT = "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
UBL_CURRENCY = "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>"
UBL_BEFORE_TOTALS = "<cac:LegalMonetaryTotal>"
UBL_BUYER = "<cac:AccountingCustomerParty><cac:Party>"
UBL_BEFORE_BUYER = "<cac:AccountingCustomerParty>"
CII_CURRENCY = "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
CII_BEFORE_TERMS = "<ram:SpecifiedTradePaymentTerms>"
CII_SELLER_ID = "<ram:SellerTradeParty>"
CII_DUE = "<ram:DuePayableAmount>1542.60</ram:DuePayableAmount>"


def _ubl_second_tax_total(tax_amount: str, subtotal_tax: str, category: str = "S") -> list[tuple[str, str]]:
    """A second cac:TaxTotal, in the tax currency (BT-6 USD), with a subtotal of its own."""
    total = (
        f'<cac:TaxTotal><cbc:TaxAmount currencyID="USD">{tax_amount}</cbc:TaxAmount><cac:TaxSubtotal>'
        '<cbc:TaxableAmount currencyID="USD">1285.50</cbc:TaxableAmount>'
        f'<cbc:TaxAmount currencyID="USD">{subtotal_tax}</cbc:TaxAmount><cac:TaxCategory><cbc:ID>{category}</cbc:ID>'
        f"<cbc:Percent>20.00</cbc:Percent>{UBL_VAT}</cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>"
    )
    return [
        (UBL_CURRENCY, f"{UBL_CURRENCY}<cbc:TaxCurrencyCode>USD</cbc:TaxCurrencyCode>"),
        (UBL_BEFORE_TOTALS, f"{total}{UBL_BEFORE_TOTALS}"),
    ]


def _ubl_period(inside: str) -> list[tuple[str, str]]:
    return [(UBL_BEFORE_BUYER, f"<cac:InvoicePeriod>{inside}</cac:InvoicePeriod>{UBL_BEFORE_BUYER}")]


def _cii_payee(inside: str) -> list[tuple[str, str]]:
    return [(CII_CURRENCY, f"{CII_CURRENCY}<ram:PayeeTradeParty>{inside}</ram:PayeeTradeParty>")]


# name: (syntax, changes, the EN 16931 errors both pdp and the artefact report)
CASES: dict[str, tuple[str, list[tuple[str, str]], set[str]]] = {
    # The UBL artefact asks BR-CO-14 of every TaxTotal and its breakdown rules of every subtotal, not only of the
    # TaxTotal read as BT-110/BG-23.
    "ubl: a balanced second TaxTotal passes": ("ubl", _ubl_second_tax_total("257.10", "257.10"), set()),
    "ubl: a second TaxTotal is asked BR-CO-14": ("ubl", _ubl_second_tax_total("250.00", "257.10"), {"BR-CO-14"}),
    "ubl: a second TaxTotal's subtotal is asked BR-CO-17 and BR-S-09": (
        "ubl",
        _ubl_second_tax_total("300.00", "300.00"),
        {"BR-CO-17", "BR-S-09"},
    ),
    "ubl: a second TaxTotal's reverse charge subtotal is asked BR-AE-09 and -10": (
        "ubl",
        _ubl_second_tax_total("300.00", "300.00", category="AE"),
        {"BR-AE-08", "BR-AE-09", "BR-AE-10", "BR-CO-17"},
    ),
    # BT-8: UBL allows several DescriptionCodes and looks each one up, a blank one too (BR-CL-06); BR-CO-03 tests
    # the element's existence.
    "ubl: a listed vat point code passes": ("ubl", _ubl_period("<cbc:DescriptionCode>35</cbc:DescriptionCode>"), set()),
    "ubl: a blank vat point code fails its code list": (
        "ubl",
        _ubl_period("<cbc:DescriptionCode> </cbc:DescriptionCode>"),
        {"BR-CL-06"},
    ),
    "ubl: a second vat point code outside the list fails": (
        "ubl",
        _ubl_period("<cbc:DescriptionCode>35</cbc:DescriptionCode><cbc:DescriptionCode>5</cbc:DescriptionCode>"),
        {"BR-CL-06"},
    ),
    "ubl: a blank vat point code beside a tax point date fails BR-CO-03": (
        "ubl",
        [
            *_ubl_period("<cbc:DescriptionCode></cbc:DescriptionCode>"),
            ("<cbc:DueDate>", "<cbc:TaxPointDate>2026-11-20</cbc:TaxPointDate><cbc:DueDate>"),
        ],
        {"BR-CL-06", "BR-CO-03"},
    ),
    # BR-CL-10 admits scheme SEPA (a creditor identifier) only for the seller or the payee.
    "ubl: a buyer identifier in scheme SEPA fails BR-CL-10": (
        "ubl",
        [
            (
                UBL_BUYER,
                f'{UBL_BUYER}<cac:PartyIdentification><cbc:ID schemeID="SEPA">FR12ZZZ123456</cbc:ID>'
                "</cac:PartyIdentification>",
            )
        ],
        {"BR-CL-10"},
    ),
    # A blank schemeID is there, in no list (BR-CL-10/11/26 look up every cbc:ID[@schemeID], cbc:CompanyID[@schemeID]).
    "ubl: a buyer identifier with a blank scheme fails BR-CL-10": (
        "ubl",
        [
            (
                UBL_BUYER,
                f'{UBL_BUYER}<cac:PartyIdentification><cbc:ID schemeID="">123</cbc:ID></cac:PartyIdentification>',
            )
        ],
        {"BR-CL-10"},
    ),
    "ubl: a seller legal registration with a blank scheme fails BR-CL-11": (
        "ubl",
        [
            (
                '<cbc:CompanyID schemeID="0002">732829320</cbc:CompanyID>',
                '<cbc:CompanyID schemeID="">732829320</cbc:CompanyID>',
            )
        ],
        {"BR-CL-11"},
    ),
    # BR-49 is asked of each cac:PaymentMeans.
    "ubl: a second payment means without code fails BR-49": (
        "ubl",
        [
            (
                "</cac:PaymentMeans>",
                "</cac:PaymentMeans><cac:PaymentMeans><cbc:PaymentID>X</cbc:PaymentID></cac:PaymentMeans>",
            )
        ],
        {"BR-49"},
    ),
    # UBL's existence tests see a blank BT-111 (BR-53) and a blank buyer legal registration (the AE rules).
    "ubl: a blank VAT total in the tax currency is there for BR-53": (
        "ubl",
        [
            (UBL_CURRENCY, f"{UBL_CURRENCY}<cbc:TaxCurrencyCode>USD</cbc:TaxCurrencyCode>"),
            (
                UBL_BEFORE_TOTALS,
                f'<cac:TaxTotal><cbc:TaxAmount currencyID="USD"></cbc:TaxAmount></cac:TaxTotal>{UBL_BEFORE_TOTALS}',
            ),
        ],
        set(),
    ),
    # -08 of S, L and M: the artefact's bounds are doubles (TaxableAmount - 1, + 1), a little off the decimal ones.
    "ubl: a standard rated base one unit off by a double's rounding passes BR-S-08": (
        "ubl",
        [
            ('<cbc:TaxableAmount currencyID="EUR">1285.50<', '<cbc:TaxableAmount currencyID="EUR">1280.13<'),
            (
                '<cbc:LineExtensionAmount currencyID="EUR">1200.00<',
                '<cbc:LineExtensionAmount currencyID="EUR">1195.63<',
            ),
        ],
        {"BR-CO-10", "BR-CO-17", "BR-S-09"},  # 1280.13 + 1 as a double is a little above the lines' 1281.13
    ),
    # BR-CL-23 looks every ram:BasisQuantity/@unitCode up too (BT-150), a blank one included.
    "cii: a price base quantity in an unknown unit fails BR-CL-23": (
        "cii",
        [
            (
                "<ram:ChargeAmount>400.00</ram:ChargeAmount>",
                '<ram:ChargeAmount>400.00</ram:ChargeAmount><ram:BasisQuantity unitCode="XX">1</ram:BasisQuantity>',
            )
        ],
        {"BR-CL-23"},
    ),
    # Blank currencyID and mimeCode attributes are there, in no list (BR-CL-03, BR-CL-24).
    "cii: a VAT total with a blank currency fails BR-CL-03": (
        "cii",
        [('<ram:TaxTotalAmount currencyID="EUR">', '<ram:TaxTotalAmount currencyID="">')],
        {"BR-CL-03", "BR-CO-15"},
    ),
    # A UBL party's second VAT registration (which UBL-SR-18 forbids) is asked BR-CO-09 as well.
    "ubl: a seller's second VAT identifier without country prefix fails BR-CO-09": (
        "ubl",
        [
            (
                "<cac:PartyLegalEntity><cbc:RegistrationName>Atelier",
                f"<cac:PartyTaxScheme><cbc:CompanyID>44732829320</cbc:CompanyID>{UBL_VAT}</cac:PartyTaxScheme>"
                "<cac:PartyLegalEntity><cbc:RegistrationName>Atelier",
            )
        ],
        {"BR-CO-09"},
    ),
    # BR-62/63 test exists(cbc:EndpointID/@schemeID) whenever the element is there, blank or not.
    "ubl: a blank buyer endpoint without scheme fails BR-63": (
        "ubl",
        [('<cbc:EndpointID schemeID="0225">110002011</cbc:EndpointID>', "<cbc:EndpointID></cbc:EndpointID>")],
        {"BR-63"},
    ),
    "ubl: an endpoint with a blank scheme passes BR-62 (exists) and fails BR-CL-25": (
        "ubl",
        [
            (
                '<cbc:EndpointID schemeID="0225">732829320</cbc:EndpointID>',
                '<cbc:EndpointID schemeID="">732829320</cbc:EndpointID>',
            )
        ],
        {"BR-CL-25"},
    ),
    # UBL BR-53: some VAT total in BT-6, even when BT-6 is BT-5.
    "ubl: a tax currency equal to the invoice currency without a VAT total in it fails BR-53": (
        "ubl",
        [
            (UBL_CURRENCY, f"{UBL_CURRENCY}<cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>"),
            ('<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">', '<cac:TaxTotal><cbc:TaxAmount currencyID="USD">'),
        ],
        {"BR-53", "BR-CO-15"},
    ),
    # CII BR-50 asks the accounts of every means coded 30 or 58, a later one behind a means of another code too.
    "cii: a blank account of a second, credit transfer means fails BR-50": (
        "cii",
        [
            (
                "<ram:SpecifiedTradeSettlementPaymentMeans>\n        <ram:TypeCode>30</ram:TypeCode>",
                "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>42</ram:TypeCode>"
                "</ram:SpecifiedTradeSettlementPaymentMeans>"
                "<ram:SpecifiedTradeSettlementPaymentMeans>\n        <ram:TypeCode>30</ram:TypeCode>",
            ),
            ("<ram:IBANID>FR7630006000011234567890189</ram:IBANID>", "<ram:IBANID> </ram:IBANID>"),
        ],
        {"BR-50"},
    ),
    # Blank currency codes are there: BR-53 and BR-CL-05 ask a blank BT-6, BR-CO-15 counts the amounts whose blank
    # currencyID matches a blank BT-5.
    "ubl: a blank tax currency code fails BR-CL-05 and BR-53": (
        "ubl",
        [(UBL_CURRENCY, f"{UBL_CURRENCY}<cbc:TaxCurrencyCode></cbc:TaxCurrencyCode>")],
        {"BR-CL-05", "BR-53"},
    ),
    "ubl: a blank invoice currency with blank amount currencies fails BR-05 and the code lists, not BR-CO-15": (
        "ubl",
        [
            (UBL_CURRENCY, "<cbc:DocumentCurrencyCode></cbc:DocumentCurrencyCode>"),
            ('currencyID="EUR"', 'currencyID=""'),
        ],
        {"BR-05", "BR-CL-03", "BR-CL-04"},
    ),
    # CII: BR-CL-10 is asked of every ram:GlobalID[@schemeID] but a product's or the ship-to's (the payee's too),
    # and its list has no SEPA.
    "cii: a payee GlobalID in an unknown scheme fails BR-CL-10": (
        "cii",
        _cii_payee('<ram:GlobalID schemeID="9999">123</ram:GlobalID><ram:Name>Affacturage SA</ram:Name>'),
        {"BR-CL-10"},
    ),
    "cii: a payee GlobalID in a listed scheme passes": (
        "cii",
        _cii_payee('<ram:GlobalID schemeID="0009">12345678200010</ram:GlobalID><ram:Name>Affacturage SA</ram:Name>'),
        set(),
    ),
    "cii: a seller GlobalID in scheme SEPA fails BR-CL-10": (
        "cii",
        [(CII_SELLER_ID, f'{CII_SELLER_ID}<ram:GlobalID schemeID="SEPA">FR12ZZZ123456</ram:GlobalID>')],
        {"BR-CL-10"},
    ),
    # The CII artefact compares BR-CO-16's amounts as written, unrounded.
    "cii: an amount due with a third decimal fails BR-CO-16": (
        "cii",
        [(CII_DUE, CII_DUE.replace("1542.60", "1542.601"))],
        {"BR-CO-16", "BR-DEC-18"},
    ),
    # A tax whose TypeCode is not VAT is no VAT breakdown (BR-47 and BR-48 find no VAT category nor rate), but its
    # CategoryCode is looked up (BR-CL-18).
    "cii: the category code of a tax other than VAT is looked up": (
        "cii",
        [
            (
                CII_BEFORE_TERMS,
                "<ram:ApplicableTradeTax><ram:CalculatedAmount>0.00</ram:CalculatedAmount><ram:TypeCode>GST"
                "</ram:TypeCode><ram:BasisAmount>0.00</ram:BasisAmount><ram:CategoryCode>X</ram:CategoryCode>"
                f"</ram:ApplicableTradeTax>{CII_BEFORE_TERMS}",
            )
        ],
        {"BR-47", "BR-48", "BR-CL-18"},
    ),
}


@needs_artefacts
@pytest.mark.parametrize("name", CASES)
def test_pdp_reads_what_the_fuzzer_found_as_the_artefacts(name: str) -> None:
    syntax, changes, expected = CASES[name]
    xml = _document(syntax, changes)
    assert _judged(syntax, xml) == (expected, expected)
