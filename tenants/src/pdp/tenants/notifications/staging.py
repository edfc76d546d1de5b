"""Staging e-mails about events, in the event's own transaction: they go out iff the change committed.

Apart from :mod:`pdp.tenants.notifications.service` (which reads events to send them) so that recording an event
(:func:`pdp.tenants.events.service.emit`) can stage its e-mail without the two modules importing each other.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import outbox
from pdp.tenants.notifications.emails import MANDATE_EVENTS

MANDATE_EMAIL_JOB = "notifications.mandate_event"


def stage_event_email(session: AsyncSession, event_type: str, event_id: str) -> None:
    """A mandate's activation, revocation or expiry: an e-mail to its provider's users who asked for one."""
    if event_type in MANDATE_EVENTS:
        outbox.add(session, MANDATE_EMAIL_JOB, event_id=event_id)
