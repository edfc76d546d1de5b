"""Fixtures of the browser journeys: one Chromium and one ``pdp serve`` per session, a fresh context per test.

``portal_server`` is the base URL of a real ``pdp serve`` process on the session's ``settings`` (so tenants made
by ``new_tenant`` exist there, and the links in pdp's e-mails point at it); ``page`` and ``mobile_page`` open it
in a new context each (French, no cookie). Every page axe checked this session is written to .pdp/test-reports/axe.json.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

from pdp.platform.settings import Settings
from tests.browser.harness import (
    AXE_RECORD,
    IMPACTS,
    LAUNCH_ARGS,
    MOBILE,
    ensure_chromium,
    open_page,
    portal_process,
    write_axe_report,
)
from tests.invoices.report import SUMMARY

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a ``browser`` test (``-m "not browser"`` skips them)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def portal_server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL (``http://127.0.0.1:<port>``) of a ``pdp serve`` process on the session's settings."""
    with portal_process(settings, tmp_path_factory.mktemp("portal-server") / "pdp-serve.log") as url:
        yield url


@pytest.fixture(scope="session")
async def portal_api(portal_server: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of that server (the Partner API: pass a tenant's ``headers``)."""
    async with httpx.AsyncClient(base_url=portal_server, timeout=30.0) as client:
        yield client


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = await asyncio.to_thread(ensure_chromium)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser, portal_server: str) -> AsyncIterator[Page]:
    """A desktop page (1280 x 800, fr-FR) in a new context, its relative URLs on ``portal_server``."""
    async with open_page(browser, portal_server) as opened:
        yield opened


@pytest.fixture
async def mobile_page(browser: Browser, portal_server: str) -> AsyncIterator[Page]:
    """A phone's page (390 x 844, touch, fr-FR) in a new context, its relative URLs on ``portal_server``."""
    async with open_page(browser, portal_server, MOBILE) as opened:
        yield opened


@pytest.fixture(scope="session", autouse=True)
def axe_report() -> Iterator[None]:
    yield
    written = write_axe_report()
    if written is not None:
        totals = {impact: sum(page["violations"][impact] for page in AXE_RECORD) for impact in IMPACTS}
        counts = ", ".join(f"{count} {impact}" for impact, count in totals.items())
        SUMMARY.append(f"axe (WCAG 2.1 A/AA): {len(AXE_RECORD)} page states checked, violations {counts} → {written}")
