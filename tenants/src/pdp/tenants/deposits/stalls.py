"""Nothing waits forever: an invoice held in a non-final status past its maximum age is ``stalled``.

A stalled invoice is no longer looked at one by one; its status change (event, webhook, the provider's e-mail)
says why, and a staff case puts it in the back-office queue. Chorus can still wake it: the account's change feed
covers stalled invoices at no cost per invoice, and whatever Chorus reports next moves it on. The same staff queue
takes the Chorus states pdp cannot map (a code Chorus invented after this table was written): recorded on the
invoice, shown, raised — never dropped.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.logging import get_logger
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.repository import open_invoice_case
from pdp.tenants.deposits.transitions import move

log = get_logger("pdp.deposits")


def deadline(invoice: InvoiceRecord, limits: dict[str, timedelta]) -> datetime | None:
    """When the invoice's status is too old, ``None`` for a status that has no limit."""
    limit = limits.get(invoice.status)
    return None if limit is None else invoice.status_changed_at + limit


def is_overdue(invoice: InvoiceRecord, limits: dict[str, timedelta], now: datetime) -> bool:
    due = deadline(invoice, limits)
    return due is not None and now >= due


def next_check(invoice: InvoiceRecord, limits: dict[str, timedelta], poll_at: datetime | None) -> datetime | None:
    """The next time the sweep brings the invoice back: its next poll, or its deadline when that comes first (an
    invoice nobody polls, such as a suspended one, still comes back to be declared stalled)."""
    due = deadline(invoice, limits)
    candidates = [moment for moment in (poll_at, due) if moment is not None]
    return min(candidates) if candidates else None


async def stall(session: AsyncSession, invoice: InvoiceRecord, limits: dict[str, timedelta]) -> bool:
    """Declare the invoice stalled: its status change, and a case in the staff queue."""
    was, since = invoice.status, invoice.status_changed_at
    limit = limits.get(was)
    detail = {
        "stalled_in": was,
        "since": since.isoformat(),
        "max_age_seconds": int(limit.total_seconds()) if limit else None,
        "chorus_status": invoice.chorus_status,
    }
    moved = await move(session, invoice, "stalled", detail=detail)
    invoice.next_check_at = None
    if moved:
        await open_case(session, "invoice_stalled", invoice, detail)
        log.warning("invoice.stalled", invoice_id=invoice.id, stalled_in=was, since=since.isoformat())
    return moved


async def open_case(session: AsyncSession, kind: str, invoice: InvoiceRecord, detail: dict[str, Any]) -> None:
    """A case in the staff queue about this invoice (one open case per invoice and kind: a later one updates it)."""
    await open_invoice_case(session, kind, invoice.id, {"number": invoice.number, **detail})


async def unknown_state(session: AsyncSession, invoice: InvoiceRecord, state: str, *, flux: bool) -> bool:
    """A Chorus state pdp has no meaning for: keep it on the invoice (the API and portal show ``chorus.status``),
    log it, and raise it to staff once per invoice and code. The status does not move; its age still counts.
    True when the state is new to the invoice."""
    if invoice.chorus_status == state:
        return False
    invoice.chorus_status, invoice.chorus_status_at = state, clock.now()
    log.error("chorus.unknown_state", invoice_id=invoice.id, state=state, flux=flux)
    await open_case(session, "chorus_state_unknown", invoice, {"state": state, "flux": flux})
    return True
