from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.sandbox.harness import RunningSandbox, start_sandbox

DEFAULT_SETTINGS = {"rate_limit": 0, "reception_delay": 1.0, "integration_delay": 2.0, "token_lifetime": 3600}


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[RunningSandbox]:
    running = start_sandbox(reception_delay=1.0, integration_delay=2.0)
    yield running
    running.stop()


@pytest.fixture
def sandbox(sandbox_server: RunningSandbox) -> RunningSandbox:
    sandbox_server.control("POST", "reset")
    sandbox_server.control("POST", "settings", DEFAULT_SETTINGS)
    return sandbox_server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
