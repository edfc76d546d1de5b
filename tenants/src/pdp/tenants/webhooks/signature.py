"""``PDP-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`` (docs/api.md § Webhooks).

The HMAC key is the whole secret string as shown at creation (``whsec_…``), UTF-8 encoded, as Stripe does.
Receivers call :func:`verify` on the raw request body, before parsing it: re-serialised JSON would not match.
The timestamp is signed too, so an old delivery replayed by an attacker fails the tolerance check.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "PDP-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The header is missing or malformed, no ``v1`` signature matches, or the timestamp is out of tolerance."""


def compute(secret: str, timestamp: int, body: bytes) -> str:
    """The hex ``v1`` signature of ``body`` sent at ``timestamp``."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header_value(secret: str, body: bytes, timestamp: int | None = None, *, previous: str | None = None) -> str:
    """The ``PDP-Signature`` value for ``body``, signed now unless ``timestamp`` is given.

    While a rotated-out ``previous`` secret still signs, its ``v1`` follows the current one's (as Stripe does
    during a roll): a receiver checking with either secret finds its match.
    """
    sent_at = int(time.time()) if timestamp is None else timestamp
    value = f"t={sent_at},v1={compute(secret, sent_at, body)}"
    if previous is not None:
        value += f",v1={compute(previous, sent_at, body)}"
    return value


def verify(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Check a ``PDP-Signature`` header against the raw ``body``; returns the signed timestamp.

    Accepts any of several ``v1`` values (room for secret rotation) and compares in constant time. Raises
    :class:`SignatureError` when nothing matches or when the timestamp is more than ``tolerance`` seconds away
    from ``now`` in either direction.
    """
    if not header:
        raise SignatureError(f"no {HEADER} header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError(f"malformed {HEADER} header")
    expected = compute(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureError("no signature matches the body")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("the signature's timestamp is outside the tolerance")
    return timestamp
