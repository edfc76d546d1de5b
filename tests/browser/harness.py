"""Browser journeys on the portal: Debian's Chromium driven by Playwright (async API, the session's event loop),
against a real ``pdp serve`` process reached over a socket.

Playwright comes from PyPI, its browser from Debian (``/usr/bin/chromium``, installed by apt when missing): never
``playwright install``, which downloads its own build. The helpers here are what every portal journey needs —
an accessibility check (axe-core, WCAG 2.1 A/AA), screenshots, keyboard moves, the page's CSP refusals — so that
a journey's test only says what the user does and sees.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, ConsoleMessage, Error, Page, ViewportSize

from pdp.platform.settings import Settings
from tests.faults.stack import settings_env
from tests.processes import free_port, stop, wait_answering

REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO / ".pdp" / "test-reports"
SCREENSHOTS = REPO / "docs" / "screenshots"  # with PDP_SCREENSHOTS=1: the images the README embeds

CHROMIUM = Path("/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest stops it calling Google's services (updates, sync, field trials,
# QUIC probes) on a machine without network, which slows every start.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
APT_LOCK_WAIT_SECONDS = 900  # another apt run (an install in the background) holds dpkg's lock meanwhile


# --- the browser -------------------------------------------------------------------------------------------------


def ensure_chromium() -> Path:
    """Debian's Chromium, installed (as root) if it is not: waits for dpkg's lock instead of failing on it."""
    if CHROMIUM.exists() and _dpkg_installed("chromium"):
        return CHROMIUM
    assert shutil.which("apt-get"), f"{CHROMIUM} is missing and there is no apt-get to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait = ["-o", f"DPkg::Lock::Timeout={APT_LOCK_WAIT_SECONDS}"]
    install = ["apt-get", *wait, "install", "-y", "--no-install-recommends", "chromium"]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        # No package lists yet (a fresh container): fetch them once, then install.
        subprocess.run(["apt-get", *wait, "update"], env=env, capture_output=True, check=False)
        done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"apt-get install chromium failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    assert CHROMIUM.exists(), f"apt installed chromium but {CHROMIUM} is missing"
    return CHROMIUM


def _dpkg_installed(package: str) -> bool:
    """Installed and configured: the binary appears while apt is still unpacking its libraries."""
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
    ).stdout
    return status == "install ok installed"


@dataclass(frozen=True)
class Device:
    name: str
    viewport: ViewportSize
    scale: float = 1
    mobile: bool = False


DESKTOP = Device("desktop", ViewportSize(width=1280, height=800))
MOBILE = Device("mobile", ViewportSize(width=390, height=844), scale=2, mobile=True)  # an iPhone 12-15's CSS viewport


@dataclass
class PageWatch:
    """What a page reported on its console: CSP refusals and uncaught script errors (the portal has neither)."""

    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp.append(message.text)

    def page_error(self, error: Error) -> None:
        self.errors.append(str(error))


_WATCHES: dict[Page, PageWatch] = {}
_DEVICES: dict[Page, Device] = {}


def watch(page: Page) -> PageWatch:
    """The CSP refusals and script errors of ``page`` so far."""
    return _WATCHES[page]


@contextlib.asynccontextmanager
async def open_page(browser: Browser, base_url: str, device: Device = DESKTOP) -> AsyncIterator[Page]:
    """A page in a fresh context (no cookie, no storage), French, Paris time; fails after if the page broke its
    CSP or threw."""
    context = await browser.new_context(
        base_url=base_url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport=device.viewport,
        device_scale_factor=device.scale,
        is_mobile=device.mobile,
        has_touch=device.mobile,
    )
    context.set_default_timeout(10_000)  # a missing element fails in seconds, not Playwright's 30
    page = await context.new_page()
    seen = _WATCHES[page] = PageWatch()
    _DEVICES[page] = device
    page.on("console", seen.console)
    page.on("pageerror", seen.page_error)
    try:
        yield page
    finally:
        await context.close()
        del _WATCHES[page], _DEVICES[page]
    assert not seen.csp, "the page broke its Content-Security-Policy:\n" + "\n".join(seen.csp)
    assert not seen.errors, "the page threw:\n" + "\n".join(seen.errors)


# --- the server --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def portal_process(settings: Settings, log: Path) -> Iterator[str]:
    """``pdp serve`` on ``settings`` and a free loopback port, its public URL its own; yields that URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    served = dataclasses.replace(settings, host="127.0.0.1", port=port, public_url=url)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PDP_")}, **settings_env(served)}
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "pdp.cli.main", "serve"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_answering(f"{url}/healthz", process, name="pdp serve", within=30.0, log=log)
        yield url
    finally:
        stop(process)


