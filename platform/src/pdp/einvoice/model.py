"""The canonical invoice: the EN 16931 semantic model (BT-/BG- ids in comments), plus Chorus Pro routing.

Every reader (CII, UBL, Factur-X, PDF + metadata, JSON) produces an :class:`Invoice`; every writer and every
validation rule consumes one. Amounts, quantities, prices and rates are ``Decimal`` exactly as written in the
source (``Decimal("100.00")`` and ``Decimal("100")`` are kept apart, because BR-DEC rules look at the scale);
dates are ``datetime.date``; codes are the strings of their code lists (UNTDID 1001, 4461, 5305, ISO 4217,
ISO 3166-1, UN/ECE Rec 20/21). Absent data is ``None`` or an empty list, never an empty string or a made-up
zero — even for terms EN 16931 makes mandatory: the model holds what the document says, and the rules (BR-01…)
report what is missing. Writers may assume a validated invoice.

Structs compare by value, which is what the round-trip tests (``read(write(x)) == x``) rely on.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import msgspec

Syntax = Literal["cii", "ubl", "facturx", "pdf", "json"]


class Model(msgspec.Struct, omit_defaults=True):
    """Base: defaults omitted when encoded. Subclasses are keyword-only (msgspec does not inherit it)."""


class Identifier(Model, kw_only=True):
    value: str
    scheme: str | None = None  # ISO 6523 ICD (e.g. "0002" SIREN, "0009" SIRET) or EAS code for addresses


class Address(Model, kw_only=True):  # BG-5 seller, BG-8 buyer, BG-12 tax representative, BG-15 deliver-to
    line1: str | None = None  # BT-35 / BT-50 / BT-64 / BT-75
    line2: str | None = None  # BT-36 / BT-51 / BT-65 / BT-76
    line3: str | None = None  # BT-162 / BT-163 / BT-164 / BT-165
    city: str | None = None  # BT-37 / BT-52 / BT-66 / BT-77
    postal_code: str | None = None  # BT-38 / BT-53 / BT-67 / BT-78
    subdivision: str | None = None  # BT-39 / BT-54 / BT-68 / BT-79
    country_code: str | None = None  # BT-40 / BT-55 / BT-69 / BT-80 (ISO 3166-1 alpha-2)


class Contact(Model, kw_only=True):  # BG-6 seller, BG-9 buyer
    name: str | None = None  # BT-41 / BT-56
    phone: str | None = None  # BT-42 / BT-57
    email: str | None = None  # BT-43 / BT-58


class Party(Model, kw_only=True):  # BG-4 seller, BG-7 buyer
    name: str | None = None  # BT-27 / BT-44
    trading_name: str | None = None  # BT-28 / BT-45
    identifiers: list[Identifier] = msgspec.field(default_factory=list)  # BT-29 (0..n) / BT-46 (0..1)
    legal_id: Identifier | None = None  # BT-30 / BT-47 (SIREN: scheme "0002"; SIRET: "0009")
    vat_id: str | None = None  # BT-31 / BT-48 (with ISO country prefix)
    tax_registration_id: str | None = None  # BT-32 (seller only; scheme "FC")
    legal_info: str | None = None  # BT-33 (seller only)
    electronic_address: Identifier | None = None  # BT-34 / BT-49 (scheme = EAS code)
    address: Address | None = None  # BG-5 / BG-8
    contact: Contact | None = None  # BG-6 / BG-9
    # Not EN 16931: a UBL party's further cac:PartyTaxScheme CompanyIDs in the VAT scheme, beside the one read as
    # vat_id (UBL-SR-12 and UBL-SR-18 forbid them); the artefact's BR-CO-09 checks every one. None: there is none.
    other_vat_ids: list[str] | None = None


class Payee(Model, kw_only=True):  # BG-10
    name: str | None = None  # BT-59
    identifier: Identifier | None = None  # BT-60
    legal_id: Identifier | None = None  # BT-61


class TaxRepresentative(Model, kw_only=True):  # BG-11
    name: str | None = None  # BT-62
    vat_id: str | None = None  # BT-63
    address: Address | None = None  # BG-12


class Delivery(Model, kw_only=True):  # BG-13
    party_name: str | None = None  # BT-70
    location_id: Identifier | None = None  # BT-71
    date: date | None = None  # BT-72 actual delivery date
    address: Address | None = None  # BG-15


class Period(Model, kw_only=True):  # BG-14 invoicing period, BG-26 line period
    start: date | None = None  # BT-73 / BT-134
    end: date | None = None  # BT-74 / BT-135


class CreditTransfer(Model, kw_only=True):  # BG-17
    account_id: str | None = None  # BT-84 (IBAN, or a proprietary id)
    account_name: str | None = None  # BT-85
    provider_id: str | None = None  # BT-86 (BIC)


class Card(Model, kw_only=True):  # BG-18
    primary_account_number: str | None = None  # BT-87 (last digits only)
    holder_name: str | None = None  # BT-88


class DirectDebit(Model, kw_only=True):  # BG-19
    mandate_reference: str | None = None  # BT-89
    creditor_id: str | None = None  # BT-90
    debited_account_id: str | None = None  # BT-91


class Payment(Model, kw_only=True):  # BG-16
    means_code: str | None = None  # BT-81 (UNTDID 4461: 30 credit transfer, 58 SEPA credit transfer, 49 direct debit…)
    means_text: str | None = None  # BT-82
    remittance_info: str | None = None  # BT-83
    credit_transfers: list[CreditTransfer] = msgspec.field(default_factory=list)  # BG-17
    card: Card | None = None  # BG-18
    direct_debit: DirectDebit | None = None  # BG-19
    # Not a term: the codes of a CII document's later payment means (it repeats them once per account) that differ
    # from BT-81, which the CEN CII artefact checks against UNTDID 4461 too (BR-CL-16); None: there are none.
    other_means_codes: list[str] | None = None


class AllowanceCharge(Model, kw_only=True):  # BG-20 / BG-21 (document level), BG-27 / BG-28 (line level)
    is_charge: bool | None = None  # False: allowance (BG-20/27), True: charge (BG-21/28); None: not said
    amount: Decimal | None = None  # BT-92 / BT-99 / BT-136 / BT-141
    base_amount: Decimal | None = None  # BT-93 / BT-100 / BT-137 / BT-142
    percentage: Decimal | None = None  # BT-94 / BT-101 / BT-138 / BT-143
    vat_category: str | None = None  # BT-95 / BT-102 (document level only; UNTDID 5305)
    vat_rate: Decimal | None = None  # BT-96 / BT-103 (document level only)
    reason: str | None = None  # BT-97 / BT-104 / BT-139 / BT-144
    reason_code: str | None = None  # BT-98 / BT-105 / BT-140 / BT-145 (UNTDID 5189 / 7161)


class VatBreakdown(Model, kw_only=True):  # BG-23
    taxable_amount: Decimal | None = None  # BT-116
    tax_amount: Decimal | None = None  # BT-117
    category: str | None = None  # BT-118 (UNTDID 5305: S, Z, E, AE, K, G, O, L, M)
    rate: Decimal | None = None  # BT-119 (percent)
    exemption_reason: str | None = None  # BT-120
    exemption_code: str | None = None  # BT-121 (VATEX)


class OtherTaxTotal(Model, kw_only=True):
    """Not EN 16931: a UBL ``cac:TaxTotal`` with subtotals besides the one read as BT-110 and BG-23 (the schema
    allows any number). The CEN UBL artefact asks BR-CO-14 of each TaxTotal and its breakdown rules (BR-45…48,
    BR-CO-17, the categories' -08…-10, BR-DEC-19/20, the code lists) of every subtotal (see
    Invoice.ubl_other_tax_totals)."""

    tax_amount: Decimal | None = None  # its cbc:TaxAmount
    breakdown: list[VatBreakdown] = msgspec.field(default_factory=list)  # its cac:TaxSubtotal, read as BG-23 is


class TaxedItem(Model, kw_only=True):
    """Not EN 16931: a UBL line, document level allowance or charge, or VAT breakdown with every tax category it
    writes, as the CEN UBL artefact reads them: several of its VAT rules match ``normalize-space(cbc:ID)`` and
    ``cbc:Percent`` of any of an item's categories, whatever their tax scheme (see Invoice.ubl_taxed_items). A CII
    item likewise, with its taxes' ``ram:CategoryCode`` as written and whatever their TypeCode (cii_taxed_items)."""

    kind: Literal["line", "allowance", "charge", "unflagged", "breakdown"]  # unflagged: no ChargeIndicator
    amount: Decimal | None = None  # LineExtensionAmount, Amount, or the breakdown's TaxableAmount
    codes: list[str] = msgspec.field(default_factory=list)  # each category's cbc:ID, normalized, any tax scheme
    vat_codes: list[str] = msgspec.field(default_factory=list)  # those of its categories in the VAT scheme
    rates: list[Decimal] = msgspec.field(default_factory=list)  # each category's cbc:Percent, any tax scheme
    # UBL: each category's cbc:TaxExemptionReasonCode, stripped ("" when blank), looked up by BR-CL-22 wherever written
    exemption_codes: list[str] = msgspec.field(default_factory=list)
    # UBL: its categories in the VAT scheme without cbc:ID, which BR-O-11…14 count as "not O" (normalize-space of
    # nothing is '', != 'O')
    vat_without_id: int = 0


