"""Structured JSON invoices (docs/api.md § Invoices, ``application/json``) → the canonical model.

Platforms with no invoice file send the business content; pdp computes what can be computed the way EN 16931
computes it — line net amounts (quantity x price, rounded half up to 2 decimals), the VAT breakdown per category
and rate, the document totals — unless the platform sends its own figures, which are then validated instead of
trusted. The seller comes from the provider record; the buyer is the public recipient, whose address comes from
Chorus Pro's directory when the JSON gives none. pdp writes the invoice, so it writes a lawful one: both postal
addresses (:func:`missing_addresses` refuses an invoice without them) and the legal mentions as coded notes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

import msgspec

from pdp.einvoice.findings import Finding, UnreadableDocument, finding
from pdp.einvoice.formats.legal_notes import with_legal_notes
from pdp.einvoice.model import (
    Address,
    ChorusRouting,
    CreditTransfer,
    Identifier,
    Invoice,
    Line,
    Note,
    Party,
    Payment,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)

EN16931 = "urn:cen.eu:en16931:2017"
CENT = Decimal("0.01")
Amount = Annotated[Decimal, msgspec.Meta(description='Decimal string, e.g. "1200.00"')]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")]
# msgspec reads "NaN", "Infinity" and "1e999999" as Decimals, on which the arithmetic below raises. An amount,
# quantity or price has at most 19 digits, 6 of them decimals (far beyond any invoice; EN 16931 then holds amounts
# to 2 decimals, BR-DEC), and a VAT rate is a percentage: then a line's quantity x price, and the VAT of the sum of
# the lines a 1 MB body can hold, round to cents within Decimal's default 28 digits.
MAX_DIGITS, MAX_DECIMALS = 19, 6
LIMIT = Decimal(10) ** (MAX_DIGITS - MAX_DECIMALS)
MAX_RATE = Decimal(100)


class JsonAddress(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    line1: Text | None = None
    line2: Text | None = None
    postal_code: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    city: Text | None = None
    country: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")] = "FR"


class JsonSeller(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Text
    siret: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{14}$")]
    vat_number: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    address: JsonAddress | None = None
    email: Text | None = None


class JsonRecipient(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    siret: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{14}$")]
    name: Text
    service_code: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    engagement_number: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    vat_number: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    address: JsonAddress | None = None


class JsonLine(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Text
    quantity: Amount
    unit_price: Amount
    vat_rate: Amount
    vat_category: Literal["S", "Z", "E", "AE", "K", "G", "O"] = "S"
    unit: Annotated[str, msgspec.Meta(max_length=3)] = "C62"
    description: Text | None = None
    net_amount: Amount | None = None  # computed when absent
    exemption_reason: Text | None = None  # needed for E, AE, K, G, O


class JsonPayment(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    means_code: Annotated[str, msgspec.Meta(max_length=3)] = "30"
    iban: Annotated[str, msgspec.Meta(max_length=42)] | None = None
    bic: Annotated[str, msgspec.Meta(max_length=11)] | None = None
    remittance_info: Text | None = None


class JsonTotals(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    total_excl_tax: Amount
    total_tax: Amount
    total_incl_tax: Amount
    amount_due: Amount | None = None


class JsonPreceding(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    number: Text
    issue_date: date | None = None


class JsonInvoice(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    provider_id: Annotated[str, msgspec.Meta(max_length=30)] | None = None
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=35)]
    issue_date: date
    type: Literal["invoice", "credit_note"] = "invoice"
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] = "EUR"
    due_date: date | None = None
    payment_terms: Text | None = None
    seller: JsonSeller | None = None  # defaults to the provider
    recipient: JsonRecipient
    lines: Annotated[list[JsonLine], msgspec.Meta(min_length=1)]
    payment: JsonPayment | None = None
    totals: JsonTotals | None = None  # computed when absent; checked against the lines when given
    notes: list[Text] = []
    billing_frame: Annotated[str, msgspec.Meta(pattern="^A([1-9]|1[0-9]|2[0-5])$")] = "A1"
    # Frames A9 and A12: the structure that validates it. Chorus takes a validator only with soumettre, so such an
    # invoice is submitted from its PDF (the Factur-X pdp writes), not deposited as a flux.
    validator_siret: Annotated[str, msgspec.Meta(pattern="^[0-9]{14}$")] | None = None
    preceding_invoice: JsonPreceding | None = None
    # pdp's links between deposits (not in the document): the invoice a credit note credits, or the rejected
    # invoice a corrected one replaces.
    credits_invoice_id: Annotated[str, msgspec.Meta(max_length=30)] | None = None
    replaces_invoice_id: Annotated[str, msgspec.Meta(max_length=30)] | None = None


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _address(address: JsonAddress | None) -> Address | None:
    if address is None:
        return None
    return Address(
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        postal_code=address.postal_code,
        country_code=address.country,
    )


def _seller(seller: JsonSeller) -> Party:
    return Party(
        name=seller.name,
        legal_id=Identifier(value=seller.siret[:9], scheme="0002"),
        identifiers=[Identifier(value=seller.siret, scheme="0009")],
        vat_id=seller.vat_number,
        electronic_address=Identifier(value=seller.siret[:9], scheme="0225"),
        address=_address(seller.address) or Address(country_code="FR"),
    )


def _buyer(recipient: JsonRecipient, address: JsonAddress | None) -> Party:
    return Party(
        name=recipient.name,
        legal_id=Identifier(value=recipient.siret, scheme="0009"),
        vat_id=recipient.vat_number,
        electronic_address=Identifier(value=recipient.siret[:9], scheme="0225"),
        address=_address(recipient.address or address) or Address(country_code="FR"),
    )


def _decimals(value: Decimal) -> int:
    """Decimal places that carry a digit (\"1.50\" has 1)."""
    _, digits, exponent = value.as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    return max(0, -(int(exponent) + len(digits) - len(text))) if text else 0


def _check_amount(value: Decimal | None, path: str, bt: str, *, limit: Decimal = LIMIT, what: str = "") -> None:
    if value is None or (value.is_finite() and abs(value) < limit and _decimals(value) <= MAX_DECIMALS):
        return
    shown = str(value) if len(str(value)) <= 40 else f"{str(value)[:40]}…"
    raise UnreadableDocument(
        "PDP-AMOUNT-INVALID",
        f"{what or path} is {shown}: give a finite decimal below {limit} in absolute value, with at most "
        f"{MAX_DECIMALS} decimals.",
        f"{what or path} vaut {shown} : donnez un nombre décimal fini, inférieur à {limit} en valeur absolue, d'au "
        f"plus {MAX_DECIMALS} décimales.",
        bt=bt,
        xpath=f"$.{path}",
    )


def check_amounts(data: JsonInvoice) -> None:
    """Refuse (``PDP-AMOUNT-INVALID``) an amount that is not finite, too large or too precise (see ``LIMIT``)."""
    for index, line in enumerate(data.lines):
        _check_amount(line.quantity, f"lines[{index}].quantity", "BT-129")
        _check_amount(line.unit_price, f"lines[{index}].unit_price", "BT-146")
        _check_amount(line.vat_rate, f"lines[{index}].vat_rate", "BT-152", limit=MAX_RATE)
        _check_amount(line.net_amount, f"lines[{index}].net_amount", "BT-131")
    if data.totals is not None:
        for name, bt in (("total_excl_tax", "BT-109"), ("total_tax", "BT-110"), ("total_incl_tax", "BT-112")):
            _check_amount(getattr(data.totals, name), f"totals.{name}", bt)
        _check_amount(data.totals.amount_due, "totals.amount_due", "BT-115")


def compute_lines(items: list[JsonLine]) -> tuple[list[Line], list[VatBreakdown]]:
    """The invoice lines and the VAT breakdown pdp computes from JSON lines: each line's net amount (quantity x price,
    rounded half up to cents, unless given), then the VAT of each category and rate (its base x rate, rounded)."""
    lines: list[Line] = []
    groups: defaultdict[tuple[str, Decimal], Decimal] = defaultdict(lambda: Decimal("0.00"))
    reasons: dict[tuple[str, Decimal], str | None] = {}
    for number, item in enumerate(items, start=1):
        net = item.net_amount if item.net_amount is not None else _round(item.quantity * item.unit_price)
        _check_amount(net, f"lines[{number - 1}]", "BT-131", what="quantity x unit_price")
        lines.append(
            Line(
                id=str(number),
                quantity=item.quantity,
                unit_code=item.unit,
                net_amount=net,
                net_price=item.unit_price,
                vat_category=item.vat_category,
                vat_rate=item.vat_rate,
                item_name=item.name,
                item_description=item.description,
            )
        )
        groups[(item.vat_category, item.vat_rate)] += net
        reasons.setdefault((item.vat_category, item.vat_rate), item.exemption_reason)
    breakdown = [
        VatBreakdown(
            taxable_amount=base,
            tax_amount=_round(base * rate / 100),
            category=category,
            rate=rate,
            exemption_reason=reasons[(category, rate)],
        )
        for (category, rate), base in groups.items()
    ]
    return lines, breakdown


def computed_totals(items: list[JsonLine]) -> tuple[list[Line], list[VatBreakdown], Totals]:
    """The lines, the VAT breakdown and the totals pdp computes from JSON lines when the invoice gives none."""
    lines, breakdown = compute_lines(items)
    line_net = sum((line.net_amount for line in lines if line.net_amount is not None), Decimal("0.00"))
    vat = sum((v.tax_amount for v in breakdown if v.tax_amount is not None), Decimal("0.00"))
    totals = Totals(line_net=line_net, without_vat=line_net, vat=vat, with_vat=line_net + vat, due=line_net + vat)
    return lines, breakdown, totals


def to_invoice(
    data: JsonInvoice, *, seller: JsonSeller | None = None, buyer_address: JsonAddress | None = None
) -> Invoice:
    """The canonical invoice for ``data``; ``seller`` (from the provider) applies when ``data.seller`` is absent,
    its address when ``data.seller`` has none; ``buyer_address`` (from the directory) when the recipient has none."""
    check_amounts(data)
    lines, breakdown, computed = computed_totals(data.lines)
    line_net = computed.line_net
    given = data.totals
    without_vat = given.total_excl_tax if given else computed.without_vat
    vat_total = given.total_tax if given else computed.vat
    with_vat = given.total_incl_tax if given else computed.with_vat
    _check_amount(with_vat, "lines", "BT-112", what="The invoice's total")
    due = given.amount_due if given and given.amount_due is not None else with_vat
    chosen_seller = data.seller or seller
    if chosen_seller is not None and chosen_seller.address is None and seller is not None:
        chosen_seller = msgspec.structs.replace(chosen_seller, address=seller.address)
    payment = None
    if data.payment is not None and data.type == "invoice":
        transfers = (
            [CreditTransfer(account_id=data.payment.iban.replace(" ", ""), provider_id=data.payment.bic)]
            if data.payment.iban
            else []
        )
        payment = Payment(
            means_code=data.payment.means_code, remittance_info=data.payment.remittance_info, credit_transfers=transfers
        )
    recipient = data.recipient
    return Invoice(
        number=data.number,
        issue_date=data.issue_date,
        type_code="381" if data.type == "credit_note" else "380",
        currency=data.currency,
        due_date=data.due_date,
        buyer_reference=recipient.service_code,
        purchase_order_ref=recipient.engagement_number,
        payment_terms=data.payment_terms,
        notes=with_legal_notes([Note(text=text) for text in data.notes]),
        specification_id=EN16931,
        process_type=data.billing_frame,  # BT-23: where Chorus reads the frame of the Factur-X pdp writes
        preceding_invoices=[
            PrecedingInvoice(number=data.preceding_invoice.number, date=data.preceding_invoice.issue_date)
        ]
        if data.preceding_invoice
        else [],
        seller=_seller(chosen_seller) if chosen_seller else Party(),
        buyer=_buyer(recipient, buyer_address),
        payment=payment,
        totals=Totals(line_net=line_net, without_vat=without_vat, vat=vat_total, with_vat=with_vat, due=due),
        vat_breakdown=breakdown,
        lines=lines,
        routing=ChorusRouting(
            recipient_siret=recipient.siret,
            service_code=recipient.service_code,
            engagement_number=recipient.engagement_number,
            billing_frame=data.billing_frame,
            validator_siret=data.validator_siret,
            supplier_siret=chosen_seller.siret if chosen_seller else None,
        ),
    )


_PARTIES = (  # role, its group, and the message's parts in English and French
    (
        "seller",
        "BG-5",
        "The seller's postal address",
        "give the provider an address (PATCH /v1/providers/{id}) or seller.address",
        "L'adresse postale du vendeur",
        "renseignez l'adresse du fournisseur (PATCH /v1/providers/{id}) ou seller.address",
    ),
    (
        "buyer",
        "BG-8",
        "The buyer's postal address",
        "give recipient.address (pdp takes Chorus Pro's when its directory has one)",
        "L'adresse postale de l'acheteur",
        "renseignez recipient.address (pdp prend celle de l'annuaire de Chorus Pro quand il la connaît)",
    ),
)


def missing_addresses(invoice: Invoice) -> list[Finding]:
    """The invoice pdp would write lacks a party's postal address (street, postal code, city), which French law
    requires on every invoice: refuse it rather than write an unlawful one."""
    findings: list[Finding] = []
    for role, bg, what, fix, quoi, correction in _PARTIES:
        address = getattr(invoice, role).address
        if address is not None and address.line1 and address.postal_code and address.city:
            continue
        findings.append(
            finding(
                f"PDP-{role.upper()}-ADDRESS-MISSING",
                "error",
                f"{what} (street, postal code, city) is required on an invoice; {fix}.",
                f"{quoi} (voie, code postal, ville) est obligatoire sur une facture ; {correction}.",
                bt=bg,
            )
        )
    return findings
