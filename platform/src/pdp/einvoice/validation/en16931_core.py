"""EN 16931 core rules: presence (BR-01…BR-65) and decimals (BR-DEC); the code lists are en16931_codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pdp.einvoice.model import AllowanceCharge, Invoice, Line, Party
from pdp.einvoice.validation.context import CENT, CII_SYNTAXES, ZERO, RuleContext, amount_there, more_than_two_decimals
from pdp.einvoice.validation.en16931_payment import check_payment
from pdp.einvoice.validation.en16931_vat_cii import (
    accounting_vat_decimals_ok,
    generic_breakdown_rules_apply,
    vat_total_decimals_ok,
)
from pdp.einvoice.validation.messages import DECIMAL_RULES


def _has_address(party: Party) -> bool:
    return party.address is not None


def check_presence(ctx: RuleContext) -> None:
    inv = ctx.invoice
    ctx.check(bool(inv.specification_id), "BR-01")
    ctx.check(bool(inv.number), "BR-02")
    ctx.check(inv.issue_date is not None, "BR-03")
    ctx.check(bool(inv.type_code), "BR-04")
    ctx.check(bool(inv.currency), "BR-05")
    ctx.check(bool(inv.seller.name), "BR-06")
    ctx.check(bool(inv.buyer.name), "BR-07")
    ctx.check(_has_address(inv.seller), "BR-08")
    # The CII schematron tests the country path itself, so a missing address also misses its country there.
    cii = ctx.syntax in CII_SYNTAXES
    if inv.seller.address is not None or cii:
        ctx.check(bool(inv.seller.address and inv.seller.address.country_code), "BR-09")
    ctx.check(_has_address(inv.buyer), "BR-10")
    if inv.buyer.address is not None or cii:
        ctx.check(bool(inv.buyer.address and inv.buyer.address.country_code), "BR-11")
    totals = inv.totals
    # The artefacts check the totals inside their element: a document without it fails its schema, not BR-12…15.
    if not inv.lacks("BG-22"):
        ctx.check(totals.line_net is not None, "BR-12")
        ctx.check(totals.without_vat is not None, "BR-13")
        ctx.check(totals.with_vat is not None, "BR-14")
        ctx.check(totals.due is not None, "BR-15")
    ctx.check(bool(inv.lines), "BR-16")
    if inv.payee is not None:
        ctx.check(_payee_apart_and_named(inv, ctx.syntax), "BR-17")
    if inv.tax_representative is not None:
        rep = inv.tax_representative
        ctx.check(bool(rep.name), "BR-18")
        ctx.check(rep.address is not None, "BR-19")
        if rep.address is not None or cii:  # CII asks it of the party itself: no address, no CountryID
            ctx.check(bool(rep.address and rep.address.country_code), "BR-20")
        ctx.check(bool(rep.vat_id) or inv.is_blank("BT-63"), "BR-56")
    if inv.invoicing_period is not None:
        period = inv.invoicing_period
        ctx.check(_period_ok(inv, period.start, period.end, "BT-73", "BT-74"), "BR-29")
        ctx.check(bool(period.start or period.end) or inv.is_blank("BT-73/74"), "BR-CO-19")  # CII: cii_blanks
    for ac in inv.allowances_charges:
        # The artefacts' contexts are [ChargeIndicator = false()] and [= true()]: an allowance or charge that says
        # neither (an XSD error, reported there) is checked by no BR rule.
        if ac.is_charge is not None:
            _check_document_allowance_charge(ctx, ac)
    for index, vat in enumerate(inv.judged_breakdowns()):
        if not generic_breakdown_rules_apply(cii, vat):
            continue
        # UBL tests the elements' existence: a blank amount of BG-23 is there (blank_terms, ubl_blanks).
        ctx.check(vat.taxable_amount is not None or inv.is_blank(f"BT-116@{index}"), "BR-45")
        ctx.check(vat.tax_amount is not None or inv.is_blank(f"BT-117@{index}"), "BR-46")
        ctx.check(vat.category is not None, "BR-47")  # a blank code is there (BR-CL-17 reports it), as in the artefacts
        # A breakdown without a (VAT) category has no "not subject to VAT" excuse either: the artefacts fail both.
        if vat.category != "O":
            ctx.check(vat.rate is not None, "BR-48")
    check_payment(ctx)
    for attachment in inv.attachments:
        ctx.check(bool(attachment.id), "BR-52")
    # BR-52 asks every CII AdditionalReferencedDocument and UBL AdditionalDocumentReference, not only attachments
    # (cii_blanks, ubl_blanks).
    if inv.is_blank("BT-17/18/128"):
        ctx.fail("BR-52")
    # CII asks BR-53 from the monetary summation, of a TaxCurrencyCode that is there, blank or not.
    if inv.tax_currency is not None and (not cii or not inv.lacks("BG-22")):
        if inv.tax_currency != inv.currency:
            ctx.check(inv.totals.vat_in_accounting_currency is not None or inv.is_blank("BT-111"), "BR-53")
        elif cii:
            # The CII artefact wants BT-6 to differ from BT-5 (a TaxCurrencyCode equal to the invoice currency fails
            # BR-53); the UBL one only wants a TaxTotal in it, which the invoice's own TaxTotal is.
            ctx.fail("BR-53", detail=f"({inv.tax_currency})")
        else:  # UBL: some cac:TaxTotal/cbc:TaxAmount in BT-6 (here BT-5), blank or not
            ctx.check(inv.totals.vat_totals_in_currency != 0, "BR-53")
    for preceding in inv.preceding_invoices:
        ctx.check(preceding.number is not None, "BR-55")  # exists(): UBL's blank is "" (CII's reader: None)
    if inv.delivery is not None and inv.delivery.address is not None:
        country = inv.delivery.address.country_code
        # UBL's BR-57 is exists(cac:Country/cbc:IdentificationCode): a blank code ("") is there, and BR-CL-14's.
        ctx.check(country is not None if ctx.syntax == "ubl" else bool(country), "BR-57")
    # UBL tests exists(@schemeID) (a blank one is there, BR-CL-25 refuses it); CII a non-blank one.
    for address, rule in ((inv.seller.electronic_address, "BR-62"), (inv.buyer.electronic_address, "BR-63")):
        if address is not None:
            ctx.check(address.scheme is not None if ctx.syntax == "ubl" else bool(address.scheme), rule)
    # Both artefacts test the elements' existence: a blank code is there.
    ctx.check(inv.tax_point_date is None or inv.vat_point_code is None, "BR-CO-03")
    if not inv.lacks("BG-4"):  # checked inside the seller's element, as BR-12…15 inside the totals'
        seller = inv.seller
        written = any(inv.is_blank(term) for term in ("BT-29", "BT-30", "BT-31"))  # UBL's existence test
        ctx.check(bool(seller.identifiers or seller.legal_id) or seller.vat_id is not None or written, "BR-CO-26")
    if totals.due is not None and totals.due > ZERO and not inv.is_credit_note:
        # EN 16931-1's rule, removed from the CEN artefacts (deliberate.py): reported at the severity the caller
        # chose, a warning by default. A credit note owes the buyer, so it has no due date.
        ctx.check(inv.due_date is not None or bool(inv.payment_terms), "BR-CO-25")
    for index, line in enumerate(inv.lines):
        # blank_terms (rare) can fail what the model's terms pass (a CII period date without format 102): no shortcut
        if inv.blank_terms is not None or not _line_passes(line):
            _check_line(ctx, index)


def _payee_apart_and_named(inv: Invoice, syntax: str) -> bool:
    """BR-17 as both CEN artefacts word it: the payee has a name element (a blank one is there, "BT-59" in
    blank_terms) and is not the seller, as BG-10 is given only for another party: its name is not the seller's (in
    UBL the seller's cac:PartyName, BT-28; elsewhere BT-27) and it has no identifier of the seller's (BT-60 among
    BT-29, compared without scheme: CII compares its ram:IDs only, not the schemed ram:GlobalIDs; CII also BT-61
    with BT-30)."""
    payee, seller = inv.payee, inv.seller
    assert payee is not None
    if payee.name is None and not inv.is_blank("BT-59"):
        return False
    ubl = syntax == "ubl"
    if payee.name is not None and payee.name == (seller.trading_name if ubl else seller.name):
        return False
    own = payee.identifier
    compared = [other.value for other in seller.identifiers if ubl or other.scheme is None]
    if own is not None and (ubl or own.scheme is None) and own.value in compared:
        return False
    if not ubl and payee.legal_id is not None and seller.legal_id is not None:
        return payee.legal_id.value != seller.legal_id.value
    return True


def _line_passes(line: Line) -> bool:
    """Every condition of :func:`_check_line` at once: most lines pass them all, and then need no rule calls."""
    net_price, gross_price, period, item_id = line.net_price, line.gross_price, line.period, line.standard_item_id
    return bool(
        line.id
        and line.quantity is not None
        and line.unit_code
        and line.net_amount is not None
        and line.item_name
        and net_price is not None
        and net_price >= ZERO
        and (gross_price is None or gross_price >= ZERO)
        and (
            period is None
            or ((not (period.start and period.end) or period.end >= period.start) and (period.start or period.end))
        )
        # (an empty list is tested before a generator is made for it: most lines have none of these)
        and (
            not line.allowances_charges
            or all(ac.amount is not None and (ac.reason or ac.reason_code) for ac in line.allowances_charges)
        )
        and (not line.attributes or all(attribute.name and attribute.value for attribute in line.attributes))
        and (item_id is None or item_id.scheme)
        and (not line.classifications or all(item.list_id for item in line.classifications))
        and line.vat_category
    )


def _check_document_allowance_charge(ctx: RuleContext, ac: AllowanceCharge) -> None:
    amount, category, reason = ("BR-36", "BR-37", "BR-38") if ac.is_charge else ("BR-31", "BR-32", "BR-33")
    ctx.check(amount_there(ctx.invoice, ac, None), amount)
    ctx.check(ac.vat_category is not None, category)
    has_reason = ac.reason is not None or ac.reason_code is not None  # exists(): UBL's blank is ""
    ctx.check(has_reason, reason)
    # The artefacts assert the same test again as BR-CO-21 / BR-CO-22: both ids fire together.
    ctx.check(has_reason, "BR-CO-22" if ac.is_charge else "BR-CO-21")


def _check_line(ctx: RuleContext, index: int) -> None:
    line = ctx.invoice.lines[index]
    ctx.check(bool(line.id), "BR-21", line=index)
    ctx.check(line.quantity is not None or ctx.invoice.is_blank(f"BT-129@{index}"), "BR-22", line=index)
    ctx.check(line.unit_code is not None, "BR-23", line=index)
    ctx.check(line.net_amount is not None or ctx.invoice.is_blank(f"BT-131@{index}"), "BR-24", line=index)
    ctx.check(bool(line.item_name), "BR-25", line=index)
    ctx.check(line.net_price is not None, "BR-26", line=index)
    # BR-27 compares the net price as written: a missing one compares false, so it fails beside BR-26 there.
    ctx.check(line.net_price is not None and line.net_price >= ZERO, "BR-27", line=index)
    if line.gross_price is not None:
        ctx.check(line.gross_price >= ZERO, "BR-28", line=index)
    if line.period is not None:
        start, end = line.period.start, line.period.end
        if start and end and ctx.invoice.blank_terms is None:  # the usual case, without building the terms' names
            ctx.check(end >= start, "BR-30", line=index)
        else:
            terms = f"BT-134@{index}", f"BT-135@{index}"
            ctx.check(_period_ok(ctx.invoice, start, end, *terms), "BR-30", line=index)
        dated = bool(start or end) or ctx.invoice.is_blank(f"BT-134/135@{index}")  # CII: a blank date is there
        ctx.check(dated, "BR-CO-20", line=index)
    for ac in line.allowances_charges:
        if ac.is_charge is None:  # neither an allowance nor a charge: no context (see check_presence)
            continue
        ctx.check(amount_there(ctx.invoice, ac, index), "BR-43" if ac.is_charge else "BR-41", line=index)
        has_reason = ac.reason is not None or ac.reason_code is not None  # exists(): UBL's blank is ""
        ctx.check(has_reason, "BR-44" if ac.is_charge else "BR-42", line=index)
        ctx.check(has_reason, "BR-CO-24" if ac.is_charge else "BR-CO-23", line=index)  # the same test again
    for number, attribute in enumerate(line.attributes):
        name = bool(attribute.name) or ctx.invoice.is_blank(f"BT-160@{index}.{number}")
        value = bool(attribute.value) or ctx.invoice.is_blank(f"BT-161@{index}.{number}")
        ctx.check(name and value, "BR-54", line=index)
    # UBL asks exists(@schemeID) / exists(@listID), CII normalize-space(…) != '': a blank one passes only in UBL.
    ubl = ctx.syntax == "ubl"
    if line.standard_item_id is not None:
        scheme = line.standard_item_id.scheme
        ctx.check(scheme is not None if ubl else bool(scheme), "BR-64", line=index)
    for classification in line.classifications:
        ctx.check(classification.list_id is not None if ubl else bool(classification.list_id), "BR-65", line=index)
    ctx.check(line.vat_category is not None, "BR-CO-04", line=index)


def _period_ok(inv: Invoice, start: date | None, end: date | None, start_term: str, end_term: str) -> bool:
    """BR-29/BR-30: the end is not before the start. The CII artefact compares the two ``udt:DateTimeString[@format
    = '102']`` unless an element is absent, so a start and an end both written, one without such a string (kept in
    blank_terms by cii_blanks, even when pdp reads its date), fail the comparison."""
    if inv.is_blank(start_term) or inv.is_blank(end_term):
        return not ((start is not None or inv.is_blank(start_term)) and (end is not None or inv.is_blank(end_term)))
    return start is None or end is None or end >= start


def _dec(ctx: RuleContext, rule: str, value: Decimal | None, *, line: int | None = None) -> None:
    if value is not None and more_than_two_decimals(value):
        ctx.fail(rule, line=line, detail=f"({value})")


def check_decimals(ctx: RuleContext) -> None:
    inv, t = ctx.invoice, ctx.invoice.totals
    cii = ctx.syntax in CII_SYNTAXES
    if cii and not accounting_vat_decimals_ok(inv):
        ctx.fail("BR-DEC-15", detail=f"({t.vat_in_accounting_currency})")
    if cii and not vat_total_decimals_ok(inv):
        ctx.fail("BR-DEC-13", detail=f"({t.vat})")
    for rule, value in (
        ("BR-DEC-09", t.line_net),
        ("BR-DEC-10", t.allowances),
        ("BR-DEC-11", t.charges),
        ("BR-DEC-12", t.without_vat),
        ("BR-DEC-13", None if cii else t.vat),  # CII's: vat_total_decimals_ok
        ("BR-DEC-14", t.with_vat),
        ("BR-DEC-15", None if cii else t.vat_in_accounting_currency),  # CII's: accounting_vat_decimals_ok
        ("BR-DEC-16", t.prepaid),
        ("BR-DEC-17", t.rounding),
        ("BR-DEC-18", t.due),
    ):
        _dec(ctx, rule, value)
    # The BR-DEC contexts of allowances and charges are [cbc:ChargeIndicator = false()/true()] in UBL,
    # ram:ChargeIndicator[udt:Indicator = 'false'/'true'] in CII: one that says neither is in none.
    for ac in inv.allowances_charges:
        if ac.is_charge is None:
            continue
        _dec(ctx, "BR-DEC-05" if ac.is_charge else "BR-DEC-01", ac.amount)
        _dec(ctx, "BR-DEC-06" if ac.is_charge else "BR-DEC-02", ac.base_amount)
    for vat in inv.judged_breakdowns():
        if not generic_breakdown_rules_apply(ctx.syntax in CII_SYNTAXES, vat):
            continue
        _dec(ctx, "BR-DEC-19", vat.taxable_amount)
        _dec(ctx, "BR-DEC-20", vat.tax_amount)
    for index, line in enumerate(inv.lines):
        amount = line.net_amount
        # _dec written out for the usual two-decimal amount: one C call per line instead of two Python calls
        if amount is not None and not amount.same_quantum(CENT):
            _dec(ctx, "BR-DEC-23", amount, line=index)
        if not line.allowances_charges:
            continue
        for ac in line.allowances_charges:
            if ac.is_charge is None:
                continue
            _dec(ctx, "BR-DEC-27" if ac.is_charge else "BR-DEC-24", ac.amount, line=index)
            _dec(ctx, "BR-DEC-28" if ac.is_charge else "BR-DEC-25", ac.base_amount, line=index)


__all__ = ["DECIMAL_RULES", "check_decimals", "check_presence"]
