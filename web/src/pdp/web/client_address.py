"""The client's IP address, as kept in evidence (a mandate's acceptance): the peer's, unless a trusted proxy says.

``X-Forwarded-For`` is a header anyone can send. It is believed only when the connection comes from a proxy
listed in ``PDP_TRUSTED_PROXIES`` (addresses or CIDR blocks; empty by default, so nothing is believed), and then
read from the right: each hop appends the address it saw, so the first address that is not a trusted proxy is
the client's, and whatever the client wrote further left is ignored. ``pdp serve`` turns uvicorn's own
proxy-header handling off, so that the peer seen here is the socket's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def trusted_proxies(setting: str) -> tuple[Network, ...]:
    """``PDP_TRUSTED_PROXIES`` parsed; ``ValueError`` naming the entry that is not an address or a CIDR block."""
    networks = []
    for entry in (part.strip() for part in setting.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ValueError(f"PDP_TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR block") from exc
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: tuple[Network, ...]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # a dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d
    return any(address.version == network.version and address in network for network in proxies)


def client_address(peer: str, forwarded_for: Iterable[str], proxies: tuple[Network, ...]) -> str:
    """The client's address: ``peer`` (the socket's), or what the trusted proxies in front of it say."""
    current = _address(peer)
    if current is None:
        return peer
    hops = [hop for header in forwarded_for for hop in header.split(",")]
    while _is_trusted(current, proxies) and hops:
        previous = _address(hops.pop())
        if previous is None:
            break  # a hop that is not an address: the last trusted proxy is all that is known
        current = previous
    return str(current)
