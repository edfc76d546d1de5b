"""A signed-in user's own settings: language, and signing out of every browser. Callers own the transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import ValidationFailed
from pdp.tenants.accounts import sessions
from pdp.tenants.accounts.models import PortalUser

LOCALES = ("fr", "en")


async def set_locale(session: AsyncSession, user: PortalUser, locale: str) -> None:
    if locale not in LOCALES:
        raise ValidationFailed(f"The portal speaks {' and '.join(LOCALES)}.", code="locale_unknown")
    user.locale = locale
    await session.flush()


async def sign_out_everywhere(session: AsyncSession, user: PortalUser) -> int:
    """Close every session of ``user`` (this one included); audited ``portal_user.signed_out_everywhere``."""
    closed = await sessions.close_all(session, user.id)
    await AuditRepository(session).append(
        Actor("portal_user", user.id), "portal_user.signed_out_everywhere", "portal_user", user.id, {"sessions": closed}
    )
    return closed
