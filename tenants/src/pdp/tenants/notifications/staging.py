"""Staging e-mails about events, in the event's own transaction: they go out iff the change committed.

Apart from :mod:`pdp.tenants.notifications.service` (which reads events to send them) so that recording an event
(:func:`pdp.tenants.events.service.emit`) can stage its e-mail without the two modules importing each other.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import outbox
from pdp.tenants.notifications.emails import MANDATE_EVENTS

MANDATE_EMAIL_JOB = "notifications.mandate_event"
# A provider's own Chorus Pro password about to expire, or expired: its contact is told (notifications.chorus_password).
PASSWORD_EMAIL_JOB = "notifications.chorus_password"  # noqa: S105 - a job name
PASSWORD_EVENTS = frozenset({"provider.chorus_password_expiring", "provider.chorus_password_expired"})


def stage_event_email(session: AsyncSession, event_type: str, event_id: str) -> None:
    """A mandate's activation, revocation or expiry: an e-mail to its provider's users who asked for one; a
    provider's Chorus Pro password expiring or expired: an e-mail to its contact."""
    if event_type in MANDATE_EVENTS:
        outbox.add(session, MANDATE_EMAIL_JOB, event_id=event_id)
    elif event_type in PASSWORD_EVENTS:
        outbox.add(session, PASSWORD_EMAIL_JOB, event_id=event_id)
