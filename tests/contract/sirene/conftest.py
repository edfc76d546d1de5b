"""The SIRENE contract suite runs against pdp's stand-in, and against the real API when ``PDP_SIRENE_LIVE=1``.

The stand-in is reached as ``pdp dev`` reaches it: mounted on the Chorus Pro emulator (``/sirene``), over a
socket. The real API (https://recherche-entreprises.api.gouv.fr) is public and needs no key, but it is
rate-limited and on the network, so it is asked only on demand; ``PDP_SIRENE_LIVE_SIRET`` names the active
establishment it is asked about (La Poste's head office by default). Tests that need the stand-in's seed (a
closed establishment, a withheld address) are marked ``fake_only``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest

from pdp.connectors.sirene.client import SireneClient, Spacing
from tests.sandbox.harness import RunningSandbox, start_sandbox

REAL_API = "https://recherche-entreprises.api.gouv.fr"
LIVE = os.environ.get("PDP_SIRENE_LIVE") == "1"
LA_POSTE_HEAD_OFFICE = "35600000000048"
DEMO_SUPPLIER = "73282932000074"  # the Chorus emulator's demo supplier (README walk-through)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fake_only: needs the stand-in's seeded establishments")


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    known_siret: str  # active, address published


@pytest.fixture(scope="session")
def sandbox() -> Iterator[RunningSandbox]:
    running = start_sandbox()
    yield running
    running.stop()


@pytest.fixture(params=["fake", "live"])
def target(request: pytest.FixtureRequest) -> Target:
    if request.param == "live":
        if not LIVE:
            pytest.skip(
                "the real API Recherche d'entreprises is asked only with PDP_SIRENE_LIVE=1 (network, rate limit): "
                "ran against pdp's stand-in only"
            )
        if request.node.get_closest_marker("fake_only"):
            pytest.skip("needs the stand-in's seeded establishments")
        return Target("live", REAL_API, os.environ.get("PDP_SIRENE_LIVE_SIRET", LA_POSTE_HEAD_OFFICE))
    sandbox: RunningSandbox = request.getfixturevalue("sandbox")
    return Target("fake", sandbox.info["sirene_api_url"], DEMO_SUPPLIER)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=15) as client:
        yield client


@pytest.fixture(scope="session")
def throttle() -> Spacing:
    """One throttle for the whole run: every test's requests, the raw ones too, stay under the API's rate (the
    stand-in enforces it as the API does)."""
    return Spacing()


@pytest.fixture
def sirene(target: Target, http: httpx.AsyncClient, throttle: Spacing) -> SireneClient:
    return SireneClient(http, base_url=target.base_url, throttle=throttle)
