"""Benchmark: the provider portal's pages for a supplier with 10,000 invoices, side by side with their floors.

Run: ``.venv/bin/python tests/bench/bench_portal.py [--requests 60] [--parallel 8] [--each 15] [--exports 5]
[--fresh-import]``

Boots the embedded engines in a temporary directory and one ``pdp serve`` process, then seeds one tenant
(``portal_seed``): provider P with 10,000 invoices over 18 months, provider Q of the same tenant with another
10,000 (P's users must not pay for them), provider S with 100; ~3.5 events and ~2 archived documents per
invoice. P's staff and S's administrator sign in as people do (the sign-in form, then the two-step set-up an
administrator owes, with a code pyotp computes) and the bench uses the session cookies the portal set.

Prints, per page, p50/p95/max of ``--requests`` rounds of sequential requests (one of each page per round, after
3 uncounted rounds), the p50's ratio to ``GET /healthz`` (the framework floor) and the CPU per request of the API
process and of PostgreSQL (steadier than wall time on a shared machine); S's dashboard and list beside P's (the
cost of scale); the CSV export of P's 10,000 invoices; ``--parallel`` users of P at once, each on its own
session; the same services timed in-process, without HTTP or templates (``portal_services``: the dashboard and each
of its statements, the list's page and count per filter, the export); and EXPLAIN (ANALYZE, BUFFERS) summaries of
the statements the dashboard, list, export and invoice services send, as the app role with P's user's scope bound
(row-level security included). The list's filters (status and dates, a recipient's SIRET or a word of its name in
the directory, an amount range, a number) are the same in the three. ``--fresh-import``
measures before VACUUM has set the visibility map, as right after a bulk import (autovacuum held off: index-only
scans then read the table too). Pages the portal does not serve are named, not measured. Machines are noisy:
read the ratios and the CPU, not the absolute times. Not a test: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import re
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import httpx
import psutil
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import portal_plans, portal_seed
from tests.bench.pipeline_world import bench_engines, engine_settings, serving
from tests.bench.portal_seed import Portal
from tests.bench.portal_services import list_filters, list_path, time_services
from tests.bench.portal_timing import BROWSER, HEADER, CpuMeter, Page, fetch, parallel, round_robin, row
from tests.factories import provider_payload
from tests.portal.accounts import code, csrf_of, totp_secret_of
from tests.processes import free_port

from pdp.platform import clock, ids
from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.deposits import follow_up
from pdp.tenants.deposits.dashboard import dashboard
from pdp.tenants.deposits.listing import InvoiceFilters, InvoiceListing
from pdp.tenants.deposits.payment_terms import PaymentTerms

LARGE, SMALL = 10_000, 100
PAGE = 25  # the list's page, as the portal shows it
# The bench is one tenant asking as fast as it can: the per-tenant budget would measure itself.
UNTHROTTLED = {
    "api_tenant_rate_per_second": 100_000.0,
    "api_tenant_rate_burst": 100_000,
    "api_tenant_max_in_flight": 1_000,
}


# ---------------------------------------------------------------------------------------------------- set-up


async def seed(settings: Settings, api: str, staff: int) -> tuple[Portal, list[portal_seed.SeededUser]]:
    """The tenant, its three providers and their invoices; ``staff`` administrators of P, then one of S."""
    engine = create_engine(settings.database_url, pool_size=2)
    sessionmaker = create_sessionmaker(engine)
    async with unit_of_work(sessionmaker, tenant_id=ids.new_id("tenant")) as session:
        tenant, issued = await accounts.create_tenant(session, "Place de marché du bench", key_mode="live")
    headers = {"Authorization": f"Bearer {issued.secret}"}
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=30.0) as client:
        made = []
        for name in ("Atelier Dupont SARL", "Menuiserie Martin", "Studio Petit"):
            response = await client.post("/v1/providers", json=provider_payload(name=name))
            response.raise_for_status()
            made.append(response.json()["id"])
    rng = random.Random(20261210)
    buyers = await portal_seed.seed_directory(sessionmaker, tenant.id)
    large, _, _ = [
        await portal_seed.seed_provider(sessionmaker, tenant.id, provider, count, buyers, rng)
        for provider, count in zip(made, (LARGE, LARGE, SMALL), strict=True)
    ]
    portal = Portal(
        api,
        tenant.id,
        large=made[0],
        other=made[1],
        small=made[2],
        searched_number=large.sample_number,
        rare_recipient=large.rare_recipient,
        rare_recipient_word=large.rare_recipient_word,
    )
    users = [await portal_seed.seed_user(sessionmaker, tenant.id, portal.large, PortalRole.ADMIN) for _ in range(staff)]
    users.append(await portal_seed.seed_user(sessionmaker, tenant.id, portal.small, PortalRole.ADMIN))
    await engine.dispose()
    return portal, users


TABLES = ("invoices", "events", "documents", "chorus_recipients", "mandates", "providers")


async def hold_off_autovacuum(owner_url: str) -> None:
    """No autovacuum on the seeded tables: it would set the visibility map behind the bench's back, a few seconds
    after the import, and the plans with it."""
    engine = create_engine(owner_url, pool_size=1)
    try:
        async with engine.begin() as connection:
            for table in TABLES:
                await connection.execute(text(f"ALTER TABLE {table} SET (autovacuum_enabled = off)"))
    finally:
        await engine.dispose()


async def vacuum(owner_url: str, *, settle: bool) -> str:
    """The tables as autovacuum leaves them after a quiet while (``settle``): statistics for the planner and the
    visibility map, which lets an index-only scan skip the table. Without ``settle``, statistics only: the state
    right after a bulk import, before autovacuum came by. Says what the invoices table holds."""
    state = "SELECT relpages, relallvisible, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
    engine = create_engine(owner_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            for attempt in range(5 if settle else 1):
                for table in TABLES:
                    await autocommit.execute(text(f"{'VACUUM ' if settle else ''}ANALYZE {table}"))
                pages, visible, size = (await autocommit.execute(text(state + "WHERE relname = 'invoices'"))).one()
                if visible >= pages:
                    break
                # With synchronous_commit off (the embedded engine's), a page becomes all-visible at a second pass,
                # once the inserting transactions' commit records are flushed: as autovacuum finds it later on.
                await asyncio.sleep(1 + attempt)
    finally:
        await engine.dispose()
    return f"invoices: {pages} pages, {visible} all-visible, {size} with its indexes"


def sign_in(portal: Portal, user: portal_seed.SeededUser) -> httpx.Cookies:
    """The browser's moves: the sign-in form, then the two-step set-up an administrator owes (the secret read off
    the page, the code computed as an authenticator app does). The session's cookies."""
    with httpx.Client(headers=BROWSER, timeout=30.0) as browser:
        form = browser.get(portal.url("/connexion"))
        answer = browser.post(
            portal.url("/connexion"),
            data={"_csrf_token": csrf_of(form), "email": user.email, "password": user.password},
        )
        if answer.status_code not in (302, 303):
            raise RuntimeError(f"sign-in refused: {answer.status_code} {answer.text[:500]}")
        step = browser.get(portal.url("/connexion/code"))  # every user here is an administrator: the set-up is owed
        sealed = re.search(r'name="sealed" value="([^"]+)"', step.text)
        if sealed is None:
            raise RuntimeError(f"no two-step set-up: {step.status_code} {step.text[:500]}")
        done = browser.post(
            portal.url("/connexion/code/activation"),
            data={"_csrf_token": csrf_of(step), "sealed": sealed.group(1), "code": code(totp_secret_of(step))},
        )
        if done.status_code not in (302, 303):
            raise RuntimeError(f"two-step set-up refused: {done.status_code} {done.text[:500]}")
        dashboard_page = browser.get(portal.url("/"))
        if dashboard_page.status_code != 200:
            raise RuntimeError(f"not signed in: {dashboard_page.status_code} {dashboard_page.text[:500]}")
        return browser.cookies


