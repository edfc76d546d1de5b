"""EN 16931 payment instruction rules (BG-16…BG-19): BR-49, BR-50, BR-51 and BR-61, as each CEN artefact asks them."""

from __future__ import annotations

from pdp.einvoice.model import MeansAccount, Payment
from pdp.einvoice.validation.context import CII_SYNTAXES, RuleContext

CREDIT_TRANSFER_CODES = frozenset({"30", "58"})


def check_payment(ctx: RuleContext) -> None:
    """BR-49, BR-50, BR-51 and BR-61: the payment instructions (BG-16), each syntax as its artefact asks them."""
    payment = ctx.invoice.payment
    if payment is None:
        return
    # BR-49's context is the payment means element. UBL has BG-16 only inside one; CII carries BT-83 (remittance),
    # BT-89 and BT-90 beside it, so a CII payment with none of the means' own terms had no means element to test.
    # CII: a means element without TypeCode, wherever it stands, fails it too (blank_terms "BT-81", cii_blanks).
    uncoded = ctx.invoice.is_blank("BT-81")
    if ctx.syntax not in CII_SYNTAXES or _has_cii_means(payment) or uncoded:
        ctx.check(payment.means_code is not None and not uncoded, "BR-49")
    if ctx.syntax in CII_SYNTAXES:
        # CII's context is a creditor account of a credit transfer means (TypeCode 30 or 58): a payee's bank alone
        # (BT-86) has none to check, and a means of another type is not asked.
        _check_cii_accounts(ctx, payment)
    elif ctx.syntax == "ubl":
        _check_ubl_means(ctx, payment)
    else:
        if payment.credit_transfers:
            ctx.check(all(ct.account_id for ct in payment.credit_transfers), "BR-50")
        if payment.means_code in CREDIT_TRANSFER_CODES:
            ctx.check(any(ct.account_id for ct in payment.credit_transfers), "BR-61")
    if payment.card is not None:
        # The official test only bounds the length (<= 10): the full card number must never be sent.
        pan = (payment.card.primary_account_number or "").strip()
        if len(pan) > 10:  # the UBL artefact flags it a warning, the CII one fatal: each syntax as its own
            ctx.fail("BR-51", severity="warning" if ctx.syntax == "ubl" else None)


def _check_cii_accounts(ctx: RuleContext, payment: Payment) -> None:
    """BR-50 and BR-61 as the CII artefact asks them, of each creditor account of a means coded 30 or 58 (an
    account element without identifier, or with a blank one, is kept in Invoice.blank_terms by cii_blanks): BR-50
    a non-blank IBANID or ProprietaryID, BR-61 one of the elements. A payee's bank alone (BT-86) has no account to
    ask. pdp also fails BR-61 when such a means has no creditor account at all, as EN 16931's text and the UBL
    artefact do and the CII artefact cannot (no account element, no context): a deliberate difference."""
    inv = ctx.invoice
    # (blank identifier, account element without identifier) of each credit transfer, as cii_blanks marks them
    marked = [(inv.is_blank(f"BT-84@{k}"), inv.is_blank(f"BG-17@{k}")) for k in range(len(payment.credit_transfers))]
    if payment.means_code not in CREDIT_TRANSFER_CODES:
        # A later means coded 30 or 58 is still asked (cii_blanks marks only the accounts of such a means).
        ctx.check(not any(blank or without_id for blank, without_id in marked), "BR-50")
        ctx.check(not any(without_id for _, without_id in marked), "BR-61")
        return
    accounts = [
        (ct, without_id)
        for ct, (blank, without_id) in zip(payment.credit_transfers, marked, strict=True)
        if ct.account_id or ct.account_name or blank or without_id
    ]
    ctx.check(all(ct.account_id for ct, _ in accounts), "BR-50")
    ctx.check(bool(accounts) and not any(without_id for _, without_id in accounts), "BR-61")


def _check_ubl_means(ctx: RuleContext, payment: Payment) -> None:
    """BR-50 and BR-61 from each cac:PaymentMeans, with its own code and account, as the UBL artefact's contexts:
    BR-50 asks a non-blank ID of an account whose means is coded exactly '30' or '58' (as written), BR-61 an ID
    element, blank or not, of a means coded 30 or 58 (stripped)."""
    means = ctx.invoice.ubl_payment_means
    if means is None:  # one means, which the model says all of
        accounts = [
            MeansAccount(code=payment.means_code, account=True, account_id=ct.account_id)
            for ct in payment.credit_transfers
        ]
        means = accounts or [MeansAccount(code=payment.means_code)]
    # BR-49 is asked of each cac:PaymentMeans too: one without cbc:PaymentMeansCode fails it beside a coded one.
    if ctx.invoice.ubl_payment_means is not None and payment.means_code is not None:
        ctx.check(all(one.code is not None for one in means), "BR-49")
    for one in means:
        if one.account and one.code in CREDIT_TRANSFER_CODES:
            ctx.check(bool(one.account_id), "BR-50")
        if " ".join((one.code or "").split()) in CREDIT_TRANSFER_CODES:
            ctx.check(one.account_id is not None, "BR-61")


def _has_cii_means(payment: Payment) -> bool:
    """Whether a CII payment read anything from a SpecifiedTradeSettlementPaymentMeans (cii_read._payment)."""
    debit = payment.direct_debit
    return bool(
        payment.means_code is not None
        or payment.means_text
        or payment.credit_transfers
        or payment.card is not None
        or (debit is not None and debit.debited_account_id)
    )


__all__ = ["CREDIT_TRANSFER_CODES", "check_payment"]
