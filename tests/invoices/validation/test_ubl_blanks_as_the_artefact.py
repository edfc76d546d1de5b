"""UBL elements written blank, read as the CEN UBL artefact reads them: there ("") for its ``exists()`` tests.

Each case is a small edit of test_artefact_readings' valid UBL invoice; pdp and the artefact must report exactly the
expected EN 16931 errors.
"""

from __future__ import annotations

import pytest

from pdp.einvoice.validation.deliberate import is_deliberate
from tests.invoices.oracle import CEN_STYLESHEETS, Oracle
from tests.invoices.validation.test_artefact_readings import (
    UBL_CURRENCY,
    UBL_FIRST_LINE,
    UBL_SELLER_VAT,
    UBL_SUBTOTAL,
    UBL_VAT,
    _document,
    _en16931_errors,
)

TAX_TOTAL = "<cac:TaxTotal>"
S_CATEGORY = f"<cbc:ID>S</cbc:ID><cbc:Percent>20.00</cbc:Percent>{UBL_VAT}"


SUPPLIER = "<cac:AccountingSupplierParty>"
REFERENCE_END = "</cac:InvoiceDocumentReference></cac:BillingReference>" + SUPPLIER
MEANS = "<cac:PaymentMeans>"
PAYEE = (
    '<cac:PayeeParty><cac:PartyIdentification><cbc:ID schemeID="{scheme}">5790000436101</cbc:ID>'
    "</cac:PartyIdentification><cac:PartyName><cbc:Name>Affacturage SA</cbc:Name></cac:PartyName></cac:PayeeParty>"
)
SECOND_MEANS = (
    "<cac:PaymentMeans><cbc:PaymentMeansCode> </cbc:PaymentMeansCode><cac:PayeeFinancialAccount>"
    "<cbc:ID>FR7630006000011234567890189</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>"
)
PRICE_END = "</cac:Price></cac:InvoiceLine><cac:InvoiceLine><cbc:ID>2</cbc:ID>"
TOTALS = "<cac:LegalMonetaryTotal>"
FIRST_ITEM = "<cbc:Name>Conseil</cbc:Name><cac:ClassifiedTaxCategory>"
ORIGIN = "<cac:OriginCountry><cbc:IdentificationCode> </cbc:IdentificationCode></cac:OriginCountry>"
BLANK_AMOUNT_CHARGE = (
    "<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Port"
    '</cbc:AllowanceChargeReason><cbc:Amount currencyID="EUR"></cbc:Amount></cac:AllowanceCharge>'
)
PAYABLE = '<cbc:PayableAmount currencyID="EUR">'


FIRST_LINE_AMOUNT = '<cbc:LineExtensionAmount currencyID="EUR">1200.00</cbc:LineExtensionAmount>'
LINE_ALLOWANCE = (
    "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>"
    "<cbc:AllowanceChargeReason>Remise</cbc:AllowanceChargeReason>{amount}</cac:AllowanceCharge>"
)


def _charge(reason: str) -> list[tuple[str, str]]:
    """A document level charge of 0.00 (the totals stay right) with ``reason`` as its reason elements."""
    charge = (
        "<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator>"
        f'{reason}<cbc:Amount currencyID="EUR">0.00</cbc:Amount>'
        f"<cac:TaxCategory>{S_CATEGORY}</cac:TaxCategory></cac:AllowanceCharge>"
    )
    charges = '<cbc:ChargeTotalAmount currencyID="EUR">0.00</cbc:ChargeTotalAmount>'
    return [(TAX_TOTAL, charge + TAX_TOTAL), (PAYABLE, charges + PAYABLE)]