# ---------------------------------------------------------------------------------------------------- pages


def link(page: httpx.Response, pattern: str) -> str | None:
    found = re.search(pattern, page.text) if page.status_code == 200 else None
    return found.group(1).replace("&amp;", "&") if found else None


def pages(portal: Portal, cookies: httpx.Cookies) -> tuple[dict[str, str], list[str]]:
    """The pages to time (label → URL), found the way a browser finds them where they are links of the list
    page, and the labels of those the portal does not serve (yet)."""
    lists = list_filters(portal, clock.now().date())
    wanted = {"dashboard": portal.url("/")} | {label: portal.url(list_path(f)) for label, f in lists.items()}
    with httpx.Client(cookies=cookies, headers=BROWSER, timeout=60.0) as client:
        served = {label: url for label, url in wanted.items() if client.get(url).status_code == 200}
        next_page = link(client.get(portal.url("/factures")), r'href="([^"]*[?;]apres=[^"]*)"')
        detail = link(client.get(portal.url("/factures?statut=suspended")), r'href="([^"]*/factures/inv_[0-9A-Z]{26})"')
        export = client.get(portal.url("/factures/export.csv")).status_code == 200
    found = {"list: next page (keyset)": next_page, "invoice detail (suspended)": detail}
    served |= {label: portal.api + path for label, path in found.items() if path is not None}
    missing = [label for label in [*wanted, *found] if label not in served]
    if export:
        served["CSV export"] = portal.url("/factures/export.csv")
    else:
        missing.append("CSV export")
    return served, missing


