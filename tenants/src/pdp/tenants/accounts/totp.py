"""The portal's second factor: a TOTP code (RFC 6238: 6 digits, 30-second steps) from an authenticator app.

Set up in two steps: pdp draws a secret and shows it (QR code and text) sealed in the form (envelope-encrypted,
bound to the user: a page of another user cannot confirm it), and the user confirms with a code before it is
stored — encrypted with the user's row as associated data, so a secret copied onto another row does not open.
A code is accepted one step early or late (phones' clocks drift), once: its step, or an earlier one, is refused
afterwards (:class:`pdp.platform.attempts.StepLedger`); 5 wrong codes in 15 minutes hold the user's codes.
Enabling, disabling and failing are audited.
"""

from __future__ import annotations

import hmac
import io
from dataclasses import dataclass

import pyotp
import segno
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import Conflict, RateLimited, ValidationFailed
from pdp.platform.security.envelope import DecryptionError, Envelope
from pdp.tenants.accounts.guards import SignInGuards
from pdp.tenants.accounts.models import PortalUser

DRIFT_STEPS = 1


class CodeRefused(ValidationFailed):
    default_code = "totp_code_refused"
    title = "This code is not valid"


def secret_context(user: PortalUser) -> str:
    return f"portal-user-totp:{user.tenant_id}:{user.id}"


def _pending_context(user: PortalUser) -> str:
    return f"portal-user-totp-pending:{user.tenant_id}:{user.id}"


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A secret drawn for ``user``, not stored yet: shown, and carried sealed by the confirmation form."""

    secret: str
    sealed: str
    uri: str

    def qr_svg(self) -> str:
        """The provisioning URI as an inline SVG QR code (pdp draws it: no image service sees the secret)."""
        out = io.BytesIO()
        segno.make(self.uri, error="m").save(
            out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, svgclass="qr", lineclass=None, omitsize=True
        )
        return out.getvalue().decode()

    @property
    def grouped_secret(self) -> str:
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


def start_enrolment(user: PortalUser, envelope: Envelope, issuer: str) -> Enrolment:
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    return Enrolment(secret, envelope.encrypt(secret, context=_pending_context(user)), uri)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to, within the allowed drift; None when it matches none."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = clock.now()
    current = totp.timecode(now)
    found = None
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            found = current + offset
    return found


async def _check(session: AsyncSession, guards: SignInGuards, user: PortalUser, secret: str, code: str) -> None:
    subject = f"{user.tenant_id}:{user.id}"
    verdict = await guards.code_by_user.check(subject)
    if not verdict.allowed:
        error = RateLimited("Too many wrong codes; wait before trying again.", code="totp_throttled")
        error.headers = {"Retry-After": str(verdict.retry_after)}
        raise error
    step = _matching_step(secret, code)
    if step is None or not await guards.totp_steps.advance(subject, step):
        await guards.code_by_user.count(subject)
        reason = "mismatch" if step is None else "reused"
        await AuditRepository(session).append(
            Actor("portal_user", user.id), "portal_user.totp_failed", "portal_user", user.id, {"reason": reason}
        )
        raise CodeRefused("This code is not valid (or was used already).")
    await guards.code_by_user.clear(subject)


async def confirm_enrolment(
    session: AsyncSession, guards: SignInGuards, envelope: Envelope, user: PortalUser, *, sealed: str, code: str
) -> None:
    """Store the secret of ``sealed`` once ``code`` proves the app has it; audited ``portal_user.totp_enabled``."""
    if user.totp_enabled_at is not None:
        raise Conflict("Two-step sign-in is already on.", code="totp_already_enabled")
    try:
        secret = envelope.decrypt(sealed, context=_pending_context(user))
    except DecryptionError:
        raise ValidationFailed(
            "The set-up form is not this user's; reload it.", code="totp_enrolment_invalid"
        ) from None
    await _check(session, guards, user, secret, code)
    user.totp_secret_enc = envelope.encrypt(secret, context=secret_context(user))
    user.totp_enabled_at = clock.now()
    await session.flush()
    await AuditRepository(session).append(
        Actor("portal_user", user.id), "portal_user.totp_enabled", "portal_user", user.id
    )


def _stored_secret(user: PortalUser, envelope: Envelope) -> str:
    assert user.totp_secret_enc is not None
    return envelope.open_stored(
        user.totp_secret_enc,
        context=secret_context(user),
        table="portal_users",
        tenant_id=user.tenant_id,
        row_id=user.id,
        detail="The two-step sign-in secret of this account cannot be read; the operator is alerted.",
    )


async def verify_code(
    session: AsyncSession, guards: SignInGuards, envelope: Envelope, user: PortalUser, code: str
) -> None:
    """Accept ``code`` for ``user``'s stored secret, or raise :class:`CodeRefused` (422) / 429."""
    if user.totp_enabled_at is None or user.totp_secret_enc is None:
        raise Conflict("Two-step sign-in is not set up.", code="totp_not_enabled")
    await _check(session, guards, user, _stored_secret(user, envelope), code)


async def disable(session: AsyncSession, guards: SignInGuards, envelope: Envelope, user: PortalUser, code: str) -> None:
    """Turn the second factor off, proved by a current code; audited ``portal_user.totp_disabled``."""
    await verify_code(session, guards, envelope, user, code)
    user.totp_secret_enc = None
    user.totp_enabled_at = None
    await session.flush()
    await AuditRepository(session).append(
        Actor("portal_user", user.id), "portal_user.totp_disabled", "portal_user", user.id
    )
