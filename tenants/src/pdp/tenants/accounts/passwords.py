"""Portal passwords: argon2id (argon2-cffi's defaults, RFC 9106's second recommended set: 64 MiB, 3 passes,
4 lanes), hashed and checked in a worker thread (a quarter of a second of CPU must not stall the event loop)."""

from __future__ import annotations

import asyncio
import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import ValidationFailed
from pdp.tenants.accounts.models import PortalUser

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 takes any length; a megabyte "password" is only a way to burn CPU
_HASHER = PasswordHasher()


@functools.cache
def _stand_in_hash() -> str:
    """A hash no password matches, checked when the e-mail is unknown: the answer takes as long as for a user."""
    return _HASHER.hash(secrets.token_urlsafe(32))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_HASHER.hash, password)


def _matches(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; with no stored hash, the same work is done and the answer is no."""
    if len(password) > MAX_LENGTH:
        # No stored password is that long (set_password refuses it): hash a bounded part, for the time only.
        password, stored = password[:MAX_LENGTH], None
    if stored is None:
        await asyncio.to_thread(_matches, _stand_in_hash(), password)
        return False
    return await asyncio.to_thread(_matches, stored, password)


def needs_rehash(stored: str) -> bool:
    """The hash was made with other parameters than today's: rehash it at the next successful sign-in."""
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def check_new_password(password: str, confirmation: str, email: str) -> None:
    """422 with each problem in French (``message_fr``) and English (``message``), for the form to show."""
    problems: list[tuple[str, str]] = []
    if password != confirmation:
        problems.append(("The two passwords differ.", "Les deux mots de passe ne sont pas identiques."))
    if len(password) < MIN_LENGTH:
        problems.append((f"Use at least {MIN_LENGTH} characters.", f"Choisissez au moins {MIN_LENGTH} caractères."))
    if len(password) > MAX_LENGTH:
        problems.append((f"Use at most {MAX_LENGTH} characters.", f"Choisissez au plus {MAX_LENGTH} caractères."))
    if password.strip().lower() == email.lower():
        problems.append(("Your e-mail address is not a password.", "Votre adresse e-mail n'est pas un mot de passe."))
    if problems:
        raise ValidationFailed(
            "The new password was refused.",
            code="password_refused",
            errors=[
                {"rule": "PDP-PASSWORD", "severity": "error", "message": en, "message_fr": fr, "path": "$.password"}
                for en, fr in problems
            ],
        )


async def set_password(session: AsyncSession, user: PortalUser, password: str, actor: Actor) -> None:
    """Store ``password`` (already checked) for ``user``; audited ``portal_user.password_set``."""
    had_one = user.password_hash is not None
    user.password_hash = await hash_password(password)
    await session.flush()
    await AuditRepository(session).append(
        actor, "portal_user.password_set", "portal_user", user.id, {"replaced": had_one}
    )
