"""SSRF: the webhook guard refuses every address that is not globally routable unicast, in any notation.

The probe got through with IPv6 forms that carry an IPv4 address (``[::127.0.0.1]``, NAT64 ``64:ff9b::/96``,
6to4 ``2002::/16``) and with ranges Python 3.11 calls global (``fec0::/10``). The properties below run over
generated addresses: every IPv6 embedding of a non-public IPv4 address is refused; the embeddings that really
route to their IPv4 address (mapped, NAT64 well-known prefix, 6to4) are judged by it; the others are refused
whatever they carry. The URL notations resolvers read as IPv4 (``2130706433``, ``0x7f.1``) are refused at
registration, and resolved safely at delivery.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from ipaddress import IPv4Address, IPv6Address, IPv6Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pdp.platform.errors import ValidationFailed
from pdp.tenants.webhooks import egress
from pdp.tenants.webhooks.addresses import GLOBAL_UNICAST, IPV4_NOT_PUBLIC, NAT64_WELL_KNOWN, is_public

MANY = settings(max_examples=400, deadline=None)
V4 = st.ip_addresses(v=4)
V6 = st.ip_addresses(v=6)
NON_PUBLIC_V4 = st.one_of(*(st.ip_addresses(network=block) for block in IPV4_NOT_PUBLIC))
PUBLIC_V4 = V4.filter(lambda address: address.is_global and not address.is_multicast)
BITS = st.integers(min_value=0, max_value=2**80 - 1)


def _v6(value: int) -> IPv6Address:
    return IPv6Address(value)


def mapped(v4: IPv4Address, _: int) -> IPv6Address:
    return _v6(0xFFFF << 32 | int(v4))  # ::ffff:a.b.c.d


def nat64(v4: IPv4Address, _: int) -> IPv6Address:
    return _v6(int(NAT64_WELL_KNOWN.network_address) | int(v4))  # 64:ff9b::a.b.c.d


def six_to_four(v4: IPv4Address, rest: int) -> IPv6Address:
    return _v6(0x2002 << 112 | int(v4) << 80 | rest)  # 2002:aabb:ccdd:<subnet>:<interface>


def compatible(v4: IPv4Address, _: int) -> IPv6Address:
    return _v6(int(v4))  # ::a.b.c.d


def translated(v4: IPv4Address, _: int) -> IPv6Address:
    return _v6(0xFFFF << 48 | int(v4))  # ::ffff:0:a.b.c.d


def teredo_client(v4: IPv4Address, rest: int) -> IPv6Address:
    server = rest & 0xFFFFFFFF
    return _v6(0x20010000 << 96 | server << 64 | (int(v4) ^ 0xFFFFFFFF))  # client obfuscated (RFC 4380)


def teredo_server(v4: IPv4Address, rest: int) -> IPv6Address:
    return _v6(0x20010000 << 96 | int(v4) << 64 | rest & 0xFFFFFFFFFFFFFFFF)


def local_nat64(v4: IPv4Address, rest: int) -> IPv6Address:
    """RFC 6052 §2.2 layouts under the local-use prefix 64:ff9b:1::/48 (bits 64-71 stay zero)."""
    prefix_length = (48, 56, 64, 96)[rest % 4]
    base = int(IPv6Network("64:ff9b:1::/48").network_address)
    value = int(v4)
    if prefix_length == 96:
        return _v6(base | value)
    # The 32 bits start after the prefix and skip bits 64-71 (the "u" octet).
    before_u = max(0, 64 - prefix_length)
    high, low = value >> (32 - before_u), value & ((1 << (32 - before_u)) - 1)
    return _v6(base | high << 64 | low << (56 - (32 - before_u)))


ROUTED: list[Callable[[IPv4Address, int], IPv6Address]] = [mapped, nat64, six_to_four]
UNJUDGEABLE: list[Callable[[IPv4Address, int], IPv6Address]] = [
    compatible,
    translated,
    teredo_client,
    teredo_server,
    local_nat64,
]


@MANY
@given(v4=NON_PUBLIC_V4, rest=BITS, embed=st.sampled_from(ROUTED + UNJUDGEABLE))
def test_every_ipv6_embedding_of_a_non_public_ipv4_is_refused(
    v4: IPv4Address, rest: int, embed: Callable[[IPv4Address, int], IPv6Address]
) -> None:
    assert not is_public(v4)
    assert not is_public(embed(v4, rest)), embed(v4, rest)


@MANY
@given(v4=V4, rest=BITS, embed=st.sampled_from(ROUTED))
def test_routed_embeddings_are_judged_by_the_ipv4_they_reach(
    v4: IPv4Address, rest: int, embed: Callable[[IPv4Address, int], IPv6Address]
) -> None:
    assert is_public(embed(v4, rest)) == is_public(v4)


@MANY
@given(v4=PUBLIC_V4, rest=BITS, embed=st.sampled_from(UNJUDGEABLE))
def test_embeddings_whose_destination_pdp_cannot_know_are_refused_even_for_a_public_ipv4(
    v4: IPv4Address, rest: int, embed: Callable[[IPv4Address, int], IPv6Address]
) -> None:
    assert not is_public(embed(v4, rest))


@MANY
@given(address=V4)
def test_an_ipv4_address_is_public_only_if_python_and_the_iana_list_agree(address: IPv4Address) -> None:
    listed = any(address in block for block in IPV4_NOT_PUBLIC)
    assert is_public(address) == (address.is_global and not address.is_multicast and not listed)


@MANY
@given(address=V6)
def test_an_ipv6_address_outside_global_unicast_is_refused_unless_it_routes_to_a_public_ipv4(
    address: IPv6Address,
) -> None:
    if address in GLOBAL_UNICAST and address.sixtofour is None:
        return
    reached = address.ipv4_mapped or address.sixtofour
    if address in NAT64_WELL_KNOWN:
        reached = IPv4Address(int(address) & 0xFFFFFFFF)
    assert is_public(address) == (reached is not None and is_public(reached))


@MANY
@given(address=V6)
def test_the_guard_is_never_more_permissive_than_python_for_a_native_ipv6_address(address: IPv6Address) -> None:
    if is_public(address) and address.ipv4_mapped is None and address not in NAT64_WELL_KNOWN:
        assert address.is_global and not address.is_multicast and not address.is_site_local


@MANY
@given(address=st.ip_addresses(network="ff00::/8") | st.ip_addresses(network="fe80::/10"))
def test_multicast_and_link_local_ipv6_are_refused(address: IPv6Address) -> None:
    assert not is_public(address)


# What the probe got through, and its neighbours (these failed before the fix).
BROKE_THROUGH = [
    "::127.0.0.1",
    "::169.254.169.254",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",  # NAT64 of the cloud metadata address
    "64:ff9b::a00:1",
    "64:ff9b:1::7f00:1",
    "64:ff9b:1:7f00:0:100::",
    "2002:7f00:1::",
    "2002:a9fe:a9fe::1",
    "2002:c0a8:101::",
    "fec0::1",
    "fec0:0:0:ffff::1",
    "::ffff:0:7f00:1",
    "3fff::1",
    "5f00::1",
]
# Already refused before: kept so that they stay refused.
HELD = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "224.0.0.1",
    "::",
    "::1",
    "fe80::1",
    "fe80::1%eth0",
    "fd00::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "2001:db8::1",
    "100::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo whose client is 127.0.0.1 (2001::/23 is not global)
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700::1111", "2620:4f:8000::1", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", BROKE_THROUGH + HELD)
def test_known_non_public_addresses_are_refused(address: str) -> None:
    assert not egress.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_accepted(address: str) -> None:
    assert egress.is_public(ipaddress.ip_address(address))


def _registration_refuses(url: str) -> str:
    with pytest.raises(ValidationFailed) as caught:
        egress.check_url(url, https_only=True, allow_private=False)
    assert caught.value.code == "webhook_url_invalid"
    return str(caught.value.errors[0]["rule"])


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        # IPv4 in the notations inet_aton reads (decimal, hex, short forms): not a DNS name, not dotted-quad.
        ("https://2130706433/", "PDP-WEBHOOK-URL-SYNTAX"),
        ("https://0x7f.1/", "PDP-WEBHOOK-URL-SYNTAX"),
        ("https://0x7f000001/", "PDP-WEBHOOK-URL-SYNTAX"),
        ("https://0x7F.0.0.1/", "PDP-WEBHOOK-URL-SYNTAX"),
        ("https://127.1/", "PDP-WEBHOOK-URL-SYNTAX"),
        ("https://0/", "PDP-WEBHOOK-URL-SYNTAX"),
        ("https://hooks.2130706433/", "PDP-WEBHOOK-URL-SYNTAX"),
        ("https://8.8.8.8.8/", "PDP-WEBHOOK-URL-SYNTAX"),
        # The fully qualified form of a private name or address.
        ("https://localhost./", "PDP-WEBHOOK-URL-PRIVATE"),
        ("https://api.localhost./", "PDP-WEBHOOK-URL-PRIVATE"),
        ("https://127.0.0.1./", "PDP-WEBHOOK-URL-PRIVATE"),
        # IPv6 literals that reach a private IPv4 address, and non-global ranges.
        ("https://[::127.0.0.1]/", "PDP-WEBHOOK-URL-PRIVATE"),
        ("https://[64:ff9b::a9fe:a9fe]/", "PDP-WEBHOOK-URL-PRIVATE"),
        ("https://[2002:a9fe:a9fe::]/", "PDP-WEBHOOK-URL-PRIVATE"),
        ("https://[fec0::1]/", "PDP-WEBHOOK-URL-PRIVATE"),
    ],
)
def test_registration_refuses_notations_that_broke_through(url: str, rule: str) -> None:
    assert _registration_refuses(url) == rule


@pytest.mark.parametrize(
    "url",
    [
        "https://0177.0.0.1/",  # octal: httpx refuses the host
        "https://127.000.000.001/",
        "https://[fe80::1%25eth0]/",  # a zone id
        "https://evil.example@127.0.0.1/",  # userinfo: credentials are refused, whatever they hide
        "https://evil.example:@127.0.0.1/",
        "https://127.0.0.1\\@evil.example/",
        "https://127.0.0.1:443@evil.example/",
        "https://127.0.0.1#@evil.example/",  # the fragment hides nothing: the host is 127.0.0.1
        "https://127\u30020\u30020\u30021/",  # ideographic full stops: IDNA makes them dots
        "https://[::ffff:127.0.0.1]/",
        "https://[::1]/",
        "https://localhost/",
        "https://LOCALHOST/",
    ],
)
def test_registration_refuses_forms_that_held(url: str) -> None:
    _registration_refuses(url)


@pytest.mark.parametrize(
    "url", ["https://hooks.example.com/", "https://8.8.8.8/", "https://[2606:4700::1111]/", "https://1.example/"]
)
def test_registration_accepts_public_hosts(url: str) -> None:
    assert egress.check_url(url, https_only=True, allow_private=False) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://localhost./",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/",
        "http://[fec0::1]/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
async def test_delivery_refuses_what_resolves_to_a_non_public_address(url: str) -> None:
    # A URL stored before these checks existed is checked again, on the address resolved, at every attempt.
    with pytest.raises(egress.AddressRefused):
        await egress.resolve(url, allow_private=False)
