"""CII read as the CEN CII artefact reads it: each case is a small edit of one valid CII invoice (written by pdp),
with the EN 16931 errors the vendored CEN CII XSLT reports on it; pdp (the whole engine, Chorus layer off) must
report exactly those, and the artefact is asked too, so that a case cannot drift from what it claims.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.model import AllowanceCharge, Invoice, Totals
from pdp.einvoice.validation.deliberate import is_deliberate
from pdp.einvoice.validation.engine import validate_document
from tests.invoices.oracle import CEN_STYLESHEETS, Oracle
from tests.invoices.validation.test_artefact_readings import NO_CHORUS, _en16931_errors
from tests.invoices.validation.test_artefact_readings import _document as _edited
from tests.invoices.validation.test_vat_categories_as_the_artefacts import invoice, judged, line, vat

D = Decimal
ORACLE = Oracle(cen=True)
VAT_TOTAL = '<ram:TaxTotalAmount currencyID="EUR">257.10</ram:TaxTotalAmount>'
CURRENCY = "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
BT6 = "<ram:TaxCurrencyCode>USD</ram:TaxCurrencyCode>"
ACCOUNT = (
    "<ram:PayeePartyCreditorFinancialAccount>\n          <ram:IBANID>FR7630006000011234567890189</ram:IBANID>\n"
    "        </ram:PayeePartyCreditorFinancialAccount>"
)
BANK = (
    "<ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>AGRIFRPP</ram:BICID>"
    "</ram:PayeeSpecifiedCreditorFinancialInstitution>"
)
NAMED_ACCOUNT = (
    "<ram:PayeePartyCreditorFinancialAccount><ram:AccountName>Dupont</ram:AccountName>"
    "</ram:PayeePartyCreditorFinancialAccount>"
)
BLANK_IBAN = (
    "<ram:PayeePartyCreditorFinancialAccount><ram:IBANID> </ram:IBANID></ram:PayeePartyCreditorFinancialAccount>"
)
QUANTITY = '<ram:BilledQuantity unitCode="HUR">3</ram:BilledQuantity>'
PRODUCT_END = "\n      </ram:SpecifiedTradeProduct>"
BLANK_ATTRIBUTE = (
    "<ram:ApplicableProductCharacteristic><ram:Description> </ram:Description><ram:Value/>"
    "</ram:ApplicableProductCharacteristic>"
)
COLOUR = (
    "<ram:ApplicableProductCharacteristic><ram:Description>Couleur</ram:Description>"
    "</ram:ApplicableProductCharacteristic>"
)
LINE_SUMMATION = "<ram:SpecifiedTradeSettlementLineMonetarySummation>"
END = '<udt:DateTimeString format="102">20261130</udt:DateTimeString>'
END_WITHOUT_FORMAT = "<udt:DateTimeString>20261130</udt:DateTimeString>"


def period(end: str) -> str:
    start = '<udt:DateTimeString format="102">20261101</udt:DateTimeString>'
    return (
        f"<ram:BillingSpecifiedPeriod><ram:StartDateTime>{start}</ram:StartDateTime>"
        f"<ram:EndDateTime>{end}</ram:EndDateTime></ram:BillingSpecifiedPeriod>"
    )


HEADER_RATE = "<ram:RateApplicablePercent>20.00</ram:RateApplicablePercent>\n      </ram:ApplicableTradeTax>"


def due_date_type(code: str) -> str:
    return f"<ram:DueDateTypeCode>{code}</ram:DueDateTypeCode>{HEADER_RATE}"


MEANS_END = "</ram:SpecifiedTradeSettlementPaymentMeans>"
SUMMATION_END = "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
SUMMATION = (
    "<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>1285.50</ram:LineTotalAmount>"
    f"<ram:TaxBasisTotalAmount>1285.50</ram:TaxBasisTotalAmount>{VAT_TOTAL}"
    "<ram:GrandTotalAmount>1542.60</ram:GrandTotalAmount><ram:DuePayableAmount>1542.60</ram:DuePayableAmount>"
    "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
)
REPRESENTATIVE = (
    "<ram:SellerTaxRepresentativeTradeParty><ram:Name>Représentant</ram:Name><ram:SpecifiedTaxRegistration>"
    '<ram:ID schemeID="VA">FR12345678901</ram:ID></ram:SpecifiedTaxRegistration>'
    "</ram:SellerTaxRepresentativeTradeParty>"
)
LINE_TAX = "<ram:ApplicableTradeTax>\n          <ram:TypeCode>VAT</ram:TypeCode>"
HEADER_TAX = "<ram:CalculatedAmount>257.10</ram:CalculatedAmount>\n        <ram:TypeCode>VAT</ram:TypeCode>"
GST_ZERO = (
    "<ram:ApplicableTradeTax><ram:TypeCode>GST</ram:TypeCode><ram:CategoryCode>Z</ram:CategoryCode>"
    "<ram:RateApplicablePercent>0</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
)

# name: ([(written, becomes)], EN 16931 errors the CEN CII artefact reports)
CASES: dict[str, tuple[list[tuple[str, str]], set[str]]] = {
    "valid": ([], set()),
    # BR-CO-14's context is a TaxTotalAmount whose currencyID is BT-5: one in another currency is not BT-110.
    "BR-CO-14: a VAT total in another currency than BT-5 is not compared with the breakdown": (
        [(VAT_TOTAL, '<ram:TaxTotalAmount currencyID="USD">200.00</ram:TaxTotalAmount>')],
        {"BR-CO-15"},
    ),
    "BR-CO-14: BT-110 is the VAT total in BT-5, after one in another currency": (
        [(VAT_TOTAL, f'<ram:TaxTotalAmount currencyID="USD">200.00</ram:TaxTotalAmount>{VAT_TOTAL}')],
        set(),
    ),
    "BR-CO-14: BT-110 is the VAT total in BT-5, before one in another currency": (
        [
            (
                VAT_TOTAL,
                '<ram:TaxTotalAmount currencyID="EUR">200.00</ram:TaxTotalAmount>' + VAT_TOTAL.replace("EUR", "USD"),
            )
        ],
        {"BR-CO-14", "BR-CO-15"},
    ),
    # BT-111 is the VAT total whose currencyID is BT-6 (BR-53 looks for it, BR-DEC-15 counts its decimals).
    "BR-DEC-15: a BT-6 without a VAT total in it fails BR-53 and BR-DEC-15": (
        [(CURRENCY, f"{BT6}{CURRENCY}")],
        {"BR-53", "BR-DEC-15"},
    ),
    "BR-DEC-15: the VAT total in BT-6 has three decimals": (
        [
            (CURRENCY, f"{BT6}{CURRENCY}"),
            (VAT_TOTAL, f'{VAT_TOTAL}<ram:TaxTotalAmount currencyID="USD">300.123</ram:TaxTotalAmount>'),
        ],
        {"BR-DEC-15"},
    ),
    "BR-53: a second VAT total in BT-5 is no BT-111": (
        [(CURRENCY, f"{BT6}{CURRENCY}"), (VAT_TOTAL, VAT_TOTAL + VAT_TOTAL)],
        {"BR-53", "BR-CO-15", "BR-DEC-15"},
    ),
    # BR-50 (and BR-61, deliberate.py) are asked of each creditor account of a credit transfer means.
    "BR-50: a payee's bank alone has no account to ask": ([(ACCOUNT, BANK)], set()),
    "BR-50: an account element naming no account fails it": ([(ACCOUNT, NAMED_ACCOUNT)], {"BR-50"}),
    "BR-50: a blank IBANID fails it": ([(ACCOUNT, BLANK_IBAN)], {"BR-50"}),
    # Existence tests: a blank quantity or attribute is there (the XSD refuses the blank quantity, not BR-22).
    "BR-22: a blank BilledQuantity is there": ([(QUANTITY, QUANTITY.replace(">3<", "> <"))], set()),
    "BR-54: a blank attribute description and an empty value are there": (
        [(PRODUCT_END, f"{BLANK_ATTRIBUTE}{PRODUCT_END}")],
        set(),
    ),
    "BR-54: an attribute without value fails it": ([(PRODUCT_END, f"{COLOUR}{PRODUCT_END}")], {"BR-54"}),
    # BR-30 compares the udt:DateTimeString[@format = '102'] of a line period's start and end, as strings.
    "BR-30: a line period in format 102": ([(LINE_SUMMATION, f"{period(END)}{LINE_SUMMATION}")], set()),
    "BR-30: an end date without format 102 fails it, though pdp reads the date": (
        [(LINE_SUMMATION, period(END_WITHOUT_FORMAT) + LINE_SUMMATION)],
        {"BR-30"},
    ),
    # BR-CL-06 is asked of every DueDateTypeCode, a blank one included.
    "BR-CL-06: a DueDateTypeCode 72 is UNTDID 2475": ([(HEADER_RATE, due_date_type("72"))], set()),
    "BR-CL-06: a blank DueDateTypeCode fails it": ([(HEADER_RATE, due_date_type(" "))], {"BR-CL-06"}),
    # BR-CL-16 is asked of every payment means' TypeCode.
    "BR-CL-16: a second payment means with an unknown code fails it": (
        [
            (
                MEANS_END,
                f"{MEANS_END}<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>999</ram:TypeCode></ram:SpecifiedTradeSettlementPaymentMeans>",
            )
        ],
        {"BR-CL-16"},
    ),
    # BR-CO-15 counts the VAT totals in BT-5 across every monetary summation, a repeated one too (an XSD error).
    "BR-CO-15: a repeated monetary summation repeats the VAT total": (
        [(SUMMATION_END, SUMMATION_END + SUMMATION)],
        {"BR-CO-15"},
    ),
    # Blank codes are there: their code lists fail (BR-CL-05, BR-CL-14), and so do rules asking a non-blank one.
    "BR-CL-14: blank seller and buyer CountryIDs fail it, BR-09 and BR-11": (
        [("<ram:CountryID>FR</ram:CountryID>", "<ram:CountryID> </ram:CountryID>")],
        {"BR-09", "BR-11", "BR-CL-14"},
    ),
    "BR-53: a blank TaxCurrencyCode is a BT-6 without its VAT total": (
        [(CURRENCY, f"<ram:TaxCurrencyCode> </ram:TaxCurrencyCode>{CURRENCY}")],
        {"BR-53", "BR-CL-05", "BR-DEC-15"},
    ),
    # Contexts on every element: BR-52 every AdditionalReferencedDocument, BR-49 every payment means, BR-20 the
    # tax representative party itself.
    "BR-52: a line's object reference without identifier fails it": (
        [
            (
                LINE_SUMMATION,
                f"<ram:AdditionalReferencedDocument><ram:TypeCode>130</ram:TypeCode></ram:AdditionalReferencedDocument>{LINE_SUMMATION}",
            )
        ],
        {"BR-52"},
    ),
    "BR-49: a second payment means without TypeCode fails it": (
        [
            (
                MEANS_END,
                f"{MEANS_END}<ram:SpecifiedTradeSettlementPaymentMeans><ram:Information>Chèque</ram:Information></ram:SpecifiedTradeSettlementPaymentMeans>",
            )
        ],
        {"BR-49"},
    ),
    "BR-20: a tax representative without address has no country code": (
        [("</ram:BuyerTradeParty>", f"</ram:BuyerTradeParty>{REPRESENTATIVE}")],
        {"BR-19", "BR-20"},
    ),
    "BR-CO-15: BT-112 equal to BT-109 passes whatever BT-110 says": (
        [
            (VAT_TOTAL, VAT_TOTAL.replace("257.10", "999.00")),
            (
                "<ram:GrandTotalAmount>1542.60</ram:GrandTotalAmount>",
                "<ram:GrandTotalAmount>1285.50</ram:GrandTotalAmount>",
            ),
            (
                "<ram:DuePayableAmount>1542.60</ram:DuePayableAmount>",
                "<ram:DuePayableAmount>1285.50</ram:DuePayableAmount>",
            ),
        ],
        {"BR-CO-14"},
    ),
    "BR-CL-03: an unknown BT-6 without a VAT total in it is BR-CL-05's, not BR-CL-03's": (
        [(CURRENCY, f"<ram:TaxCurrencyCode>G</ram:TaxCurrencyCode>{CURRENCY}")],
        {"BR-53", "BR-CL-05", "BR-DEC-15"},
    ),
    # The VAT category rules' counts and sums, and the S and Z breakdown contexts, do not test the TypeCode.
    "a line tax of another TypeCode is no BT-151 (BR-CO-04), yet its amount is in BR-S-08's sum": (
        [(LINE_TAX, LINE_TAX.replace(">VAT<", ">GST<"))],
        {"BR-CO-04"},
    ),
    "an S breakdown of another TypeCode has no VAT category (BR-47), yet BR-S-08 checks its taxable amount": (
        [
            (HEADER_TAX, HEADER_TAX.replace(">VAT<", ">GST<")),
            ("<ram:BasisAmount>1285.50</ram:BasisAmount>", "<ram:BasisAmount>1285.00</ram:BasisAmount>"),
        ],
        {"BR-47", "BR-48", "BR-CO-17", "BR-S-08"},
    ),
    "a line's second tax, of another TypeCode, counts in BR-Z-01": (
        [
            (
                "</ram:ApplicableTradeTax>\n        <ram:SpecifiedTradeSettlementLineMonetarySummation>",
                f"</ram:ApplicableTradeTax>{GST_ZERO}<ram:SpecifiedTradeSettlementLineMonetarySummation>",
            )
        ],
        {"BR-Z-01"},
    ),
}


def _document(changes: list[tuple[str, str]]) -> bytes:
    """test_artefact_readings' valid CII invoice, each (written, becomes) change made."""
    return _edited("cii", changes)