# name: ([(written, becomes)], EN 16931 errors the CEN UBL artefact reports)
CASES: dict[str, tuple[list[tuple[str, str]], set[str]]] = {
    # BR-S-02 tests exists(…/cac:PartyTaxScheme/cbc:CompanyID); BR-CO-09 is contains(' 1A AD … ZW ',
    # substring(cbc:CompanyID, 1, 2)), true of an empty prefix.
    "a blank seller VAT identifier is there for BR-S-02 and passes BR-CO-09": (
        [(UBL_SELLER_VAT, UBL_SELLER_VAT.replace("FR44732829320", " "))],
        set(),
    ),
    "a one-character VAT identifier found in the prefix list passes BR-CO-09": (
        [(UBL_SELLER_VAT, UBL_SELLER_VAT.replace("FR44732829320", "1"))],
        set(),
    ),
    "a VAT identifier with an unknown prefix fails BR-CO-09": (
        [(UBL_SELLER_VAT, UBL_SELLER_VAT.replace("FR44", "ZZ44"))],
        {"BR-CO-09"},
    ),
    # BR-38 and BR-CO-22 test exists(cbc:AllowanceChargeReason) or exists(cbc:AllowanceChargeReasonCode).
    "a blank charge reason is there": (
        _charge("<cbc:AllowanceChargeReason> </cbc:AllowanceChargeReason>"),
        set(),
    ),
    "a charge without reason fails BR-38 and BR-CO-22": (_charge(""), {"BR-38", "BR-CO-22"}),
    "a blank charge reason code is there, and not in UNTDID 7161": (
        _charge("<cbc:AllowanceChargeReasonCode> </cbc:AllowanceChargeReasonCode>"),
        {"BR-CL-20"},
    ),
    # BR-S-10: not(cbc:TaxExemptionReason) — a blank one is there.
    "a blank exemption reason on a standard rated breakdown fails BR-S-10": (
        [(UBL_SUBTOTAL, UBL_SUBTOTAL.replace(UBL_VAT, f"<cbc:TaxExemptionReason> </cbc:TaxExemptionReason>{UBL_VAT}"))],
        {"BR-S-10"},
    ),
    # Not blanks, the same kind of reading: BR-CL-18's context is every cac:ClassifiedTaxCategory/cbc:ID, whatever
    # its tax scheme.
    "a line category in another tax scheme is looked up in the code list": (
        [(UBL_FIRST_LINE, UBL_FIRST_LINE.replace(">S<", ">X<").replace(">VAT<", ">GST<"))],
        {"BR-CL-18", "BR-CO-04", "BR-S-08"},  # and the line leaves the S sum
    ),
    "an exemption code on a line category is looked up too (BR-CL-22)": (
        [
            (
                UBL_FIRST_LINE,
                UBL_FIRST_LINE.replace(
                    UBL_VAT, f"<cbc:TaxExemptionReasonCode>10</cbc:TaxExemptionReasonCode>{UBL_VAT}"
                ),
            )
        ],
        {"BR-CL-22"},
    ),
    # BR-55's context is each cac:BillingReference: exists(cac:InvoiceDocumentReference/cbc:ID).
    "a billing reference with a blank invoice number is there": (
        [(SUPPLIER, "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID> </cbc:ID>" + REFERENCE_END)],
        set(),
    ),
    "a billing reference without invoice document reference fails BR-55": (
        [(SUPPLIER, "<cac:BillingReference/>" + SUPPLIER)],
        {"BR-55"},
    ),
    # BR-CL-10's context is every cac:PartyIdentification/cbc:ID[@schemeID], the payee's (BT-60) too.
    "a payee identifier's scheme is looked up in the ICD list": (
        [(MEANS, PAYEE.format(scheme="999") + MEANS)],
        {"BR-CL-10"},
    ),
    "without a payee, the parties' legal id schemes are still looked up (BR-CL-11)": (
        [('schemeID="0009">11000201100044', 'schemeID="S">11000201100044')],
        {"BR-CL-11"},
    ),
    "a payee identifier in a listed scheme passes": ([(MEANS, PAYEE.format(scheme="0088") + MEANS)], set()),
    # BR-CL-16's context is every cac:PaymentMeans/cbc:PaymentMeansCode, a second means' blank one too.
    "a second payment means with a blank code fails BR-CL-16": (
        [(TAX_TOTAL, SECOND_MEANS + TAX_TOTAL)],
        {"BR-CL-16"},
    ),
    # BR-CL-23's context has cbc:BaseQuantity/@unitCode (BT-150) beside the quantity's.
    "a price base quantity's unit is looked up in Rec 20/21": (
        [(PRICE_END, '<cbc:BaseQuantity unitCode="2D">1</cbc:BaseQuantity>' + PRICE_END)],
        {"BR-CL-23"},
    ),
    # BR-53 looks for cac:TaxTotal/cbc:TaxAmount[@currencyID = cbc:TaxCurrencyCode]: one in a third currency is none.
    "a second VAT total in another currency than BT-6 is no BT-111": (
        [
            (UBL_CURRENCY, UBL_CURRENCY + "<cbc:TaxCurrencyCode>USD</cbc:TaxCurrencyCode>"),
            (TOTALS, '<cac:TaxTotal><cbc:TaxAmount currencyID="GBP">220.00</cbc:TaxAmount></cac:TaxTotal>' + TOTALS),
        ],
        {"BR-53"},
    ),
    # BR-DEC-01's context is cac:AllowanceCharge[cbc:ChargeIndicator = false()]: without an indicator, none.
    "an allowance or charge without ChargeIndicator has no decimals rule": (
        [
            (
                TAX_TOTAL,
                '<cac:AllowanceCharge><cbc:Amount currencyID="EUR">0.001</cbc:Amount></cac:AllowanceCharge>'
                + TAX_TOTAL,
            )
        ],
        set(),
    ),
    # BR-CO-16 without prepaid nor rounding amount: xs:decimal(cbc:PayableAmount) = xs:decimal(TaxInclusiveAmount).
    "an amount due a thousandth off the total with VAT fails BR-CO-16 (no rounding there)": (
        [(PAYABLE + "1542.60<", PAYABLE + "1542.601<")],
        {"BR-CO-16", "BR-DEC-18"},
    ),
    # BR-AF-01 with IGIC items asks for a subtotal cbc:ID = 'L' in any tax scheme (its other disjunct: in VAT).
    "IGIC lines with an IGIC subtotal outside the VAT scheme pass BR-AF-01": (
        [("<cbc:ID>S</cbc:ID>", "<cbc:ID>L</cbc:ID>"), (UBL_SUBTOTAL, UBL_SUBTOTAL.replace(">VAT<", ">GST<"))],
        {"BR-47", "BR-48", "BR-CO-17"},  # the subtotal has no VAT category
    ),
    # BR-O-12 counts ClassifiedTaxCategory[normalize-space(cbc:ID) != 'O'] in VAT: one without cbc:ID is such.
    "a VAT line category without ID is another category than O (BR-O-12)": (
        [
            ("<cbc:ID>S</cbc:ID><cbc:Percent>20.00</cbc:Percent>", "<cbc:ID>O</cbc:ID>"),
            (f"{FIRST_ITEM}<cbc:ID>O</cbc:ID>", FIRST_ITEM),
        ],
        # every category O without exemption reason, rate or zero VAT; a seller VAT id; a line without category
        {"BR-CO-04", "BR-CO-17", "BR-O-02", "BR-O-08", "BR-O-09", "BR-O-10", "BR-O-12"},
    ),
    # BR-CL-15's context is every cac:OriginCountry/cbc:IdentificationCode, a blank one too.
    "a blank item origin country fails BR-CL-15": (
        [(FIRST_ITEM, FIRST_ITEM.replace("<cac:Class", ORIGIN + "<cac:Class"))],
        {"BR-CL-15"},
    ),
    # BR-36 tests exists(cbc:Amount): a blank charge amount is there (no category: the artefact's S sums would
    # stop on the blank decimal).
    "a blank charge amount is there for BR-36": (
        [(TAX_TOTAL, BLANK_AMOUNT_CHARGE + TAX_TOTAL)],
        {"BR-37", "BR-CO-12"},
    ),
    # BR-41 likewise tests a line allowance's exists(cbc:Amount).
    "a blank line allowance amount is there for BR-41": (
        [
            (
                FIRST_LINE_AMOUNT,
                FIRST_LINE_AMOUNT + LINE_ALLOWANCE.format(amount='<cbc:Amount currencyID="EUR"> </cbc:Amount>'),
            )
        ],
        set(),
    ),
    "a line allowance without amount fails BR-41": (
        [(FIRST_LINE_AMOUNT, FIRST_LINE_AMOUNT + LINE_ALLOWANCE.format(amount=""))],
        {"BR-41"},
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_pdp_reads_a_blank_ubl_element_as_there(name: str) -> None:
    changes, expected = CASES[name]
    assert _en16931_errors(_document("ubl", changes)) == expected


@pytest.mark.skipif(not all(path.exists() for path in CEN_STYLESHEETS.values()), reason="CEN artefacts not vendored")
def test_the_cen_ubl_artefact_says_the_same() -> None:
    oracle = Oracle(cen=True)
    for name, (changes, expected) in CASES.items():
        verdict = oracle.judge(_document("ubl", changes), "ubl")
        assert {rule for rule in verdict.errors if rule.startswith("BR-")} == expected, name


@pytest.mark.skipif(not all(path.exists() for path in CEN_STYLESHEETS.values()), reason="CEN artefacts not vendored")
def test_br_dec_13_is_a_deliberate_difference_where_the_ubl_artefact_cannot_fail_it() -> None:
    """The artefact's predicate never finds BT-110 (deliberate.py): a third decimal passes there, not in pdp."""
    vat_total = '<cbc:TaxAmount currencyID="EUR">257.10</cbc:TaxAmount><cac:TaxSubtotal>'
    xml = _document("ubl", [(vat_total, vat_total.replace("257.10", "257.100"))])
    assert _en16931_errors(xml) == {"BR-DEC-13"}
    assert not [rule for rule in Oracle(cen=True).judge(xml, "ubl").errors if rule.startswith("BR-")]
    assert is_deliberate("BR-DEC-13", "ubl") and is_deliberate("BR-DEC-15", "ubl")
