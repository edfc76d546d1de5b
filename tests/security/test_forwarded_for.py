"""``X-Forwarded-For`` is evidence only when a configured proxy sends it (issue 11 #8).

The probe accepted a mandate through ``pdp dev`` with ``X-Forwarded-For: <any address>`` and that address was
archived as the signatory's: uvicorn believes the header from loopback peers by default. Now ``pdp serve`` leaves
the header to pdp, which believes it from ``PDP_TRUSTED_PROXIES`` only (none by default), read from the right.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.settings import Settings
from pdp.tenants.archive.store import Archive
from pdp.web.client_address import client_address, trusted_proxies
from tests.conftest import TenantFixture
from tests.journeys import mandate_evidence
from tests.security.api_processes import api_processes
from tests.security.portal_steps import accept, pending_mandate

SPOOFED = "203.0.113.66"


@pytest.mark.parametrize(
    ("peer", "forwarded", "proxies", "expected"),
    [
        ("198.51.100.1", ["203.0.113.66"], "", "198.51.100.1"),  # no proxy configured: the header is ignored
        ("198.51.100.1", ["203.0.113.66"], "10.0.0.0/8", "198.51.100.1"),  # the peer is no trusted proxy
        ("10.0.0.5", ["203.0.113.66"], "10.0.0.0/8", "203.0.113.66"),
        ("10.0.0.5", ["1.2.3.4, 203.0.113.66"], "10.0.0.0/8", "203.0.113.66"),  # the client's own entry is ignored
        ("10.0.0.5", ["1.2.3.4", "203.0.113.66, 10.0.0.9"], "10.0.0.0/8", "203.0.113.66"),  # two headers, two hops
        ("10.0.0.5", ["10.0.0.7, 10.0.0.9"], "10.0.0.0/8", "10.0.0.7"),  # all trusted: the furthest known
        ("10.0.0.5", ["not-an-address"], "10.0.0.0/8", "10.0.0.5"),
        ("10.0.0.5", [], "10.0.0.0/8", "10.0.0.5"),
        ("::ffff:10.0.0.5", ["2001:db8::7"], "10.0.0.5", "2001:db8::7"),  # a dual-stack socket's IPv4 peer
        ("testclient", ["203.0.113.66"], "10.0.0.0/8", "testclient"),
    ],
)
def test_the_client_address_is_the_peer_unless_a_trusted_proxy_says(
    peer: str, forwarded: list[str], proxies: str, expected: str
) -> None:
    assert client_address(peer, forwarded, trusted_proxies(proxies)) == expected


def test_a_malformed_setting_is_refused_naming_the_entry() -> None:
    with pytest.raises(ValueError, match=r"'10\.0\.0\.300'"):
        trusted_proxies("10.0.0.0/8, 10.0.0.300")


@pytest.fixture(scope="module")
def untrusting(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with api_processes(settings, 1, tmp_path_factory.mktemp("xff-none")) as (url,):
        yield url


@pytest.fixture(scope="module")
def behind_loopback_proxy(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with api_processes(settings, 1, tmp_path_factory.mktemp("xff-lo"), trusted_proxies="127.0.0.1/32") as (url,):
        yield url


@pytest.mark.parametrize(
    ("server", "forwarded", "archived"),
    [
        # No proxy configured (the default): a forged header from any peer is not the signatory's address.
        ("untrusting", SPOOFED, "127.0.0.1"),
        # Behind a configured proxy, what it appended; what the client wrote itself (leftmost) is not believed.
        ("behind_loopback_proxy", f"192.0.2.1, {SPOOFED}", SPOOFED),
    ],
)
async def test_the_archived_address_is_the_one_a_trusted_party_saw(
    request: pytest.FixtureRequest,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    archive: Archive,
    server: str,
    forwarded: str,
    archived: str,
) -> None:
    async with httpx.AsyncClient(base_url=request.getfixturevalue(server), timeout=10.0) as http:
        mandate = await pending_mandate(http, tenant)
        await accept(
            http,
            tenant,
            mandate["id"],
            sessionmaker=sessionmaker,
            settings=settings,
            headers={"X-Forwarded-For": forwarded},
        )
    _, evidence = await mandate_evidence(sessionmaker, archive, tenant.id, mandate["id"])
    assert evidence["ip"] == archived