def _pdp(xml: bytes) -> set[str]:
    return {rule for rule in _en16931_errors(xml) if not is_deliberate(rule, "cii")}


def _official(xml: bytes) -> set[str]:
    errors = ORACLE.judge(xml, "cii").errors
    return {rule for rule in errors if rule.startswith("BR-") and not is_deliberate(rule, "cii")}


needs_artefact = pytest.mark.skipif(not CEN_STYLESHEETS["cii"].exists(), reason="CEN artefacts not vendored")


@needs_artefact
@pytest.mark.parametrize("name", CASES)
def test_pdp_and_the_cen_cii_artefact_report_the_same(name: str) -> None:
    changes, expected = CASES[name]
    xml = _document(changes)
    assert (_pdp(xml), _official(xml)) == (expected, expected)


def _reverse_charge_credit() -> Invoice:
    """A reverse charge invoice with a negative line: its 0 % tax is computed as -0.00."""
    tax = D("-100.00") * D(0) / 100
    assert tax.is_signed() and tax.is_zero()
    credit = msgspec.structs.replace(line("AE", "0", net="-100.00"), quantity=D("-1"), net_price=D("100.00"))
    breakdown = vat("AE", "0", base="-100.00", reason="Autoliquidation")
    return invoice(
        [credit],
        [msgspec.structs.replace(breakdown, tax_amount=tax)],
        totals=Totals(
            line_net=D("-100.00"), without_vat=D("-100.00"), vat=tax, with_vat=D("-100.00"), due=D("-100.00")
        ),
    )


