"""EN 16931 code list rules (BR-CL-01…26), each asked where the artefacts' contexts look the codes up."""

from __future__ import annotations

from pdp.einvoice.validation.codelists import CII_CODE_LISTS, CODE_LISTS, UBL_TYPE_CODES
from pdp.einvoice.validation.context import CII_SYNTAXES, RuleContext


def _in(ctx: RuleContext, rule: str, code: str | None, *, line: int | None = None) -> None:
    if code is not None and code not in CODE_LISTS[rule]:
        ctx.fail(rule, line=line, detail=f"'{code}'")


# UBL's BR-CL-08 looks a note's "#XXX#" code up as a substring of the list as the artefact writes it (sorted,
# spaces around): a 3-character code with a space in it can match across two codes, as it does there.
_UBL_NOTE_SUBJECTS = f" {' '.join(sorted(CODE_LISTS['BR-CL-08']))} "


def _check_note_subjects(ctx: RuleContext) -> None:
    """BR-CL-08. CII: each SubjectCode in the CEN CII list. UBL: a note with "#" whose text between its first two
    "#" is 3 characters long must name a listed code (the reader split "#AAB#text" into code and text)."""
    cii = ctx.syntax in CII_SYNTAXES
    for note in ctx.invoice.notes:
        code = note.subject_code
        if cii:
            if code is not None and code.strip() not in CII_CODE_LISTS["BR-CL-08"]:
                ctx.fail("BR-CL-08", detail=f"'{code}'")
            continue
        raw = f"#{code}#{note.text or ''}" if code is not None else note.text or ""
        parts = raw.split("#", 2)
        candidate = parts[1] if len(parts) == 3 else ""  # substring-before of a text without "#" is ""
        if len(candidate) == 3 and candidate not in _UBL_NOTE_SUBJECTS:
            ctx.fail("BR-CL-08", detail=f"'{candidate}'")


