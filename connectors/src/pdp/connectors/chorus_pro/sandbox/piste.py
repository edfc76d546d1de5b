"""The PISTE gateway in front of Chorus (docs/chorus-pro-api.md §1): OAuth2 client credentials, bearer tokens, the
application's API subscriptions, the ``cpro-account`` technical account and its password's expiry, and a
request-rate limit per PISTE application (PISTE's real quotas are not published; the limit is the emulator's knob
so tests can prove pdp stays under one)."""

from __future__ import annotations

import base64
import binascii
import collections
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import msgspec

from pdp.connectors.chorus_pro.sandbox.clock import iso_millis
from pdp.connectors.chorus_pro.sandbox.directory import Account
from pdp.connectors.chorus_pro.sandbox.replies import Reply, json_reply
from pdp.connectors.chorus_pro.sandbox.state import SandboxState

ACCOUNT_REFUSED = 'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
# Not documented: what PISTE says of an expired or unknown token (RFC 6750's ``invalid_token`` here). A client must
# not rely on it: pdp refreshes its token on any 401 and only words its error from the challenge.
TOKEN_REFUSED = (
    'Bearer realm="PISTE",error="invalid_token",'  # noqa: S105 - a challenge text, not a secret
    'error_description="The access token is invalid or has expired"'
)


def token_endpoint(state: SandboxState, body: bytes) -> Reply:
    """``POST /api/oauth/token`` with a form body: a bearer token, or 400 ``invalid_client``."""
    form = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
    if form.get("grant_type") != "client_credentials":
        return json_reply(
            400, {"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"}
        )
    application = state.directory.applications.get(form.get("client_id", ""))
    if application is None or not secrets.compare_digest(application.client_secret, form.get("client_secret", "")):
        return json_reply(400, {"error": "invalid_client", "error_description": "Client authentication failed"})
    token = secrets.token_urlsafe(32)
    # ``expires_in`` is real seconds to the client: on a sped-up clock the token lives as many virtual seconds
    # more, so a demo does not fetch a new token every second.
    lifetime = state.settings.token_lifetime
    state.tokens[token] = (application.client_id, state.clock.timestamp() + lifetime * state.clock.speed)
    reply = json_reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": "openid"})
    reply.client_id = application.client_id
    return reply


def bearer(state: SandboxState, authorization: str) -> tuple[str | None, bool]:
    """``(client id, still valid)`` for an ``Authorization`` header; an expired token still names its client."""
    scheme, _, token = authorization.partition(" ")
    known = state.tokens.get(token) if scheme.lower() == "bearer" else None
    if known is None:
        return None, False
    client_id, expires_at = known
    return client_id, state.clock.timestamp() < expires_at


def expire_tokens(state: SandboxState) -> int:
    """Invalidate every issued token (they keep naming their client, for the ledger)."""
    for token, (client_id, _) in state.tokens.items():
        state.tokens[token] = (client_id, 0.0)
    return len(state.tokens)


def subscribed(state: SandboxState, client_id: str, path: str) -> bool:
    """Whether the application may call ``path``: subscribed to its API, with the API's terms of use accepted."""
    application = state.directory.applications.get(client_id)
    if application is None or application.apis is None:
        return True
    return path.removeprefix("/cpro/").split("/", 1)[0] in application.apis


def not_subscribed() -> Reply:
    """PISTE's 403 for an API the application may not call: an empty body, no content type (OCA issues #410 and
    #349 show the empty body; that a missing subscription or CGU consent is its cause is the operators' reading,
    not documented by the AIFE)."""
    return Reply(403, b"", [])


def technical_account(state: SandboxState, header: str) -> Account | None:
    """The account the header names, or ``None`` when unknown, the password wrong, or the password expired.

    Not documented: how Chorus answers an expired password. The emulator answers as for a wrong one (the same
    401 and challenge), which is what a client must handle anyway."""
    try:
        login, _, password = base64.b64decode(header, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, ValueError):
        return None
    account = state.directory.account(login, password)
    if account is None or password_expired(state, account):
        return None
    return account


def password_expired(state: SandboxState, account: Account) -> bool:
    expires = state.directory.password_expiry.get(account.login)
    return expires is not None and expires <= state.clock.now()


def password_expiry_of(state: SandboxState, caller: Account, structure_id: int) -> str | None:
    """``dateExpirationMotPasseCompteTech`` of a structure, as the caller sees it: its own account's expiry when the
    structure is its own, else null (whose password expires when is not a third party's business; unverified).

    Format: the Swagger says ``date-time`` only; the emulator writes ISO 8601 with milliseconds and offset, like
    Chorus's other timestamps (unverified for this field)."""
    if structure_id != caller.structure_id:
        return None
    expires = state.directory.password_expiry.get(caller.login)
    return iso_millis(expires) if expires is not None else None


class PasswordChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``POST /_sandbox/accounts/{login}/password``: what the structure's main manager does on Chorus Pro.

    ``password`` renews it (a new password lasts :data:`RENEWAL_DAYS` unless told otherwise); ``expires_at``
    (ISO, Paris time without an offset) or ``expires_in_days`` (from the virtual now) sets its expiry;
    ``never_expires`` removes it."""

    password: str | None = None
    expires_at: datetime | None = None
    expires_in_days: float | None = None
    never_expires: bool = False


# "Le mot de passe de l'utilisateur technique doit être modifié tous les 424 jours" (Chorus Pro community page
# "Utilisateurs API : comment changer votre mot de passe technique ?").
RENEWAL_DAYS = 424


def change_password(state: SandboxState, login: str, body: bytes) -> dict[str, Any]:
    """Apply a :class:`PasswordChange` to the account ``login``; lasts until a reset (not kept on disk)."""
    change = msgspec.json.decode(body or b"{}", type=PasswordChange)
    directory = state.directory
    account = directory.accounts.get(login)
    if account is None:
        raise ValueError(f"no technical account {login!r}")
    expires: datetime | None = directory.password_expiry.get(login)
    if change.password is not None:
        if not change.password:
            raise ValueError("a password cannot be empty")
        directory.accounts[login] = Account(login, change.password, account.structure_id)
        expires = state.clock.now() + timedelta(days=RENEWAL_DAYS)
    if change.expires_at is not None:
        expires = change.expires_at
    if change.expires_in_days is not None:
        expires = state.clock.now() + timedelta(days=change.expires_in_days)
    if change.never_expires:
        expires = None
    directory.set_password_expiry(login, expires)
    stored = directory.password_expiry.get(login)
    return {"login": login, "password_expires": iso_millis(stored) if stored else None}


def refusal(challenge: str) -> Reply:
    return Reply(401, b"", [(b"www-authenticate", challenge.encode())])


class RateLimiter:
    """At most ``limit`` accepted requests per client in any sliding second (real time)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)

    def allow(self, client_id: str, limit: int) -> bool:
        if limit <= 0:
            return True
        now = self._clock()
        seen = self._seen[client_id]
        while seen and now - seen[0] >= 1.0:
            seen.popleft()
        if len(seen) >= limit:
            return False
        seen.append(now)
        return True

    def clear(self) -> None:
        self._seen.clear()