@needs_artefact
def test_the_cii_writer_never_writes_a_negative_zero() -> None:
    # Saxon, running the CEN CII artefact, finds "-0.00" unequal to 0 (BR-AE-09, BR-CO-14 fail on it) although
    # xs:decimal says it is zero: pdp's writer writes "0.00".
    xml = write_cii(_reverse_charge_credit())
    assert b">-0" not in xml
    assert b">0.00</ram:CalculatedAmount>" in xml
    assert (_pdp(xml), _official(xml)) == (set(), set())
    negative_zero = xml.replace(b">0.00</ram:CalculatedAmount>", b">-0.00</ram:CalculatedAmount>")
    assert {"BR-AE-09", "BR-CO-14"} <= _official(negative_zero)


S_CHARGE = AllowanceCharge(is_charge=True, amount=D("0.004"), vat_category="S", vat_rate=D("20.00"), reason="Port")
# (name, invoice, the -08 rule, whether the CII artefact reports it)
TAXABLE_AMOUNTS: list[tuple[str, Invoice, str, bool]] = [
    (
        "S compares exactly",
        invoice([line("S", "20.00")], [vat("S", "20.00", base="100.50", tax="20.10")]),
        "BR-S-08",
        True,
    ),
    ("Z within one unit", invoice([line("Z", "0.00")], [vat("Z", "0.00", base="100.50")]), "BR-Z-08", False),
    ("Z not beyond", invoice([line("Z", "0.00")], [vat("Z", "0.00", base="101.00")]), "BR-Z-08", True),
    (
        "O without taxable amount",
        invoice([line("O", None)], [msgspec.structs.replace(vat("O", None, reason="Hors champ"), taxable_amount=None)]),
        "BR-O-08",
        True,
    ),
    # L's (and M's) rate is looked for on the settlement, which has none: BR-AF-08 checks nothing in CII.
    ("L is not checked", invoice([line("L", "7.00")], [vat("L", "7.00", base="90.00", tax="6.30")]), "BR-AF-08", False),
    (
        "each sum is rounded on its own (10.00 + 0.00, not 10.008)",
        invoice(
            [line("S", "20.00", net="10.004")],
            [vat("S", "20.00", base="10.00", tax="2.00")],
            allowances_charges=[S_CHARGE],
        ),
        "BR-S-08",
        False,
    ),
]