class MeansAccount(Model, kw_only=True):
    """Not EN 16931: one UBL cac:PaymentMeans as the CEN UBL artefact's BR-50 and BR-61 read it, each on its own
    (see Invoice.ubl_payment_means)."""

    code: str | None = None  # cbc:PaymentMeansCode as written (BR-50 compares it unstripped), None when absent
    account: bool = False  # whether it has a cac:PayeeFinancialAccount
    account_id: str | None = None  # that account's cbc:ID, normalized: "" when blank, None when absent


class Totals(Model, kw_only=True):  # BG-22
    line_net: Decimal | None = None  # BT-106 sum of line net amounts
    allowances: Decimal | None = None  # BT-107
    charges: Decimal | None = None  # BT-108
    without_vat: Decimal | None = None  # BT-109
    vat: Decimal | None = None  # BT-110 (in the invoice currency)
    vat_in_accounting_currency: Decimal | None = None  # BT-111 (in BT-6)
    with_vat: Decimal | None = None  # BT-112
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114
    due: Decimal | None = None  # BT-115 amount due for payment
    # Not a term: how many VAT totals (UBL cac:TaxTotal/cbc:TaxAmount, CII TaxTotalAmount) are in BT-5, when that
    # is not exactly one; BR-CO-15 wants one (a repeated one, or none in the invoice currency, fails it). None:
    # exactly one, no BT-5, or a source without the XML (JSON).
    vat_totals_in_currency: int | None = None


