"""Portal sessions and the single-use links pdp e-mails: opened, resumed, closed. Callers own the transaction.

A session is a 256-bit random token in a cookie; the database keeps only its SHA-256, as it does for API keys,
so a copy of the database signs nobody in. A session ends after ``idle`` without a request or at its hard
expiry, whichever comes first, and when its user signs out everywhere or is disabled.

A link (sign-in, invitation of a user or to a mandate, password reset) works once and until it expires; it is
also stored by digest. Redeeming one locks its row, so two clicks on the same link cannot both succeed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock, ids
from pdp.platform.errors import AppError, NotFound, Unauthenticated
from pdp.tenants.accounts.models import PortalSession, PortalToken, PortalUser
from pdp.tenants.accounts.portal_repository import (
    PortalSessionRepository,
    PortalTokenRepository,
    PortalUserRepository,
)

# Refreshing last_seen_at on every request would make each page view a write; a minute's precision is enough
# for an idle limit counted in tens of minutes.
TOUCH_EVERY = timedelta(minutes=1)


class LinkGone(AppError):
    """A link that was used already or has expired (``reason``: used, expired: the page tells which)."""

    default_code = "link_gone"
    status = 410
    title = "This link can no longer be used"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Lifetimes:
    idle: timedelta
    maximum: timedelta


@dataclass(frozen=True, slots=True)
class Resumed:
    record: PortalSession
    user: PortalUser

    @property
    def second_factor_done(self) -> bool:
        return self.record.second_factor_at is not None


async def open_session(
    session: AsyncSession,
    user: PortalUser,
    method: str,
    lifetimes: Lifetimes,
    *,
    ip: str | None,
    user_agent: str | None,
    second_factor: bool = False,
) -> str:
    """Sign ``user`` in by ``method``; returns the token for the cookie (shown once, never stored)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    await PortalSessionRepository(session).add(
        PortalSession(
            id=ids.new_id("portal_session"),
            user_id=user.id,
            token_sha256=digest(token),
            method=method,
            second_factor_at=now if second_factor else None,
            last_seen_at=now,
            expires_at=now + lifetimes.maximum,
            ip=ip,
            user_agent=(user_agent or "")[:500] or None,
        )
    )
    user.last_sign_in_at = now
    await session.flush()
    return token


async def resume(session: AsyncSession, token: str, lifetimes: Lifetimes) -> Resumed:
    """The live session behind ``token`` and its user, or 401 ``portal_session_invalid``."""
    record = await PortalSessionRepository(session).by_token(digest(token)) if token else None
    now = clock.now()
    if (
        record is None
        or record.revoked_at is not None
        or record.expires_at <= now
        or record.last_seen_at + lifetimes.idle <= now
    ):
        raise Unauthenticated("Sign in to the portal.", code="portal_session_invalid")
    user = await PortalUserRepository(session).find(record.user_id)
    if user is None or user.status != "active":
        raise Unauthenticated("This portal account is disabled.", code="portal_user_inactive")
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
        await session.flush()
    return Resumed(record, user)


async def pass_second_factor(session: AsyncSession, record: PortalSession) -> None:
    record.second_factor_at = clock.now()
    await session.flush()


async def close(session: AsyncSession, token: str) -> None:
    """Sign this browser out; an unknown or closed session changes nothing."""
    record = await PortalSessionRepository(session).by_token(digest(token)) if token else None
    if record is not None and record.revoked_at is None:
        record.revoked_at = clock.now()
        await session.flush()


async def close_all(session: AsyncSession, user_id: str) -> int:
    """Sign every browser of the user out (password changed, user disabled, "sign out everywhere")."""
    return await PortalSessionRepository(session).revoke_all(user_id, clock.now())


async def issue_link(
    session: AsyncSession,
    purpose: str,
    email: str,
    ttl: timedelta,
    *,
    user_id: str | None = None,
    provider_id: str | None = None,
    mandate_id: str | None = None,
    role: str | None = None,
) -> str:
    """A single-use link token of ``purpose`` for ``email``; returns the token (for the e-mail only)."""
    token = secrets.token_urlsafe(32)
    await PortalTokenRepository(session).add(
        PortalToken(
            id=ids.new_id("portal_token"),
            purpose=purpose,
            token_sha256=digest(token),
            email=email,
            user_id=user_id,
            provider_id=provider_id,
            mandate_id=mandate_id,
            role=role,
            expires_at=clock.now() + ttl,
        )
    )
    return token


async def peek_link(session: AsyncSession, token: str, purpose: str) -> PortalToken:
    """The live link behind ``token`` (locked), not yet used up: 404 unknown, 410 used or expired."""
    record = await PortalTokenRepository(session).by_token_for_update(digest(token)) if token else None
    if record is None or record.purpose != purpose:
        raise NotFound("This link is unknown.", code="link_unknown")
    if record.used_at is not None:
        raise LinkGone("This link was used already.", reason="used")
    if record.expires_at <= clock.now():
        raise LinkGone("This link has expired.", reason="expired")
    return record


async def redeem_link(session: AsyncSession, token: str, purpose: str) -> PortalToken:
    """Use the link up: it works once."""
    record = await peek_link(session, token, purpose)
    record.used_at = clock.now()
    await session.flush()
    return record