@needs_artefact
@pytest.mark.parametrize(("name", "document", "rule", "fails"), TAXABLE_AMOUNTS, ids=[c[0] for c in TAXABLE_AMOUNTS])
def test_a_breakdowns_taxable_amount_is_checked_as_the_cii_artefact_checks_it(
    name: str, document: Invoice, rule: str, fails: bool
) -> None:
    expected = {rule} if fails else set()
    assert judged(write_cii(document), "cii", {rule}) == (expected, expected), name


O_LINE = line("O", None)
O_VAT = vat("O", None, reason="Hors champ")
S_ALLOWANCE = AllowanceCharge(
    is_charge=False, amount=D("10.00"), vat_category="S", vat_rate=D("20.00"), reason="Remise"
)
NOT_SUBJECT = {"BR-O-11", "BR-O-12", "BR-O-13", "BR-O-14"}
# BR-O-11 and BR-O-12 both test every ram:ApplicableTradeTax, BR-O-13 and BR-O-14 every ram:CategoryTradeTax.
NOT_SUBJECT_CASES: list[tuple[str, Invoice, set[str]]] = [
    (
        "an S line fails BR-O-11 and BR-O-12",
        invoice([O_LINE, line("S", "20.00", number="2")], [O_VAT]),
        {"BR-O-11", "BR-O-12"},
    ),
    (
        "an S allowance fails BR-O-13 and BR-O-14",
        invoice([O_LINE], [O_VAT], allowances_charges=[S_ALLOWANCE]),
        {"BR-O-13", "BR-O-14"},
    ),
]


