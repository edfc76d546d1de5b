"""MAC keys derived from ``PDP_MASTER_KEYS``, one family per purpose: what pdp signs or digests with a secret the
database never holds.

Each purpose has its own HKDF-SHA256 label, so a key that signs a cookie never digests a postal code, and neither
is the envelope's key-encryption key. The first master key signs; every master key still verifies, so a value
made before a rotation checks until its master key leaves ``PDP_MASTER_KEYS``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class DerivedKeys:
    """HMAC-SHA256 under the keys derived for ``label`` (``pdp/<purpose>/v1``) from every master key."""

    def __init__(self, master_keys: str, label: str) -> None:
        self._keys: list[bytes] = []
        for entry in filter(None, (part.strip() for part in master_keys.split(","))):
            kid, _, material = entry.partition(":")
            master = base64.b64decode(material)
            if not kid or len(master) != 32:
                raise ValueError("each master key must be 'kid:base64(32 bytes)'")
            derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(master)
            self._keys.append(derived)
        if not self._keys:
            raise ValueError(f"PDP_MASTER_KEYS is empty: no key for {label}")

    def mac(self, message: str) -> str:
        """Hex HMAC of ``message`` under the first master key's derived key."""
        return hmac.new(self._keys[0], message.encode(), hashlib.sha256).hexdigest()

    def verify(self, message: str, mac: str) -> bool:
        """Whether ``mac`` is ``message``'s under any master key (constant time for each)."""
        found = False
        for key in self._keys:
            found |= hmac.compare_digest(hmac.new(key, message.encode(), hashlib.sha256).hexdigest(), mac)
        return found