def measure(
    meter: CpuMeter, portal: Portal, cookies: list[httpx.Cookies], small: httpx.Cookies, args: argparse.Namespace
) -> None:
    urls, missing = pages(portal, cookies[0])
    export_url = urls.pop("CSV export", None)
    if missing:
        print(f"not served (yet), so not measured: {', '.join(missing)}")
    with (
        httpx.Client(cookies=cookies[0], headers=BROWSER, timeout=120.0) as large_user,
        httpx.Client(cookies=small, headers=BROWSER, timeout=60.0) as small_user,
    ):
        small_pages = {"dashboard": "/", "invoice list": "/factures"}
        measured = [
            Page("GET /healthz (framework floor)", large_user, f"{portal.api}/healthz"),
            *(Page(label, large_user, url) for label, url in urls.items()),
            *(
                Page(f"S ({SMALL} invoices): {label}", small_user, portal.url(path))
                for label, path in small_pages.items()
                if small_user.get(portal.url(path)).status_code == 200
            ),
        ]
        timings = round_robin(meter, measured, args.requests)
        floor = timings[0].p50
        print(
            f"\nsequential, {args.requests} rounds over every page (after 3 uncounted), one user of P ({LARGE:,} "
            f"invoices; Q has {LARGE:,} more in the tenant) and the administrator of S; CPU in ms per request:"
        )
        print(HEADER)
        for timing in timings:
            print(row(timing, floor))
        by_label = {timing.label: timing for timing in timings}
        for page, large_label in (("dashboard", "dashboard"), ("invoice list", "invoice list, first page")):
            large, small_page = by_label.get(large_label), by_label.get(f"S ({SMALL} invoices): {page}")
            if large is None or small_page is None:
                continue
            print(
                f"  cost of scale, {page} ({LARGE:,} vs {SMALL} invoices): p50 x{large.p50 / small_page.p50:.2f}, "
                f"API CPU x{large.api_cpu_ms / max(small_page.api_cpu_ms, 1e-9):.2f}, "
                f"PostgreSQL CPU x{large.postgres_cpu_ms / max(small_page.postgres_cpu_ms, 1e-9):.2f}"
            )
        if export_url is not None:
            (export,) = round_robin(
                meter, [Page("CSV export, every invoice of P", large_user, export_url)], args.exports, 1
            )
            lines = fetch(large_user, "CSV export", export_url).text.count("\r\n") - 1
            print(f"\nCSV export, {args.exports} times (after 1 uncounted):")
            print(HEADER)
            print(row(export, floor, f"  {lines:,} rows"))
    print(f"\n{len(cookies)} users of P at once (each on its own session), {args.each} requests each:")
    print(HEADER + "  requests/s")
    for label in ("dashboard", "invoice list, first page", "list: search by number", "invoice detail (suspended)"):
        if label in urls:
            timing, rate = parallel(meter, label, cookies, urls[label], args.each)
            print(row(timing, floor, f"  {rate:8.1f}"))


# ---------------------------------------------------------------------------------------------------- plans