class Note(Model, kw_only=True):  # BG-1
    text: str | None = None  # BT-22
    subject_code: str | None = None  # BT-21 (UNTDID 4451: AAB, PMD, PMT, TXD, BAR…)


class PrecedingInvoice(Model, kw_only=True):  # BG-3
    number: str | None = None  # BT-25
    date: date | None = None  # BT-26


class Attachment(Model, kw_only=True):  # BG-24
    id: str | None = None  # BT-122
    description: str | None = None  # BT-123 (in France: the BR-FR-17 qualifier, e.g. "LISIBLE")
    uri: str | None = None  # BT-124
    content: bytes | None = None  # BT-125
    mime_code: str | None = None  # BT-125-1
    filename: str | None = None  # BT-125-2


class ItemAttribute(Model, kw_only=True):  # BG-32
    name: str | None = None  # BT-160
    value: str | None = None  # BT-161


class Classification(Model, kw_only=True):  # BT-158
    code: str
    list_id: str | None = None  # BT-158-1
    list_version: str | None = None  # BT-158-2


class Line(Model, kw_only=True):  # BG-25
    id: str | None = None  # BT-126
    note: str | None = None  # BT-127
    object_id: Identifier | None = None  # BT-128
    quantity: Decimal | None = None  # BT-129
    unit_code: str | None = None  # BT-130 (UN/ECE Rec 20/21)
    net_amount: Decimal | None = None  # BT-131
    order_line_ref: str | None = None  # BT-132
    buyer_accounting_ref: str | None = None  # BT-133
    period: Period | None = None  # BG-26
    allowances_charges: list[AllowanceCharge] = msgspec.field(default_factory=list)  # BG-27 / BG-28
    net_price: Decimal | None = None  # BT-146
    price_discount: Decimal | None = None  # BT-147
    gross_price: Decimal | None = None  # BT-148
    price_base_quantity: Decimal | None = None  # BT-149
    price_base_unit: str | None = None  # BT-150
    # Not EN 16931: a CII gross price's own base quantity and its unit (Factur-X BT-149-1, BT-150-1), which the CII
    # artefact's BR-CL-23 looks up too (every ram:BasisQuantity/@unitCode); None when not written.
    gross_price_base_quantity: Decimal | None = None
    gross_price_base_unit: str | None = None
    vat_category: str | None = None  # BT-151
    vat_rate: Decimal | None = None  # BT-152
    item_name: str | None = None  # BT-153
    item_description: str | None = None  # BT-154
    seller_item_id: str | None = None  # BT-155
    buyer_item_id: str | None = None  # BT-156
    standard_item_id: Identifier | None = None  # BT-157
    classifications: list[Classification] = msgspec.field(default_factory=list)  # BT-158
    origin_country: str | None = None  # BT-159
    attributes: list[ItemAttribute] = msgspec.field(default_factory=list)  # BG-32


