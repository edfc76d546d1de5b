"""Signing in to the portal: by password, or by a link e-mailed on request. Callers own the transaction.

Both answer the same whether or not the e-mail address has an account: a password sign-in does the same argon2
work for an unknown address (``passwords.verify_password``) and fails with the same words; a link request only
stages a job (:mod:`pdp.tenants.accounts.sign_in_links`), which looks the address up later, out of the request.

Every sign-in, and every failed one, is in the audit log. A failure is recorded as the system's act on the user
it named (or, for an unknown address, on a digest of that address: the log keeps no mistyped e-mails).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import outbox
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import RateLimited, Unauthenticated, ValidationFailed
from pdp.tenants.accounts import passwords, sessions
from pdp.tenants.accounts.guards import SignInGuards
from pdp.tenants.accounts.models import PortalUser
from pdp.tenants.accounts.portal_repository import PortalUserRepository
from pdp.tenants.common import normalize_email

PORTAL = Actor("system", "portal")
LINK_JOB = "portal.sign_in_link"


@dataclass(frozen=True, slots=True)
class Client:
    """Where an attempt comes from (for the throttles, the session row and the audit log)."""

    tenant_id: str
    ip: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: PortalUser
    token: str  # the session cookie's value


class SignInRefused(Unauthenticated):
    """Wrong e-mail or password (which of the two is never said)."""

    default_code = "sign_in_refused"
    title = "Wrong e-mail address or password"


def _address_key(client: Client) -> str:
    return f"{client.tenant_id}:{client.ip}"


def email_key(tenant_id: str, email: str) -> str:
    """The e-mail as the throttles and the audit log know it: a digest, never the address."""
    return hashlib.sha256(f"{tenant_id}:{email}".encode()).hexdigest()[:32]


def _valid_email(raw: str) -> str | None:
    try:
        return normalize_email(raw)
    except ValidationFailed:
        return None


def _throttled(retry_after: int) -> RateLimited:
    error = RateLimited("Too many sign-in attempts; wait before trying again.", code="sign_in_throttled")
    error.headers = {"Retry-After": str(retry_after)}
    return error


async def _refuse(session: AsyncSession, user: PortalUser | None, key: str, reason: str, client: Client) -> None:
    target = ("portal_user", user.id) if user is not None else ("portal_email", key)
    await AuditRepository(session).append(
        PORTAL, "portal_user.sign_in_failed", *target, {"method": "password", "reason": reason, "ip": client.ip}
    )


async def sign_in_with_password(
    session: AsyncSession,
    guards: SignInGuards,
    lifetimes: sessions.Lifetimes,
    client: Client,
    *,
    email: str,
    password: str,
) -> SignedIn:
    """A session for the user with this e-mail and password, or :class:`SignInRefused` (401, audited), or
    429 ``sign_in_throttled`` past the limits (checked before any work)."""
    raw_email, email = email, _valid_email(email) or email.strip().lower()[:254]
    key = email_key(client.tenant_id, email)
    for throttle, subject in ((guards.password_by_email, key), (guards.password_by_address, _address_key(client))):
        verdict = await throttle.check(subject)
        if not verdict.allowed:
            raise _throttled(verdict.retry_after)
    user = await PortalUserRepository(session).by_email(email) if _valid_email(raw_email) else None
    usable = user is not None and user.status == "active"
    if not await passwords.verify_password(user.password_hash if usable and user else None, password):
        await guards.password_by_email.count(key)
        await guards.password_by_address.count(_address_key(client))
        await _refuse(session, user, key, "inactive" if user is not None and not usable else "mismatch", client)
        raise SignInRefused("Wrong e-mail address or password.")
    assert user is not None and user.password_hash is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(password)
    await guards.password_by_email.clear(key)
    return await open_signed_in(session, user, "password", lifetimes, client)


async def open_signed_in(
    session: AsyncSession, user: PortalUser, method: str, lifetimes: sessions.Lifetimes, client: Client
) -> SignedIn:
    """Open the session and record the sign-in (``portal_user.signed_in``)."""
    token = await sessions.open_session(session, user, method, lifetimes, ip=client.ip, user_agent=client.user_agent)
    await AuditRepository(session).append(
        Actor("portal_user", user.id),
        "portal_user.signed_in",
        "portal_user",
        user.id,
        {"method": method, "ip": client.ip},
    )
    return SignedIn(user, token)


async def request_sign_in_link(
    session: AsyncSession, guards: SignInGuards, client: Client, raw_email: str, suite: str
) -> None:
    """Stage the e-mail of a sign-in link to ``raw_email`` (sent iff an active user has that address): the
    request's answer is the same either way. 429 ``sign_in_throttled`` past the limits; 422 for a malformed
    address (the form says so: that reveals nothing about accounts)."""
    email = normalize_email(raw_email)
    key = email_key(client.tenant_id, email)
    for throttle, subject in ((guards.link_by_email, key), (guards.link_by_address, _address_key(client))):
        verdict = await throttle.check(subject)
        if not verdict.allowed:
            raise _throttled(verdict.retry_after)
        await throttle.count(subject)
    outbox.add(session, LINK_JOB, email=email, suite=suite)


async def sign_in_with_link(
    session: AsyncSession, token: str, lifetimes: sessions.Lifetimes, client: Client
) -> SignedIn:
    """Use an e-mailed sign-in link up (404 unknown, 410 used or expired) and open a session for its user."""
    link = await sessions.redeem_link(session, token, "sign_in")
    user = await PortalUserRepository(session).find(link.user_id) if link.user_id else None
    if user is None or user.status != "active":
        raise Unauthenticated("This portal account is disabled.", code="portal_user_inactive")
    return await open_signed_in(session, user, "magic_link", lifetimes, client)
