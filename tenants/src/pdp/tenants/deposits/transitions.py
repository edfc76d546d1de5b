"""Moving an invoice's status: the one place that writes status, event and audit together."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.audit import Actor, AuditRepository
from pdp.tenants.deposits.lifecycle import cdar_code, may_move
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.events.service import emit
from pdp.tenants.notifications.service import stage_status_email

WORKER = Actor("system", "invoices.advance")


async def move(
    session: AsyncSession,
    invoice: InvoiceRecord,
    status: str,
    *,
    chorus_status: str | None = None,
    detail: dict[str, Any] | None = None,
    actor: Actor = WORKER,
) -> bool:
    """Set ``status`` if it is a real step (lifecycle.may_move); emit ``invoice.status_changed`` and audit it."""
    now = clock.now()
    if chorus_status is not None and chorus_status != invoice.chorus_status:
        invoice.chorus_status, invoice.chorus_status_at = chorus_status, now
    if not may_move(invoice.status, status):
        return False
    previous, invoice.status = invoice.status, status
    invoice.updated_at = now  # set here, not by the column's onupdate, so the API can show it without a reload
    invoice.status_changed_at = now
    invoice.checks = 0  # something happened: look again soon
    data = {
        "invoice_id": invoice.id,
        "status": status,
        "previous_status": previous,
        "chorus_status": invoice.chorus_status,
        "cdar_code": cdar_code(status, invoice.chorus_status),
        **(detail or {}),
    }
    event = await emit(session, "invoice.status_changed", invoice.id, data)
    stage_status_email(session, status, event.id)
    await AuditRepository(session).append(actor, "invoice.status_changed", "invoice", invoice.id, data)
    return True
