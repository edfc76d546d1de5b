"""The receivers' signature check, and the URL and address rules that keep webhooks off private networks."""

from __future__ import annotations

import ipaddress
import time

import pytest

from pdp.platform.errors import ValidationFailed
from pdp.platform.settings import load_settings
from pdp.tenants.webhooks import egress, signature

SECRET = "whsec_test"
BODY = b'{"id":"evt_1","type":"invoice.created"}'


def test_a_signed_body_verifies_and_anything_else_does_not() -> None:
    header = signature.header_value(SECRET, BODY)
    assert signature.verify(SECRET, header, BODY) == int(header.split(",")[0][2:])
    for secret, head, body in [
        ("whsec_other", header, BODY),
        (SECRET, header, BODY + b" "),
        (SECRET, header.replace("v1=", "v0="), BODY),
        (SECRET, "garbage", BODY),
        (SECRET, None, BODY),
    ]:
        with pytest.raises(signature.SignatureError):
            signature.verify(secret, head, body)


def test_the_signature_is_the_contracts_hmac_and_old_timestamps_are_refused() -> None:
    import hashlib
    import hmac

    sent_at = int(time.time()) - 400
    header = signature.header_value(SECRET, BODY, timestamp=sent_at)
    expected = hmac.new(SECRET.encode(), f"{sent_at}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={sent_at},v1={expected}"
    with pytest.raises(signature.SignatureError, match="tolerance"):
        signature.verify(SECRET, header, BODY)
    assert signature.verify(SECRET, header, BODY, tolerance=600) == sent_at
    rotated = f"t={sent_at},v1={'0' * 64},v1={expected}"  # several signatures: any one may match
    assert signature.verify(SECRET, rotated, BODY, tolerance=600) == sent_at


def test_during_a_rotation_the_header_carries_the_new_signature_then_the_former_one() -> None:
    sent_at = int(time.time())
    header = signature.header_value(SECRET, BODY, timestamp=sent_at, previous="whsec_former")
    new, former = (signature.compute(s, sent_at, BODY) for s in (SECRET, "whsec_former"))
    assert header == f"t={sent_at},v1={new},v1={former}"
    for secret in (SECRET, "whsec_former"):  # a receiver holding either one accepts it
        assert signature.verify(secret, header, BODY) == sent_at
    with pytest.raises(signature.SignatureError):
        signature.verify("whsec_other", header, BODY)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
     "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "224.0.0.1"],
)  # fmt: skip
def test_non_public_addresses_are_recognised(address: str) -> None:
    assert not egress.is_public(ipaddress.ip_address(address))


def test_public_addresses_pass() -> None:
    assert all(egress.is_public(ipaddress.ip_address(a)) for a in ["93.184.216.34", "2606:4700::1111", "1.1.1.1"])


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/",
        "https://127.0.0.1/",
        "https://10.0.0.5/",
        "https://[::1]/",
        "https://[::ffff:169.254.169.254]/",
        "https://localhost/",
        "https://api.localhost/",
    ],
)
def test_production_refuses_plain_http_and_private_hosts_at_registration(url: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        egress.check_url(url, https_only=True, allow_private=False)
    assert caught.value.code == "webhook_url_invalid"


def test_production_accepts_a_public_https_url() -> None:
    url = "https://hooks.example.com:8443/pdp?tenant=1"
    assert egress.check_url(url, https_only=True, allow_private=False) == url


def test_the_private_address_policy_follows_the_environment() -> None:
    assert egress.private_addresses_allowed(load_settings({}, environment="development"))
    assert not egress.private_addresses_allowed(load_settings({}, environment="production"))
    assert not egress.private_addresses_allowed(load_settings({}, webhook_private_addresses="refuse"))
    assert egress.private_addresses_allowed(
        load_settings({}, environment="production", webhook_private_addresses="allow")
    )
    with pytest.raises(ValueError, match="auto, allow or refuse"):
        egress.private_addresses_allowed(load_settings({}, webhook_private_addresses="maybe"))


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://2130706433/", "http://0x7f.1/", "http://localhost/"])
async def test_delivery_refuses_names_and_number_forms_that_resolve_to_loopback(url: str) -> None:
    with pytest.raises(egress.AddressRefused):
        await egress.resolve(url, allow_private=False)
    assert (await egress.resolve(url, allow_private=True)).address in ("127.0.0.1", "::1")
