"""Where webhooks may go: URL rules at registration, and the address check at every delivery (SSRF defence).

A tenant chooses the URL, so without a check pdp would POST to its own network on the tenant's behalf
(cloud metadata at 169.254.169.254, databases, admin ports). Registration refuses what is wrong on its face,
including the IPv4 notations resolvers read but humans do not (``2130706433``, ``0x7f.1``); delivery resolves the
host, refuses non-public addresses (:mod:`pdp.tenants.webhooks.addresses` says which), and connects to the address
it checked, so a DNS answer that changes between check and connection (rebinding) cannot redirect the request.
Redirects are never followed. Private addresses are allowed outside production
(``PDP_WEBHOOK_PRIVATE_ADDRESSES=auto``) so that `pdp dev` and the tests can use a local receiver.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from dataclasses import dataclass

import httpx

from pdp.platform.errors import ValidationFailed
from pdp.platform.settings import Settings
from pdp.tenants.common import finding
from pdp.tenants.webhooks.addresses import IPAddress, is_public

__all__ = ["AddressRefused", "IPAddress", "Target", "check_url", "is_public", "private_addresses_allowed", "resolve"]

MAX_URL_LENGTH = 2048
RESOLVE_TIMEOUT_SECONDS = 5.0
# A DNS name (IDNA already punycoded by httpx) or an IP literal; "exa mple.com" is not a host.
_HOSTNAME = re.compile(r"^(?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}\.?$|^[0-9A-Fa-f:.]+$")
# A host whose last label is a number is an IPv4 address to resolvers and browsers (WHATWG URL "ends in a
# number"): inet_aton reads 2130706433, 0x7f.1, 0177.1 and 127.1 as 127.0.0.1.
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0[xX][0-9A-Fa-f]*)$")


class AddressRefused(Exception):
    """The webhook's host cannot be resolved, or resolves to an address pdp must not connect to."""


def private_addresses_allowed(settings: Settings) -> bool:
    policy = settings.webhook_private_addresses
    if policy not in ("auto", "allow", "refuse"):
        raise ValueError(f"PDP_WEBHOOK_PRIVATE_ADDRESSES must be auto, allow or refuse, not {policy!r}")
    return policy == "allow" or (policy == "auto" and settings.environment != "production")


def _refuse(rule: str, message: str, message_fr: str) -> ValidationFailed:
    return ValidationFailed(message, code="webhook_url_invalid", errors=[finding(rule, message, message_fr, "$.url")])


def check_url(raw: str, *, https_only: bool, allow_private: bool) -> str:
    """The URL as it will be stored, or 422 ``webhook_url_invalid`` with the rule it breaks."""
    url_text = raw.strip()
    if len(url_text) > MAX_URL_LENGTH:
        raise _refuse("PDP-WEBHOOK-URL-LENGTH", "The URL is too long.", "L'URL est trop longue.")
    try:
        url = httpx.URL(url_text)
    except httpx.InvalidURL as exc:
        raise _refuse("PDP-WEBHOOK-URL-SYNTAX", f"The URL is malformed: {exc}.", "L'URL est mal formée.") from exc
    if url.scheme not in ("http", "https") or not _HOSTNAME.match(url.raw_host.decode("ascii", "replace")):
        raise _refuse(
            "PDP-WEBHOOK-URL-SCHEME", "The URL must be http(s)://host/….", "L'URL doit être http(s)://hôte/…."
        )
    if url.port is not None and not 0 < url.port < 65536:
        raise _refuse("PDP-WEBHOOK-URL-SYNTAX", f"Port {url.port} does not exist.", "Ce port n'existe pas.")
    if https_only and url.scheme != "https":
        raise _refuse("PDP-WEBHOOK-URL-HTTPS", "The URL must use https.", "L'URL doit utiliser https.")
    if url.userinfo:
        raise _refuse(
            "PDP-WEBHOOK-URL-CREDENTIALS",
            "The URL must not carry credentials; verify the PDP-Signature header instead.",
            "L'URL ne doit pas contenir d'identifiants ; vérifiez l'en-tête PDP-Signature.",
        )
    if _numeric_host_not_dotted_quad(url.host):
        raise _refuse(
            "PDP-WEBHOOK-URL-SYNTAX",
            "Write an IPv4 address as four decimal numbers (a.b.c.d), or use a DNS name.",
            "Écrivez une adresse IPv4 en quatre nombres décimaux (a.b.c.d), ou utilisez un nom DNS.",
        )
    if not allow_private and _names_a_private_host(url.host):
        raise _refuse(
            "PDP-WEBHOOK-URL-PRIVATE",
            "The URL points to a private, loopback or link-local address.",
            "L'URL désigne une adresse privée, locale ou de lien local.",
        )
    return str(url)


def _numeric_host_not_dotted_quad(host: str) -> bool:
    name = host.removesuffix(".")
    if ":" in name or not _NUMERIC_LABEL.match(name.rsplit(".", 1)[-1]):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False


def _names_a_private_host(host: str) -> bool:
    name = host.removesuffix(".")  # "localhost." is the same name, fully qualified
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return not is_public(ipaddress.ip_address(name))
    except ValueError:
        return False  # a DNS name: checked when it is resolved, at every delivery


@dataclass(frozen=True, slots=True)
class Target:
    """Where to connect for a URL: the checked address, and the name to present (Host header, TLS SNI)."""

    url: httpx.URL
    address: str

    @property
    def connect_url(self) -> httpx.URL:
        return self.url.copy_with(host=self.address)


async def resolve(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host; refuse it unless every address is public (or private ones are allowed)."""
    parsed = httpx.URL(url)
    host = parsed.host
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout=RESOLVE_TIMEOUT_SECONDS
        )
    except (OSError, TimeoutError) as exc:
        raise AddressRefused(f"cannot resolve {host}: {exc}") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise AddressRefused(f"{host} has no address")
    # Every address must pass, not just the first: the resolver's order is not ours to rely on.
    refused = [str(address) for address in addresses if not is_public(address)]
    if refused and not allow_private:
        raise AddressRefused(f"{host} resolves to a non-public address ({', '.join(refused)})")
    return Target(parsed, str(addresses[0]))
