"""Invoice.ubl_payment_means: each UBL ``cac:PaymentMeans`` with its own code and account, as BR-50/BR-61 read it.

The model has one payment means with several accounts (BG-16, BG-17), the code of the first; the CEN UBL artefact
checks each ``cac:PaymentMeans`` on its own: BR-50 an account of a means coded exactly '30' or '58' (unstripped)
must have a non-blank ID, BR-61 a means coded (stripped) 30 or 58 must have an account ID element, blank or not.
"""

from __future__ import annotations

from typing import Any

from pdp.einvoice.formats.ubl_values import A, B, _children, _first
from pdp.einvoice.model import MeansAccount


def payment_means(means: list[Any]) -> list[MeansAccount] | None:
    """None when the model's one means with its accounts says the same: one code written without surrounding
    spaces, no blank account ID, and an account in each cac:PaymentMeans when there are several (as pdp writes)."""
    read = [_means(element) for element in means]
    codes = {one.code for one in read}
    simple = (
        len(codes) == 1
        and all((code or "").strip() == (code or "") for code in codes)
        and all(one.account_id != "" for one in read)
        and (len(read) == 1 or all(one.account for one in read))
    )
    return None if simple or not read else read


def _means(element: Any) -> MeansAccount:
    k = _children(element)
    code = _first(k, B.PaymentMeansCode)
    account = _first(k, A.PayeeFinancialAccount)
    account_id = _first(_children(account), B.ID)
    return MeansAccount(
        code=None if code is None else code.text or "",
        account=account is not None,
        account_id=None if account_id is None else " ".join((account_id.text or "").split()),
    )
