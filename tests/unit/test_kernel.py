"""Pure kernel pieces: ids, settings, envelope encryption, API key material."""

from __future__ import annotations

import pytest

from pdp.platform import ids
from pdp.platform.security import apikeys
from pdp.platform.security.envelope import DecryptionError, Envelope, generate_master_key
from pdp.platform.settings import describe, load_settings


def test_ids_are_prefixed_unique_and_time_ordered() -> None:
    first = ids.new_id("provider")
    later = [ids.ulid(now_ms=ms) for ms in (1, 2, 10_000)]
    assert first.startswith("prv_") and len(first) == 30
    assert ids.has_prefix(first, "provider") and not ids.has_prefix(first, "invoice")
    assert later == sorted(later)
    assert len({ids.new_id("invoice") for _ in range(10_000)}) == 10_000


def test_settings_read_pdp_variables_with_types() -> None:
    settings = load_settings({"PDP_PORT": "9001", "PDP_LOG_JSON": "true", "PDP_S3_BUCKET": "b", "OTHER": "x"})
    assert (settings.port, settings.log_json, settings.s3_bucket) == (9001, True, "b")
    assert settings.owner_url == settings.database_url
    with pytest.raises(ValueError, match="PDP_"):
        load_settings({"PDP_PORT": "not-a-number"})
    names = [name for name, _, _ in describe()]
    assert "PDP_DATABASE_URL" in names and all(n.startswith("PDP_") for n in names)


def test_envelope_round_trip_binds_context_and_rotates() -> None:
    old = generate_master_key("k1")
    envelope = Envelope(old)
    token = envelope.encrypt("s3cret-password", context="provider:prv_1:chorus")
    assert "s3cret" not in token
    assert envelope.decrypt(token, context="provider:prv_1:chorus") == "s3cret-password"
    with pytest.raises(DecryptionError):
        envelope.decrypt(token, context="provider:prv_2:chorus")  # copied onto another row
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        envelope.decrypt(tampered, context="provider:prv_1:chorus")
    rotated = Envelope(generate_master_key("k2") + "," + old)
    assert rotated.decrypt(token, context="provider:prv_1:chorus") == "s3cret-password"
    assert rotated.needs_rotation(token)
    assert not rotated.needs_rotation(rotated.encrypt("x", context="c"))
    with pytest.raises(DecryptionError):
        Envelope(generate_master_key("k3")).decrypt(token, context="provider:prv_1:chorus")
    with pytest.raises(ValueError):
        Envelope("")


def test_api_keys_are_prefixed_random_and_hashed() -> None:
    key = apikeys.generate("test")
    assert key.startswith("pdp_test_") and apikeys.looks_like_key(key)
    assert apikeys.generate("test") != key
    assert apikeys.digest(key) != key and len(apikeys.digest(key)) == 64
    assert not apikeys.looks_like_key("pdp_prod_" + key[9:])
    with pytest.raises(ValueError):
        apikeys.generate("prod")
