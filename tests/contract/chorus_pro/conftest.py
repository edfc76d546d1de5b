"""The contract suite runs against the emulator, and against the real PISTE sandbox when its credentials are set.

``PDP_CHORUS_SANDBOX_CLIENT_ID``, ``…_CLIENT_SECRET`` (PISTE application), ``…_LOGIN``, ``…_PASSWORD`` (Chorus
technical account); optional ``…_RECIPIENT_SIRET`` (a qualification recipient without parameters). Tests that
need the emulator's knobs (virtual clock, seeded SIRETs) are marked ``emulator_only``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest

from pdp.connectors.chorus_pro.auth import PisteApplication, PisteTokens, TechnicalAccount
from pdp.connectors.chorus_pro.client import ChorusProClient
from tests.sandbox.harness import NO_PARAMS, RunningSandbox, start_sandbox

PISTE_API = "https://sandbox-api.piste.gouv.fr"
PISTE_TOKEN = "https://sandbox-oauth.piste.gouv.fr/api/oauth/token"
ENV = ("CLIENT_ID", "CLIENT_SECRET", "LOGIN", "PASSWORD")
MISSING = [f"PDP_CHORUS_SANDBOX_{name}" for name in ENV if not os.environ.get(f"PDP_CHORUS_SANDBOX_{name}")]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "emulator_only: needs the emulator's control API or seeded directory")


@dataclass
class Target:
    name: str
    api_url: str
    token_url: str
    application: PisteApplication
    account: TechnicalAccount
    recipient_siret: str | None
    sandbox: RunningSandbox | None = None

    def client(self, http: httpx.AsyncClient, application: PisteApplication | None = None) -> ChorusProClient:
        tokens = PisteTokens(http, self.token_url, application or self.application)
        return ChorusProClient(http, api_url=self.api_url, tokens=tokens)


@pytest.fixture(scope="session")
def emulator() -> Iterator[RunningSandbox]:
    running = start_sandbox()
    yield running
    running.stop()


@pytest.fixture(params=["emulator", "piste"])
def target(request: pytest.FixtureRequest) -> Target:
    if request.param == "piste":
        if MISSING:
            pytest.skip(
                f"real PISTE sandbox not configured ({', '.join(MISSING)} unset): ran against the emulator only"
            )
        if request.node.get_closest_marker("emulator_only"):
            pytest.skip("needs the emulator's control API")
        env = os.environ
        return Target(
            "piste",
            PISTE_API,
            PISTE_TOKEN,
            PisteApplication(env["PDP_CHORUS_SANDBOX_CLIENT_ID"], env["PDP_CHORUS_SANDBOX_CLIENT_SECRET"]),
            TechnicalAccount(env["PDP_CHORUS_SANDBOX_LOGIN"], env["PDP_CHORUS_SANDBOX_PASSWORD"]),
            env.get("PDP_CHORUS_SANDBOX_RECIPIENT_SIRET"),
        )
    sandbox: RunningSandbox = request.getfixturevalue("emulator")
    sandbox.control("POST", "reset")
    piste = sandbox.info["piste"]
    return Target(
        "emulator",
        sandbox.info["api_url"],
        sandbox.info["token_url"],
        PisteApplication(piste["client_id"], piste["client_secret"]),
        sandbox.account(),
        NO_PARAMS,
        sandbox,
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client
