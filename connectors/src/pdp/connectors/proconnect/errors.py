"""ProConnect's failures: unreachable (try again in a moment) or refused (this sign-in cannot be completed)."""

from __future__ import annotations

from pdp.platform.errors import AppError


class ProConnectError(AppError):
    """The identity provider refused the exchange, or answered something that does not check (a token with a bad
    signature, another issuer or audience, a stale nonce): this sign-in is over, the person starts again."""

    default_code = "proconnect_refused"
    status = 502
    title = "ProConnect did not confirm this sign-in"


class ProConnectUnavailable(ProConnectError):
    """No usable answer now (connection, timeout, 5xx): the same sign-in may work in a moment."""

    default_code = "proconnect_unavailable"
    status = 503
    title = "ProConnect is unavailable; retry in a moment"
    transient = True