@needs_artefact
@pytest.mark.parametrize(("name", "document", "expected"), NOT_SUBJECT_CASES, ids=[c[0] for c in NOT_SUBJECT_CASES])
def test_not_subject_to_vat_rules_read_every_tax_as_the_cii_artefact(
    name: str, document: Invoice, expected: set[str]
) -> None:
    assert judged(write_cii(document), "cii", NOT_SUBJECT) == (expected, expected), name


GENERIC = {"BR-45", "BR-46", "BR-48", "BR-CO-17"}
# (name, invoice, generic breakdown rules the CII artefact reports): L, M and O breakdowns have their own context.
OWN_CONTEXT_CASES: list[tuple[str, Invoice, set[str]]] = [
    ("an M breakdown without rate", invoice([line("M", "4.00")], [vat("M", None, tax="4.00")]), set()),
    (
        "an S breakdown without rate",
        invoice([line("S", "20.00")], [vat("S", None, tax="20.00")]),
        {"BR-48", "BR-CO-17"},
    ),
    (
        "an O breakdown without amounts",
        invoice([O_LINE], [msgspec.structs.replace(O_VAT, taxable_amount=None, tax_amount=None)]),
        set(),
    ),
]


@needs_artefact
@pytest.mark.parametrize(("name", "document", "expected"), OWN_CONTEXT_CASES, ids=[c[0] for c in OWN_CONTEXT_CASES])
def test_l_m_and_o_breakdowns_are_not_asked_the_generic_breakdown_rules(
    name: str, document: Invoice, expected: set[str]
) -> None:
    assert judged(write_cii(document), "cii", GENERIC) == (expected, expected), name


# (name, payment means edit, BR-61 by pdp, BR-61 by the CII artefact)
CREDIT_TRANSFERS: list[tuple[str, tuple[str, str], bool, bool]] = [
    ("an account element without identifier fails it in both", (ACCOUNT, NAMED_ACCOUNT), True, True),
    ("a blank IBANID is there", (ACCOUNT, BLANK_IBAN), False, False),
    # deliberate.py: EN 16931 and the UBL artefact want BT-84; the CII artefact has no account to ask it from.
    ("a credit transfer without any account fails it in pdp only", (ACCOUNT, BANK), True, False),
]


@needs_artefact
@pytest.mark.parametrize(("name", "change", "pdp", "cen"), CREDIT_TRANSFERS, ids=[c[0] for c in CREDIT_TRANSFERS])
def test_br_61_is_asked_of_each_creditor_account(name: str, change: tuple[str, str], pdp: bool, cen: bool) -> None:
    xml = _document([change])
    found = {f.rule for f in validate_document(xml, options=NO_CHORUS).errors}
    assert ("BR-61" in found, "BR-61" in ORACLE.judge(xml, "cii").errors) == (pdp, cen), name