# --- accessibility -----------------------------------------------------------------------------------------------

AXE_SCRIPT = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")
AXE_RECORD: list[dict[str, Any]] = []  # every page checked this session, written to AXE_REPORT at its end
AXE_REPORT = REPORTS / "axe.json"


async def assert_accessible(page: Page, *, context: str) -> dict[str, Any]:
    """Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now; fails on a serious or critical
    violation, listing each rule, its impact, its help and the first elements it found. ``context`` names the
    state of the page in the session's record (``.pdp/test-reports/axe.json``)."""
    # Through the DevTools protocol, which the page's CSP does not govern: the page itself allows no such script.
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(AXE_SCRIPT)
    results: dict[str, Any] = await page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    violations: list[dict[str, Any]] = results["violations"]
    device = _DEVICES.get(page, DESKTOP)
    AXE_RECORD.append(
        {
            "context": context,
            "device": device.name,
            "path": results["url"].split("/", 3)[3] if results["url"].count("/") >= 3 else results["url"],
            "title": await page.title(),
            "axe": results["testEngine"]["version"],
            "violations": {impact: sum(v["impact"] == impact for v in violations) for impact in IMPACTS},
            "rules": sorted({f"{v['id']} ({v['impact']})" for v in violations}),
            "rules_passed": len(results["passes"]),
            "needs_review": sorted(v["id"] for v in results["incomplete"]),
        }
    )
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe on {context} ({device.name}): {len(failing)} serious or critical violation(s)\n" + (
        "\n".join(_describe(violation) for violation in failing)
    )
    return results


def _describe(violation: dict[str, Any], *, targets: int = 3) -> str:
    nodes = violation["nodes"]
    shown = [" ".join(map(str, node["target"])) for node in nodes[:targets]]
    more = f" (+{len(nodes) - targets} more)" if len(nodes) > targets else ""
    return f"- {violation['id']} [{violation['impact']}] {violation['help']}: {', '.join(shown)}{more}"


def write_axe_report() -> Path | None:
    if not AXE_RECORD:
        return None
    AXE_REPORT.parent.mkdir(parents=True, exist_ok=True)
    AXE_REPORT.write_text(json.dumps({"pages": AXE_RECORD}, indent=2, ensure_ascii=False) + "\n")
    return AXE_REPORT


# --- screenshots -------------------------------------------------------------------------------------------------


async def shoot(page: Page, name: str) -> Path:
    """The whole page as ``<name>.png``: into docs/screenshots/ (the README's images) when ``PDP_SCREENSHOTS=1``,
    else into .pdp/test-reports/screenshots/."""
    directory = SCREENSHOTS if os.environ.get("PDP_SCREENSHOTS") == "1" else REPORTS / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    await page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    return path


# --- keyboard and layout -----------------------------------------------------------------------------------------


async def focused(page: Page) -> str:
    """The focused element, as ``tag#id[name]`` (for assertions and failure messages)."""
    described: str = await page.evaluate(
        """() => { const e = document.activeElement;
                   if (!e || e === document.body) return 'body';
                   return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? `[${e.name}]` : '')
                          + (e.type && e.tagName === 'INPUT' ? `:${e.type}` : ''); }"""
    )
    return described


async def tab_to(page: Page, selector: str, *, within: int = 25) -> int:
    """Presses Tab until ``selector`` has the focus, as a keyboard user would; returns how many presses it took
    (fails after ``within``, listing where the focus went)."""
    path: list[str] = []
    for presses in range(1, within + 1):
        await page.keyboard.press("Tab")
        if await page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return presses
        path.append(await focused(page))
    raise AssertionError(f"{selector} never got the focus in {within} Tab presses: {' → '.join(path)}")


async def assert_focus_visible(page: Page) -> None:
    """The focused element shows it (an outline or a box shadow), WCAG 2.4.7: axe cannot check it."""
    shown = await page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }"""
    )
    assert shown, f"{await focused(page)} has the focus but does not show it"


async def assert_fits_viewport(page: Page) -> None:
    """Nothing wider than the screen (no sideways scrolling, WCAG 1.4.10 reflow)."""
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide on a {widths[1]} px screen"