def check_code_lists(ctx: RuleContext) -> None:
    inv = ctx.invoice
    if ctx.syntax == "ubl" and inv.ubl_root in UBL_TYPE_CODES:
        # UBL has a list per root: 381 is no InvoiceTypeCode, 380 no CreditNoteTypeCode.
        if inv.type_code is not None and inv.type_code not in UBL_TYPE_CODES[inv.ubl_root]:
            ctx.fail("BR-CL-01", detail=f"'{inv.type_code}'")
    else:
        _in(ctx, "BR-CL-01", inv.type_code)
    _check_note_subjects(ctx)
    _in(ctx, "BR-CL-04", inv.currency)
    _in(ctx, "BR-CL-05", inv.tax_currency)
    # BR-CL-03 is the amounts' currencyID: the reader keeps them when they are not just BT-5 and BT-6, else they
    # are those two (a JSON or PDF invoice's amounts are in BT-5 by construction).
    if inv.currency_ids is not None:
        for currency in inv.currency_ids:
            _in(ctx, "BR-CL-03", currency)
    else:
        for code in {inv.currency, inv.tax_currency} - {None}:  # a blank BT-5 has its amounts' blank currencyID
            _in(ctx, "BR-CL-03", code)
    _in(ctx, "BR-CL-06", inv.vat_point_code)  # the CII reader maps its UNTDID 2475 codes to these
    if inv.invoiced_object is not None:
        _in(ctx, "BR-CL-07", inv.invoiced_object.scheme)
    # BR-CL-10 is asked of every party identifier (UBL cac:PartyIdentification/cbc:ID, CII ram:GlobalID), the
    # payee's too; scheme SEPA (a creditor identifier) only in UBL and only for the seller or the payee.
    ubl = ctx.syntax == "ubl"
    payee = [inv.payee.identifier] if inv.payee is not None and inv.payee.identifier is not None else []
    for identifiers, sepa_allowed in ((inv.seller.identifiers, ubl), (inv.buyer.identifiers, False), (payee, ubl)):
        for identifier in identifiers:
            scheme = identifier.scheme
            if scheme is not None and (scheme not in CODE_LISTS["BR-CL-10"] or (scheme == "SEPA" and not sepa_allowed)):
                ctx.fail("BR-CL-10", detail=f"'{scheme}'")
    for party in (inv.seller, inv.buyer, inv.payee):  # BR-CL-11: every legal registration's scheme, the payee's too
        if party is not None and party.legal_id is not None:
            _in(ctx, "BR-CL-11", party.legal_id.scheme)
    for party in (inv.seller, inv.buyer):
        if party.electronic_address is not None:
            _in(ctx, "BR-CL-25", party.electronic_address.scheme)
    addresses = [
        inv.seller.address,
        inv.buyer.address,
        inv.tax_representative.address if inv.tax_representative else None,
        inv.delivery.address if inv.delivery else None,
    ]
    for address in addresses:
        if address is not None:
            _in(ctx, "BR-CL-14", address.country_code)
    for rule, code in inv.unread_codes or ():  # codes of elements the model has no term for (UBL's countries)
        _in(ctx, rule, code)
    if inv.payment is not None:
        for means_code in (inv.payment.means_code, *(inv.payment.other_means_codes or ())):
            _in(ctx, "BR-CL-16", means_code)
    for means in inv.ubl_payment_means or ():  # UBL: every cac:PaymentMeans/cbc:PaymentMeansCode, normalized
        _in(ctx, "BR-CL-16", None if means.code is None else " ".join(means.code.split()))
    for ac in inv.allowances_charges:
        _in(ctx, "BR-CL-17", ac.vat_category)
        if ac.is_charge is not None:
            _in(ctx, "BR-CL-20" if ac.is_charge else "BR-CL-19", ac.reason_code)
    for vat in inv.judged_breakdowns():
        # The CII artefact checks every ram:ApplicableTradeTax/ram:CategoryCode, the breakdown's too, as BR-CL-18
        # (BR-CL-17 there is the allowances' and charges' CategoryTradeTax); UBL's BR-CL-17 is the TaxCategory's.
        _in(ctx, "BR-CL-18" if ctx.syntax in CII_SYNTAXES else "BR-CL-17", vat.category)
        if vat.exemption_code is not None:  # the artefacts upper-case the code before the lookup
            _in(ctx, "BR-CL-22", vat.exemption_code.strip().upper())
    for attachment in inv.attachments:
        _in(ctx, "BR-CL-24", attachment.mime_code)
    if inv.delivery is not None and inv.delivery.location_id is not None:
        _in(ctx, "BR-CL-26", inv.delivery.location_id.scheme)
    units, categories = CODE_LISTS["BR-CL-23"], CODE_LISTS["BR-CL-18"]
    for index, line in enumerate(inv.lines):  # both contexts have the price base quantity's unit (BT-150) too
        _in(ctx, "BR-CL-23", line.price_base_unit, line=index)
        _in(ctx, "BR-CL-23", line.gross_price_base_unit, line=index)  # CII: every ram:BasisQuantity/@unitCode
    for index, line in enumerate(inv.lines):
        # The usual line (a known unit and category, nothing else coded) needs no rule call.
        if (
            (line.unit_code is None or line.unit_code in units)
            and (line.vat_category is None or line.vat_category in categories)
            and line.origin_country is None
            and line.standard_item_id is None
            and (line.object_id is None or line.object_id.scheme is None)
            and not line.classifications
            and not line.allowances_charges
        ):
            continue
        _in(ctx, "BR-CL-23", line.unit_code, line=index)
        _in(ctx, "BR-CL-18", line.vat_category, line=index)
        _in(ctx, "BR-CL-15", line.origin_country, line=index)
        if line.standard_item_id is not None:
            _in(ctx, "BR-CL-21", line.standard_item_id.scheme, line=index)
        if line.object_id is not None:
            _in(ctx, "BR-CL-07", line.object_id.scheme, line=index)
        for classification in line.classifications:
            _in(ctx, "BR-CL-13", classification.list_id, line=index)
        for ac in line.allowances_charges:
            if ac.is_charge is not None:
                _in(ctx, "BR-CL-20" if ac.is_charge else "BR-CL-19", ac.reason_code, line=index)
