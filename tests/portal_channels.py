"""An app whose every identity channel works: Chorus Pro (the emulator, whose suppliers' technical accounts are
attached to their SIRETs), SIRENE (the stand-in the emulator serves) and letters (a folder), besides ProConnect
(the session's stand-in). Import the fixtures into a test module to use them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest
from litestar.testing import AsyncTestClient

from pdp.platform.settings import Settings
from pdp.web.app import create_app
from tests.sandbox.harness import RunningSandbox, start_sandbox, with_emulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningSandbox]:
    running = start_sandbox(rate_limit=0)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def channel_settings(
    settings: Settings, emulator: RunningSandbox, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return replace(
        with_emulator(settings, emulator.info),
        sirene_api_url=emulator.info["sirene_api_url"],
        letters_dir=str(tmp_path_factory.mktemp("letters")),
    )


@pytest.fixture(scope="module")
async def portal(channel_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(create_app(channel_settings)) as client:
        yield client
