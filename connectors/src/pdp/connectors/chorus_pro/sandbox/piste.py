"""The PISTE gateway in front of Chorus (docs/chorus-pro-api.md §1): OAuth2 client credentials, bearer tokens, the
``cpro-account`` technical account, and a request-rate limit per PISTE application (PISTE's real quotas are
not published; the limit is the emulator's knob so tests can prove pdp stays under one)."""

from __future__ import annotations

import base64
import binascii
import collections
import secrets
import time
from collections.abc import Callable
from urllib.parse import parse_qs

from pdp.connectors.chorus_pro.sandbox.directory import Account
from pdp.connectors.chorus_pro.sandbox.replies import Reply, json_reply
from pdp.connectors.chorus_pro.sandbox.state import SandboxState

ACCOUNT_REFUSED = 'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
# Not documented: what PISTE says of an expired or unknown token. It must not mention the login or password,
# because that is how a client tells "refresh the token" from "the technical account is wrong".
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


def technical_account(state: SandboxState, header: str) -> Account | None:
    try:
        login, _, password = base64.b64decode(header, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, ValueError):
        return None
    return state.directory.account(login, password)


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
