"""Where pdp deliberately differs from the official CEN EN 16931 artefacts (the compiled schematrons of
ConnectingEurope/eInvoicing-EN16931, vendored under tests/invoices/artefacts/cen), rule by rule and syntax by syntax.

The differential fuzzer (tests/invoices/differential) leaves these out of its comparison, and its CI test fails on
any difference that is neither listed here nor already recorded as open in its baseline. An entry says what the
standard says and why pdp does what it does: a difference without a reason is a bug to fix, not an entry.

An entry may be narrowed to a case, named here and recognised on the document by the fuzzer (its cases module):
the difference is deliberate only on documents of that case. Its rule may be ``ANY_RULE``: every EN 16931 rule of a
document of that case (a document its schema refuses), or ``UNREADABLE``: pdp refuses the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass

ANY_RULE = "*"
UNREADABLE = "UNREADABLE"  # pdp refuses the whole file (it has no invoice to judge), the artefact reports no error


@dataclass(frozen=True, slots=True)
class DeliberateDifference:
    rule: str  # the EN 16931 rule id, e.g. "BR-CO-25", or ANY_RULE, or UNREADABLE
    syntax: str  # "ubl" or "cii"
    standard: str  # the rule's text in EN 16931-1 (or the syntax's, for a whole-document case)
    why: str  # why pdp differs from the artefact
    case: str | None = None  # the documents it covers (see the module's docstring); None: every document


_BR_CO_25 = (
    "In case the Amount due for payment (BT-115) is positive, either the Payment due date (BT-9) or the Payment "
    "terms (BT-20) shall be present."
)
_BR_CO_25_WHY = (
    "removed from both CEN artefacts in 2026 (eInvoicing-EN16931 #477; #500 discusses bringing it back), so pdp "
    "must not refuse what they accept: it reports the rule as a warning by default, an error when the tenant asks "
    "(ValidationOptions.br_co_25_severity, as BR-FR's severity is configured)"
)

_BR_61 = (
    "If the Payment means type code (BT-81) means SEPA credit transfer, Local credit transfer or Non-SEPA "
    "international credit transfer, the Payment account identifier (BT-84) shall be present."
)
_BR_61_CII_WHY = (
    "the CEN CII artefact asks BR-61 inside each ram:PayeePartyCreditorFinancialAccount of a means coded 30 or 58, "
    "so a credit transfer without any creditor account has no context there and passes; the standard's text and "
    "the CEN UBL artefact (asked from the payment means) fail it, and Chorus Pro has no account to pay: pdp checks "
    "each account as the CII artefact does and also fails a credit transfer means without any account"
)

_BR_DEC_13 = "The allowed maximum number of decimals for the Invoice total VAT amount (BT-110) is 2."
_BR_DEC_15 = (
    "The allowed maximum number of decimals for the Invoice total VAT amount in accounting currency (BT-111) is 2."
)
_BR_DEC_13_15_UBL_WHY = (
    "the CEN UBL artefact's test can never fail: it selects //cac:TaxTotal/cbc:TaxAmount[@currencyID = "
    "cbc:DocumentCurrencyCode] (cbc:TaxCurrencyCode for BR-DEC-15), a predicate that compares the attribute with a "
    "child of cbc:TaxAmount, which has none, so the amount is never found and the rule always passes; the CII "
    "artefact and the standard's text refuse a third decimal, and Chorus Pro takes amounts to the cent: pdp "
    "checks the amount as written"
)

_BR_DEC_13_CII_WHY = (
    "the CEN CII artefact asks for some ram:TaxTotalAmount[(@currencyID = InvoiceCurrencyCode and . = round(. * 100) "
    "div 100) or not(@currencyID = InvoiceCurrencyCode)]: with more than one VAT total, any of them satisfies the "
    "predicate (a total in another currency, BT-111, always does; a second one in BT-5, which BR-CO-15 refuses, "
    "does when it is in cents), so the rule passes whatever BT-110 says; the standard's text asks BT-110 itself, "
    "and Chorus Pro takes amounts to the cent: pdp checks BT-110's value as the artefact does (in cents), however "
    "many VAT totals the document has"
)

_BR_CO_14 = "Invoice total VAT amount (BT-110) = Σ VAT category tax amount (BT-117)."
_BR_CO_14_CII_WHY = (
    "the CEN CII artefact asks BR-CO-14 of every ram:TaxTotalAmount in the invoice currency, and a document may "
    "carry two (the schema allows two VAT totals, one meant for BT-6): a second total in BT-5 already fails BR-CO-15 "
    "(exactly one in BT-5), in pdp as in the artefact, so the file is refused either way; pdp reads the first as "
    "BT-110 and checks that one"
)

_BR_AF_04 = (
    "An Invoice that contains a Document level charge (BG-21) where the Document level charge VAT category code "
    '(BT-102) is "IGIC" shall contain the Seller VAT Identifier (BT-31), the Seller Tax registration identifier '
    "(BT-32) and/or the Seller tax representative VAT identifier (BT-63)."
)
_BR_AF_04_UBL_WHY = (
    "the CEN UBL artefact's test is (exists(charge category [normalize-space(cbc:ID)='L']) and a seller VAT "
    "identifier) or not(exists(charge category [cbc:ID='L'])): the second half compares the code untrimmed, so a "
    "charge coded ' L ' passes without any identifier (as in the CEN unit test BR-IG-08-3, test 5), while every "
    "other IGIC rule of that artefact, the CII artefact and the standard's text read it as L: pdp reads the code "
    "trimmed, as everywhere, and fails it"
)

_REPEATED_SINGLETON = (
    "EN 16931-1 gives each business term and group a cardinality, and its syntax bindings (EN 16931-3-2 for UBL, "
    "-3-3 for CII) and their XML Schemas allow an element that carries a 0..1 or 1..1 term once."
)
_REPEATED_SINGLETON_WHY = (
    "a document that repeats such an element (a second cac:TaxCategory in a subtotal, a second "
    "rsm:SupplyChainTradeTransaction…) is not valid against its schema: pdp reports PDP-XSD, a fatal error, and "
    "refuses it, as the artefacts presuppose a schema-valid document and Chorus Pro's schema check refuses it; a "
    "term UBL's schema lets repeat (a second cac:Delivery, a line's second cbc:Note…) is refused by the binding's "
    "cardinality rule (UBL-SR-xx, fatal), in pdp (validation.ubl_cardinality) as in the artefact. pdp's "
    "model holds the first copy and judges that one, where the artefact asks its rules of every copy, so the EN "
    "16931 rules reported beside the schema's refusal differ; the verdict on the file does not. Reading every "
    "copy of every single element would give rule-by-rule verdicts on a document no one may send"
)
_REPEATED_UBL_TERM = (
    "A document level allowance or charge has one VAT category (BT-95, BT-102: 1..1), an item price one discount "
    "and one gross price (BT-147, BT-148: 0..1)."
)
_REPEATED_UBL_TERM_WHY = (
    "UBL's schema lets cac:AllowanceCharge hold several cac:TaxCategory and cac:Price several cac:AllowanceCharge, "
    "and no UBL-SR rule of the binding forbids it; the CEN UBL artefact asks its rules of each copy (the S, Z, E… "
    "-03/-04/-06/-07 of each category) and BR-28 of any gross price (an existential comparison), where pdp's model "
    "holds the term once and judges the first copy, as the standard's cardinality says there is one. Found on about "
    "one generated document in 10,000 and in no real-world invoice of the corpus"
)
_NUMERIC_INDICATOR = (
    "A document level allowance (BG-20) or charge (BG-21) has its amount (BT-92, BT-99), VAT category (BT-95, "
    "BT-102) and reason (BT-97/98, BT-104/105); CII tells the two apart by ram:ChargeIndicator/udt:Indicator, an "
    "xs:boolean ('true', 'false', '1' or '0')."
)
_NUMERIC_INDICATOR_WHY = (
    "the CEN CII artefact's allowance and charge contexts compare the indicator's text with 'true' or 'false' "
    "(ram:ChargeIndicator[udt:Indicator = 'false']), so one written '0' or '1' is asked none of BR-31…44 nor their "
    "BR-DEC rules, while the same artefact's -08 sums cast it to a boolean and count it; pdp reads the indicator as "
    "the boolean its schema type says and asks the allowance's or charge's rules of it"
)
_BLANK_NUMBER = (
    "Amounts, percentages and quantities are numbers: both syntaxes type them as decimals (UBL AmountType, "
    "PercentType, QuantityType; CII udt:AmountType, PercentType, QuantityType…), which cannot be empty."
)
_BLANK_NUMBER_WHY = (
    "a number written blank is not valid against the schema: pdp reports PDP-XSD, a fatal error, and refuses the "
    "file, as Chorus Pro's schema check does, and reads the term as absent, where the artefact finds the element "
    "there (its existence tests pass) with no value (its comparisons fail or stop). pdp follows the artefact for the "
    "mandatory amounts it tests by existence (Invoice.blank_terms); for the others the EN 16931 rules reported "
    "beside the schema's refusal may differ, the verdict on the file does not"
)
_NOT_BASE64 = (
    "An attached document (BT-125) is a binary object: UBL cbc:EmbeddedDocumentBinaryObject and CII "
    "ram:AttachmentBinaryObject are xs:base64Binary, whose lexical space is the base64 alphabet."
)
_NOT_BASE64_WHY = (
    "content outside the base64 alphabet is not valid against the schema (libxml2's check lets some through, and "
    "the artefacts do not look at it); pdp decodes every attachment to archive it and hand it on, and refuses the "
    "file with PDP-UBL-UNREADABLE or PDP-CII-UNREADABLE naming the element, rather than archive a corrupt document"
)
_NOT_A_DATE = (
    "Every EN 16931 date (BT-2, BT-7, BT-9…) is a date; the CII binding writes BT-7 as ram:TaxPointDate/"
    "udt:DateString with format 102 (YYYYMMDD)."
)
_NOT_A_DATE_WHY = (
    "the CEN CII artefact checks the format of every udt:DateTimeString (CII-DT-097) but not of the udt:DateString "
    "BT-7 is written in, so a VAT point date such as 'eur' passes it; pdp reads every date, and refuses a file "
    "whose date is none, or is written in a format other than 102 (which EN 16931's CII binding prescribes and the "
    "artefact does not check either), with PDP-CII-UNREADABLE naming the element: it cannot hand Chorus Pro a date "
    "it cannot read"
)
_CII_SEVERAL_VAT_TOTALS = "cii-several-vat-totals"

DELIBERATE: tuple[DeliberateDifference, ...] = (
    DeliberateDifference("BR-DEC-13", "ubl", _BR_DEC_13, _BR_DEC_13_15_UBL_WHY),
    DeliberateDifference("BR-DEC-15", "ubl", _BR_DEC_15, _BR_DEC_13_15_UBL_WHY),
    DeliberateDifference("BR-DEC-13", "cii", _BR_DEC_13, _BR_DEC_13_CII_WHY, case=_CII_SEVERAL_VAT_TOTALS),
    DeliberateDifference("BR-CO-14", "cii", _BR_CO_14, _BR_CO_14_CII_WHY, case=_CII_SEVERAL_VAT_TOTALS),
    DeliberateDifference("BR-AF-04", "ubl", _BR_AF_04, _BR_AF_04_UBL_WHY),
    DeliberateDifference("BR-CO-25", "ubl", _BR_CO_25, _BR_CO_25_WHY),
    DeliberateDifference("BR-CO-25", "cii", _BR_CO_25, _BR_CO_25_WHY),
    DeliberateDifference("BR-61", "cii", _BR_61, _BR_61_CII_WHY),
    *(
        DeliberateDifference(ANY_RULE, syntax, _REPEATED_SINGLETON, _REPEATED_SINGLETON_WHY, case="repeated-singleton")
        for syntax in ("ubl", "cii")
    ),
    DeliberateDifference(UNREADABLE, "cii", _NOT_A_DATE, _NOT_A_DATE_WHY, case="cii-date-not-a-date"),
    DeliberateDifference(ANY_RULE, "cii", _NUMERIC_INDICATOR, _NUMERIC_INDICATOR_WHY, case="cii-numeric-indicator"),
    DeliberateDifference(ANY_RULE, "ubl", _REPEATED_UBL_TERM, _REPEATED_UBL_TERM_WHY, case="repeated-ubl-term"),
    *(
        DeliberateDifference(ANY_RULE, syntax, _BLANK_NUMBER, _BLANK_NUMBER_WHY, case="blank-number")
        for syntax in ("ubl", "cii")
    ),
    *(
        DeliberateDifference(UNREADABLE, syntax, _NOT_BASE64, _NOT_BASE64_WHY, case="attachment-not-base64")
        for syntax in ("ubl", "cii")
    ),
)


def is_deliberate(rule: str, syntax: str, cases: frozenset[str] = frozenset()) -> bool:
    """Whether a difference on ``rule`` is deliberate in a document of ``syntax`` that is of ``cases``."""
    return any(
        entry.syntax == syntax
        and entry.rule in (rule, ANY_RULE if rule != UNREADABLE else rule)
        and (entry.case is None or entry.case in cases)
        for entry in DELIBERATE
    )
