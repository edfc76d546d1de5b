"""Opaque, time-ordered ids with a type prefix (``prv_01JD…``), as in Stripe.

The body is a ULID (48-bit millisecond time + 80 random bits, Crockford base32): ids sort by creation time,
which is what cursor pagination orders by, and they are unguessable.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Final

PREFIXES: Final = {
    "tenant": "ten",
    "api_key": "key",
    "provider": "prv",
    "portal_user": "usr",
    "membership": "mbr",
    "staff_user": "stf",
    "mandate": "mdt",
    "invoice": "inv",
    "event": "evt",
    "webhook_endpoint": "whe",
    "webhook_delivery": "whd",
    "webhook_attempt": "wha",
    "audit_event": "aud",
    "outbox": "obx",
    "document": "doc",
    "portal_session": "pss",
    "portal_token": "ptk",
    "identity_proof": "idp",
    "staff_case": "cas",
    "staff_grant": "sag",
    "staff_session": "sts",
    "chorus_exchange": "chx",
}
_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(now_ms: int | None = None) -> str:
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(kind: str) -> str:
    return f"{PREFIXES[kind]}_{ulid()}"


_WELL_FORMED = re.compile(r"^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$")
ID_PATTERN = _WELL_FORMED.pattern


def is_well_formed(value: str) -> bool:
    """Could ``value`` be an id pdp issued? (Checked before any lookup: a malformed id is simply not found.)"""
    return bool(_WELL_FORMED.match(value))


def has_prefix(value: str, kind: str) -> bool:
    prefix = PREFIXES[kind] + "_"
    return value.startswith(prefix) and len(value) == len(prefix) + 26