class ChorusRouting(Model, kw_only=True):
    """What Chorus Pro needs beyond EN 16931 to route and process an invoice."""

    recipient_siret: str | None = None  # the public buyer structure (in CII/UBL: BT-46 / BT-47 with scheme 0009)
    service_code: str | None = None  # "code service exécutant" (in CII/UBL: BT-10 buyer reference)
    engagement_number: str | None = None  # EJ, legal commitment (in CII/UBL: BT-13 purchase order reference)
    billing_frame: str | None = None  # cadre de facturation: "A1".."A25" (A1_FACTURE_FOURNISSEUR…)
    validator_siret: str | None = None  # structure that validates, required for frames A9 and A12
    supplier_siret: str | None = None  # the provider's SIRET (in CII/UBL: BT-29 / BT-30 with scheme 0009)


class Invoice(Model, kw_only=True):
    number: str | None = None  # BT-1
    issue_date: date | None = None  # BT-2
    type_code: str | None = (
        None  # BT-3 (UNTDID 1001: 380 invoice, 381 credit note, 384 corrective, 386 deposit, 389 self-billed…)
    )
    currency: str | None = None  # BT-5 (ISO 4217)
    tax_currency: str | None = None  # BT-6
    tax_point_date: date | None = None  # BT-7
    vat_point_code: str | None = None  # BT-8, as UNTDID 2005 (3, 35, 432); CII's 2475 codes are mapped on read
    due_date: date | None = None  # BT-9
    buyer_reference: str | None = None  # BT-10
    project_ref: str | None = None  # BT-11
    contract_ref: str | None = None  # BT-12
    purchase_order_ref: str | None = None  # BT-13
    sales_order_ref: str | None = None  # BT-14
    receiving_advice_ref: str | None = None  # BT-15
    despatch_advice_ref: str | None = None  # BT-16
    tender_ref: str | None = None  # BT-17
    invoiced_object: Identifier | None = None  # BT-18
    buyer_accounting_ref: str | None = None  # BT-19
    payment_terms: str | None = None  # BT-20
    notes: list[Note] = msgspec.field(default_factory=list)  # BG-1
    process_type: str | None = None  # BT-23 (France: billing mode B1/S1/M1…)
    specification_id: str | None = None  # BT-24 (profile / CIUS URN)
    preceding_invoices: list[PrecedingInvoice] = msgspec.field(default_factory=list)  # BG-3
    seller: Party = msgspec.field(default_factory=Party)  # BG-4
    buyer: Party = msgspec.field(default_factory=Party)  # BG-7
    payee: Payee | None = None  # BG-10
    tax_representative: TaxRepresentative | None = None  # BG-11
    delivery: Delivery | None = None  # BG-13
    invoicing_period: Period | None = None  # BG-14
    payment: Payment | None = None  # BG-16
    allowances_charges: list[AllowanceCharge] = msgspec.field(default_factory=list)  # BG-20 / BG-21
    totals: Totals = msgspec.field(default_factory=Totals)  # BG-22
    vat_breakdown: list[VatBreakdown] = msgspec.field(default_factory=list)  # BG-23
    attachments: list[Attachment] = msgspec.field(default_factory=list)  # BG-24
    lines: list[Line] = msgspec.field(default_factory=list)  # BG-25
    routing: ChorusRouting | None = None  # not EN 16931: from metadata, or derived from the fields above
    # Not EN 16931: the currencyIDs the XML writes on its amounts (UBL: every amount, "" for one without; CII: its
    # TaxTotalAmounts), for BR-CL-03, kept only when they are not just BT-5 (and BT-6); None: they are, or no XML.
    currency_ids: list[str] | None = None
    # Not EN 16931: the root a UBL document was read from ("Invoice" or "CreditNote"), since UBL's BR-CL-01 takes
    # BT-3 from a different code list for each; None for any other source.
    ubl_root: str | None = None
    # Not EN 16931: the groups whose XML element is missing altogether ("BG-4": AccountingSupplierParty or
    # SellerTradeParty; "BG-22": LegalMonetaryTotal or the header monetary summation). The artefacts check BR-12…15
    # and BR-CO-26 inside those elements (and the document fails its schema without them), so pdp judges them the
    # same way. None: none is missing, or not read from XML.
    absent_groups: list[str] | None = None
    # Not EN 16931: a UBL document's lines, document level allowances and charges, and the subtotals of every
    # TaxTotal, with all their tax categories (TaxedItem), kept only when the model's terms do not say it all: a
    # category outside the VAT scheme or without one, an item with several, or a second TaxTotal's subtotals.
    ubl_taxed_items: list[TaxedItem] | None = None
    # Not EN 16931: mandatory terms whose XML element is there but blank, which the model reads as absent while the
    # artefacts' existence tests accept them ("BT-129@2": line 2's quantity; "BT-160@2.0": its first attribute's
    # name; "BT-29/30/31": the seller's identifiers; "BT-63"; CII's "BT-84@0" and "BG-17@0": the first credit
    # transfer's account identifier is blank, or its account element has none). Read from UBL and CII (ubl_blanks,
    # cii_blanks); None: none, or not read from XML.
    blank_terms: list[str] | None = None
    # Not EN 16931: each UBL cac:PaymentMeans with its own code and account (MeansAccount), kept only when the
    # model's one means does not say the same (several means, a code written with spaces, a blank account ID).
    ubl_payment_means: list[MeansAccount] | None = None
    # Not EN 16931: ubl_taxed_items for a CII document (its lines, document level allowances and charges, and header
    # ApplicableTradeTax), kept only when a tax's TypeCode is not VAT, an item has several, or a code is not trimmed.
    cii_taxed_items: list[TaxedItem] | None = None
    # Not EN 16931: codes the artefacts look up in elements the model has no term for, as (rule, code): UBL's
    # BR-CL-14 asks every cac:Country/cbc:IdentificationCode (a legal registration's address too). None: none.
    unread_codes: list[tuple[str, str]] | None = None
    # Not EN 16931: the UBL TaxTotals with subtotals other than the one read as BT-110/BG-23 (OtherTaxTotal); None:
    # there is none, or not UBL.
    ubl_other_tax_totals: list[OtherTaxTotal] | None = None

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_TYPES

    def is_blank(self, term: str) -> bool:
        """Whether ``term`` (as in blank_terms) is written but blank in the XML this invoice was read from."""
        return self.blank_terms is not None and term in self.blank_terms

    def judged_breakdowns(self) -> list[VatBreakdown]:
        """BG-23, and in UBL every other TaxTotal's subtotals: what the artefacts ask their breakdown rules of."""
        if not self.ubl_other_tax_totals:
            return self.vat_breakdown
        return self.vat_breakdown + [vat for other in self.ubl_other_tax_totals for vat in other.breakdown]

    def lacks(self, group: str) -> bool:
        """Whether the XML this invoice was read from has no element at all for ``group`` (see absent_groups)."""
        return self.absent_groups is not None and group in self.absent_groups


# UNTDID 1001 codes that are credit notes (EN 16931 lists 81, 83, 381, 396, 532 among the allowed codes).
CREDIT_NOTE_TYPES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})
# BT-8, the value added tax point date code: the UNTDID 2005 codes EN 16931 allows (BR-CL-06).
VAT_POINT_CODES = frozenset({"3", "35", "432"})
