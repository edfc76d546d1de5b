"""Envelope encryption for secrets at rest (Chorus passwords, webhook secrets…).

Each value gets its own random data key (AES-256-GCM); the data key is wrapped by a key-encryption key (KEK)
from settings. The KEK id travels in the token, so KEKs can be rotated: new values use the first KEK, old
values still open with theirs. The ``context`` string is bound as associated data, so a ciphertext copied
onto another row (another tenant, another field) fails to open.

Token: ``v1.<kid>.<b64 wrapped-key nonce|ct>.<b64 data nonce|ct>``.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pdp.platform.errors import AppError
from pdp.platform.logging import get_logger

_VERSION = "v1"
log = get_logger("pdp.secrets")


class DecryptionError(Exception):
    pass


class SecretUnreadable(AppError):
    """A stored secret does not open: its row is corrupt or its master key left ``PDP_MASTER_KEYS``. A server-side
    data problem, not the client's and not transient (a retry fails the same way): 500 with a stable code, and a
    detail that says how the tenant can replace the secret."""

    default_code = "secret_unreadable"
    status = 500
    title = "A stored secret cannot be decrypted"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_master_key(kid: str = "k1") -> str:
    """A new ``kid:base64key`` entry for ``PDP_MASTER_KEYS``."""
    return f"{kid}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


class Envelope:
    def __init__(self, master_keys: str) -> None:
        self._keys: dict[str, AESGCM] = {}
        self._primary = ""
        for entry in filter(None, (part.strip() for part in master_keys.split(","))):
            kid, _, material = entry.partition(":")
            key = base64.b64decode(material)
            if not kid or "." in kid or len(key) != 32:
                raise ValueError("each master key must be 'kid:base64(32 bytes)'")
            self._keys[kid] = AESGCM(key)
            self._primary = self._primary or kid
        if not self._primary:
            raise ValueError("PDP_MASTER_KEYS is empty: no key to encrypt secrets with")

    def encrypt(self, plaintext: str, *, context: str) -> str:
        data_key = AESGCM.generate_key(bit_length=256)
        aad = context.encode()
        data_nonce, key_nonce = os.urandom(12), os.urandom(12)
        sealed = AESGCM(data_key).encrypt(data_nonce, plaintext.encode(), aad)
        wrapped = self._keys[self._primary].encrypt(key_nonce, data_key, aad)
        return ".".join((_VERSION, self._primary, _b64(key_nonce + wrapped), _b64(data_nonce + sealed)))

    @property
    def primary(self) -> str:
        """The id of the key new values are encrypted with (the first of ``PDP_MASTER_KEYS``)."""
        return self._primary

    def _open(self, token: str, context: str) -> tuple[bytes, bytes]:
        """(data key, sealed value) of ``token``; the value is not decrypted here."""
        try:
            version, kid, wrapped, sealed = token.split(".")
            if version != _VERSION or kid not in self._keys:
                raise DecryptionError(f"unknown key or token version: {version}.{kid}")
            key_blob = _unb64(wrapped)
            return self._keys[kid].decrypt(key_blob[:12], key_blob[12:], context.encode()), _unb64(sealed)
        except (ValueError, InvalidTag) as exc:
            raise DecryptionError("the secret cannot be decrypted with this key and context") from exc

    def decrypt(self, token: str, *, context: str) -> str:
        data_key, data_blob = self._open(token, context)
        try:
            return AESGCM(data_key).decrypt(data_blob[:12], data_blob[12:], context.encode()).decode()
        except (ValueError, InvalidTag) as exc:
            raise DecryptionError("the secret cannot be decrypted with this key and context") from exc

    def rewrap(self, token: str, *, context: str) -> str:
        """The same value under the primary key: only the data key is re-wrapped, the sealed value is kept.
        The value is opened first, so a token whose value part is corrupt is refused, not carried forward."""
        self.decrypt(token, context=context)
        data_key, data_blob = self._open(token, context)
        key_nonce = os.urandom(12)
        wrapped = self._keys[self._primary].encrypt(key_nonce, data_key, context.encode())
        return ".".join((_VERSION, self._primary, _b64(key_nonce + wrapped), _b64(data_blob)))

    def open_stored(
        self,
        token: str,
        *,
        context: str,
        table: str,
        tenant_id: str,
        row_id: str,
        detail: str,
        column: str | None = None,
    ) -> str:
        """``decrypt`` for a value read from a row: when it does not open, the row (and ``column``, for a table
        that seals more than one) is logged for the operator, never the token, and the caller gets
        :class:`SecretUnreadable` with ``detail``, which says what to do."""
        try:
            return self.decrypt(token, context=context)
        except DecryptionError as exc:
            where = {"table": table, "tenant_id": tenant_id, "row_id": row_id} | ({"column": column} if column else {})
            log.error("secret.unreadable", **where, reason=str(exc))
            raise SecretUnreadable(detail) from exc

    def needs_rotation(self, token: str) -> bool:
        parts = token.split(".")
        return len(parts) != 4 or parts[1] != self._primary