async def in_process(database_url: str, portal: Portal, user_id: str) -> None:
    """The services timed without HTTP, then the plans of their statements, for P's user."""
    engine = create_engine(database_url, pool_size=1)
    caller = PortalUserCaller(portal.tenant_id, user_id, {portal.large: PortalRole.ADMIN})
    try:
        sessionmaker = create_sessionmaker(engine)
        await time_services(sessionmaker, caller, portal, clock.now().date())
        await explain_reads(sessionmaker, caller, portal)
    finally:
        await engine.dispose()


async def _first_batch(listing: InvoiceListing, filters: InvoiceFilters) -> object:
    return await anext(aiter(listing.exported(filters)))


async def explain_reads(
    sessionmaker: async_sessionmaker[AsyncSession], caller: PortalUserCaller, portal: Portal
) -> None:
    today = clock.now().date()
    lists = list_filters(portal, today)
    every = lists["invoice list, first page"]
    print(
        "\nEXPLAIN (ANALYZE, BUFFERS) of the statements the services send, as the app role with P's user's scope "
        "bound\n(app.tenant_id, app.provider_ids: row-level security included):"
    )
    async with unit_of_work(sessionmaker, caller=caller) as session:
        listing = InvoiceListing(session)
        first = await listing.listed(every, limit=PAGE)
        suspended = await listing.listed(replace(every, status="suspended"), limit=1)
        calls: dict[str, Callable[[], Awaitable[object]]] = {
            "dashboard (by status, overdue, to act on)": lambda: dashboard(
                session, every.providers, PaymentTerms(), today
            ),
            "list, first page (page, names)": lambda: listing.listed(every, limit=PAGE),
            "list, its count": lambda: listing.count(every),
            "list: next page": lambda: listing.listed(every, limit=PAGE, starting_after=first.last_id),
            **{
                label: functools.partial(listing.listed, filters, limit=PAGE)
                for label, filters in lists.items()
                if filters.narrowed
            },
            "CSV export, first batch": functools.partial(_first_batch, listing, every),
            "invoice detail": lambda: follow_up.invoice_detail(session, suspended.invoices[0].id, PaymentTerms()),
        }
        for label, call in calls.items():
            print(f"  {label}:")
            for statement, plan in await portal_plans.plans_of(session, call):
                print(
                    f"    {portal_plans.tables_of(statement):<28} planning {plan.planning_ms:5.2f} ms, execution "
                    f"{plan.execution_ms:6.2f} ms, buffers hit {plan.hit:5} read {plan.read:3}, rows {plan.rows:5}"
                )
                for scan in plan.scans:
                    print(f"        {scan}")


# ---------------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60, help="sequential requests per page")
    parser.add_argument("--parallel", type=int, default=8, help="users of P asking at once")
    parser.add_argument("--each", type=int, default=15, help="requests per user in the parallel run")
    parser.add_argument("--exports", type=int, default=5, help="CSV exports timed")
    parser.add_argument(
        "--fresh-import",
        action="store_true",
        help="measure before the visibility map is set (autovacuum held off, ANALYZE only)",
    )
    args = parser.parse_args()
    with bench_engines() as engines:
        if args.fresh_import:
            asyncio.run(hold_off_autovacuum(engines.owner_url))
        settings = engine_settings(engines, port=free_port(), **UNTHROTTLED)
        with serving(settings, engines.data / "pdp-serve.log") as server:
            api = f"http://127.0.0.1:{settings.port}"
            started = time.perf_counter()
            portal, users = asyncio.run(seed(settings, api, args.parallel))
            table = asyncio.run(vacuum(engines.owner_url, settle=not args.fresh_import))
            seeded = time.perf_counter() - started
            print(f"seeded {2 * LARGE + SMALL:,} invoices (with events and documents) in {seeded:.1f} s; {table}")
            print("1 API process (pdp serve), the bench's client on the same machine")
            cookies = [sign_in(portal, user) for user in users]
            meter = CpuMeter(psutil.Process(server.pid), psutil.Process(engines.stack.pids()["postgres"]))
            measure(meter, portal, cookies[:-1], cookies[-1], args)
            asyncio.run(in_process(engines.app_url, portal, users[0].id))


if __name__ == "__main__":
    main()
