"""API key material: ``pdp_<mode>_<43 chars of base62>``, ≥ 256 bits of randomness.

Only the SHA-256 is stored: at this entropy a slow hash adds nothing, and a fast one lets authentication look
the key up by an index. The last four characters are kept as a hint for humans.
"""

from __future__ import annotations

import hashlib
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
_BODY_LENGTH = 43  # 62**43 ≈ 2**256
MODES = ("test", "live")


def generate(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown API key mode {mode!r}")
    return f"pdp_{mode}_" + "".join(secrets.choice(_ALPHABET) for _ in range(_BODY_LENGTH))


def digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def looks_like_key(raw_key: str) -> bool:
    mode, _, body = raw_key.removeprefix("pdp_").partition("_")
    return raw_key.startswith("pdp_") and mode in MODES and len(body) == _BODY_LENGTH and body.isalnum()


def hint(raw_key: str) -> str:
    return raw_key[-4:]
