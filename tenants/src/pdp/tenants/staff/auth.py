"""Staff sign in to the console with a password (argon2) and a TOTP code, both mandatory, in one step.

There is no staff sign-in without a code: a staff account gets its TOTP secret when it is created (printed once
by ``pdp staff create``, sealed in its row), and its password and code are checked together, with one answer for
every failure, so the form tells a guesser nothing. Guessing is limited in Redis: 5 failures per e-mail address
and 20 per client address in 15 minutes; a code is accepted once. A console session ends after
``PDP_STAFF_IDLE_MINUTES`` without a request and at most 12 hours after signing in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock, ids
from pdp.platform.attempts import StepLedger, Throttle
from pdp.platform.errors import RateLimited, Unauthenticated
from pdp.platform.logging import get_logger
from pdp.platform.security.envelope import Envelope
from pdp.tenants.accounts.models import StaffUser
from pdp.tenants.accounts.passwords import hash_password, verify_password
from pdp.tenants.staff.models import StaffSession

log = get_logger("pdp.staff")
WINDOW_SECONDS = 15 * 60
MAXIMUM_AGE = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=30)  # last_seen_at is written at most this often
REFUSED = "E-mail, password or code not recognised."


class SignInRefused(Unauthenticated):
    default_code = "staff_sign_in_refused"
    title = REFUSED


class SessionEnded(Unauthenticated):
    default_code = "staff_session_invalid"
    title = "Sign in to the console."


@dataclass(frozen=True, slots=True)
class StaffGuards:
    by_email: Throttle
    by_address: Throttle
    steps: StepLedger

    @classmethod
    def on(cls, redis: Any) -> StaffGuards:
        return cls(
            by_email=Throttle(redis, "staff:email", limit=5, window_seconds=WINDOW_SECONDS),
            by_address=Throttle(redis, "staff:ip", limit=20, window_seconds=WINDOW_SECONDS),
            steps=StepLedger(redis, "staff:totp", keep_seconds=120),
        )


def _secret_context(staff_id: str) -> str:
    return f"staff-totp:{staff_id}"


def seal_totp(staff_id: str, secret: str, envelope: Envelope) -> str:
    """A staff member's TOTP secret as stored: encrypted, bound to their id."""
    return envelope.encrypt(secret, context=_secret_context(staff_id))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewStaff:
    """What ``pdp staff create`` prints once: the account, its first password and its TOTP secret."""

    staff: StaffUser
    password: str
    totp_secret: str

    @property
    def totp_uri(self) -> str:
        return pyotp.TOTP(self.totp_secret).provisioning_uri(name=self.staff.email, issuer_name="pdp console")


async def new_staff(email: str, full_name: str, role: str, envelope: Envelope) -> NewStaff:
    """A staff account with a generated password and TOTP secret (the caller inserts it, as the owner)."""
    staff_id = ids.new_id("staff_user")
    password, secret = secrets.token_urlsafe(15), pyotp.random_base32()
    staff = StaffUser(
        id=staff_id,
        email=email.strip().lower(),
        full_name=full_name.strip(),
        role=role,
        password_hash=await hash_password(password),
        totp_secret_enc=seal_totp(staff_id, secret, envelope),
        totp_enabled_at=clock.now(),
    )
    return NewStaff(staff, password, secret)


def _code_step(secret: str, code: str) -> int | None:
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp, now = pyotp.TOTP(secret), clock.now()
    for offset in (-1, 0, 1):  # a phone's clock drifts: one step early or late
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return totp.timecode(now) + offset
    return None


async def sign_in(
    session: AsyncSession,
    guards: StaffGuards,
    envelope: Envelope,
    *,
    email: str,
    password: str,
    code: str,
    address: str,
) -> str:
    """Check the password and the code together; returns a new session's token (for the cookie, never stored)."""
    email = email.strip().lower()
    for throttle, key in ((guards.by_email, email), (guards.by_address, address)):
        verdict = await throttle.check(key)
        if not verdict.allowed:
            error = RateLimited("Too many failed sign-ins; wait before trying again.", code="staff_sign_in_throttled")
            error.headers = {"Retry-After": str(verdict.retry_after)}
            raise error
    staff = (await session.execute(select(StaffUser).where(StaffUser.email == email))).scalar_one_or_none()
    password_ok = await verify_password(staff.password_hash if staff else None, password)
    step = None
    if staff is not None and password_ok and staff.totp_secret_enc and staff.disabled_at is None:
        secret = envelope.decrypt(staff.totp_secret_enc, context=_secret_context(staff.id))
        step = _code_step(secret, code)
    if staff is None or step is None or not await guards.steps.advance(staff.id, step):
        await guards.by_email.count(email)
        await guards.by_address.count(address)
        log.warning("staff.sign_in_refused", email_sha256=_digest(email)[:16], address=address)
        raise SignInRefused()
    await guards.by_email.clear(email)
    token, now = secrets.token_urlsafe(32), clock.now()
    session.add(
        StaffSession(
            id=ids.new_id("staff_session"),
            staff_id=staff.id,
            token_sha256=_digest(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + MAXIMUM_AGE,
        )
    )
    log.info("staff.signed_in", staff_id=staff.id)
    return token


async def resume(session: AsyncSession, token: str, idle: timedelta) -> StaffUser:
    """The staff member behind a console cookie, or 401 when the session ended (idle, too old, signed out)."""
    record = (
        await session.execute(select(StaffSession).where(StaffSession.token_sha256 == _digest(token)))
    ).scalar_one_or_none()
    now = clock.now()
    if record is None or record.revoked_at is not None or record.expires_at <= now or record.last_seen_at + idle <= now:
        raise SessionEnded()
    staff = await session.get(StaffUser, record.staff_id)
    if staff is None or staff.disabled_at is not None:
        raise SessionEnded("This staff account is disabled.")
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
    return staff


async def sign_out(session: AsyncSession, token: str) -> None:
    record = (
        await session.execute(select(StaffSession).where(StaffSession.token_sha256 == _digest(token)))
    ).scalar_one_or_none()
    if record is not None and record.revoked_at is None:
        record.revoked_at = clock.now()
