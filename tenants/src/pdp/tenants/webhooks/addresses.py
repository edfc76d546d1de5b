"""Which IP addresses a webhook delivery may connect to: globally routable unicast, nothing else.

``ipaddress``'s ``is_global`` is the base, but it is not enough on its own:

- several IPv6 forms carry an IPv4 address and reach it: IPv4-mapped ``::ffff:a.b.c.d`` (a dual-stack socket
  connects to the IPv4), the NAT64 well-known prefix ``64:ff9b::/96`` (a NAT64 gateway translates to the IPv4 in
  the last 32 bits) and 6to4 ``2002:aabb:ccdd::/48`` (a relay tunnels to ``aa.bb.cc.dd``). Python calls
  ``64:ff9b::7f00:1`` and ``2002:7f00:1::`` global; they reach 127.0.0.1. Those forms are judged by the IPv4
  address they reach, which is what a DNS64 network legitimately returns for an IPv4-only public host;
- other embeddings cannot be judged because where they lead depends on a network pdp does not know (the
  local-use NAT64 prefix, Teredo's obfuscated client behind a NAT) or are deprecated and translated by some
  stacks (IPv4-compatible ``::a.b.c.d``, SIIT's ``::ffff:0:a.b.c.d``): refused whatever they carry;
- Python's tables follow the IANA registries with a lag that depends on its version (3.11 calls the
  deprecated site-local ``fec0::/10``, the documentation prefix ``3fff::/20`` and SRv6's ``5f00::/16``
  global). So IPv6 must also be in ``2000::/3``, the only block IANA allocates global unicast from, and both
  families are checked against an explicit list of the special-purpose blocks that are not globally reachable.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address

# IANA IPv4 Special-Purpose Address Registry: the blocks that are not globally reachable, plus multicast,
# reserved and broadcast (the two anycast /32s inside 192.0.0.0/24 are no webhook receivers).
IPV4_NOT_PUBLIC: tuple[IPv4Network, ...] = tuple(
    IPv4Network(block)
    for block in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, where cloud metadata services answer
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
    )
)

GLOBAL_UNICAST = IPv6Network("2000::/3")
# Inside 2000::/3, the IANA IPv6 Special-Purpose blocks that are not globally reachable (the few anycast
# services inside 2001::/23 are no webhook receivers either).
IPV6_NOT_PUBLIC: tuple[IPv6Network, ...] = tuple(
    IPv6Network(block)
    for block in (
        "2001::/23",  # IETF protocol assignments: Teredo, benchmarking, ORCHID…
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
    )
)

# The IPv6 forms that embed an IPv4 address (RFC 4291, 6052, 8215, 3056, 4380, 2765).
IPV4_MAPPED = IPv6Network("::ffff:0:0/96")  # judged by the IPv4 address: the socket connects to it
NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")  # judged by the IPv4 address in the last 32 bits
SIX_TO_FOUR = IPv6Network("2002::/16")  # judged by the IPv4 address in bits 16-47
EMBEDDING_REFUSED: tuple[IPv6Network, ...] = tuple(
    IPv6Network(block)
    for block in (
        "::/96",  # IPv4-compatible (deprecated), with :: and ::1
        "::ffff:0:0:0/96",  # SIIT IPv4-translated
        "64:ff9b:1::/48",  # local-use NAT64: the IPv4's place depends on the operator's prefix length
        "2001::/32",  # Teredo: the client's IPv4 is behind a NAT pdp cannot see
    )
)


def reached_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address this IPv6 address delivers to, for the embeddings that route to it."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64_WELL_KNOWN:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def is_public_ipv4(address: IPv4Address) -> bool:
    return address.is_global and not address.is_multicast and not any(address in block for block in IPV4_NOT_PUBLIC)


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast, an IPv6 embedding judged by the IPv4 address it reaches (module docstring)."""
    if isinstance(address, IPv4Address):
        return is_public_ipv4(address)
    if address.scope_id is not None:
        return False  # a zone (fe80::1%eth0) is an interface of this host's link
    reached = reached_ipv4(address)
    if reached is not None:
        return is_public_ipv4(reached)
    if any(address in block for block in EMBEDDING_REFUSED):
        return False
    return (
        address in GLOBAL_UNICAST
        and address.is_global
        and not address.is_multicast
        and not any(address in block for block in IPV6_NOT_PUBLIC)
    )
