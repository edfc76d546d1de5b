"""The portal's services timed in-process, as its pages call them but without HTTP or templates: the dashboard, each
of its statements on its own (and the Python that turns the overdue invoices into late interest), the invoice
list's page and count for each filter a supplier uses, and the CSV export of every invoice of P. Beside the pages'
times (``bench_portal.py``), what the framework and the templates add to them.

:func:`list_filters` are the list's filters the bench measures everywhere: as pages (:func:`list_path`), as
services here, and in the plans.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests.bench.portal_seed import Portal

from pdp.platform.callers import PortalUserCaller
from pdp.platform.db.session import unit_of_work
from pdp.tenants.deposits.csv_export import csv_chunks
from pdp.tenants.deposits.dashboard import TO_ACT_ON, Dashboard, dashboard
from pdp.tenants.deposits.figures import InvoiceFigures
from pdp.tenants.deposits.lifecycle import AWAITING_PAYMENT
from pdp.tenants.deposits.listing import InvoiceFilters, InvoiceListing
from pdp.tenants.deposits.payment_terms import PaymentTerms

RUNS = 5  # each service, each in its own unit of work as a request has it
# The list page's form fields (French, as its URL shows them) for each filter.
QUERY_FIELDS = {
    "status": "statut",
    "issued_from": "du",
    "issued_until": "au",
    "recipient": "destinataire",
    "amount_min": "montant_min",
    "amount_max": "montant_max",
    "number": "numero",
}
T = TypeVar("T")


def list_filters(portal: Portal, today: date) -> dict[str, InvoiceFilters]:
    """The invoice list as P's user asks for it: unfiltered, then by each filter of the page."""
    every = InvoiceFilters(frozenset({portal.large}))
    quarter = replace(every, issued_from=today - timedelta(days=180), issued_until=today - timedelta(days=90))
    year = replace(every, issued_from=today - timedelta(days=365), issued_until=today)
    return {
        "invoice list, first page": every,
        "list: paid, one quarter": replace(quarter, status="paid"),
        "list: rejected, last 12 months": replace(year, status="rejected"),
        "list: one recipient (SIRET)": replace(every, recipient=portal.rare_recipient),
        "list: recipient by name (directory)": replace(every, recipient=portal.rare_recipient_word),
        "list: amount 500 to 510 €": replace(every, amount_min=Decimal(500), amount_max=Decimal(510)),
        "list: search by number": replace(every, number=portal.searched_number),
    }


def list_path(filters: InvoiceFilters) -> str:
    """The list page's path that asks for ``filters``, as its form sends them."""
    fields = {field: getattr(filters, name) for name, field in QUERY_FIELDS.items()}
    query = urlencode({field: str(value) for field, value in fields.items() if value is not None})
    return f"/factures?{query}" if query else "/factures"


async def _timed(
    sessionmaker: async_sessionmaker[AsyncSession],
    caller: PortalUserCaller,
    read: Callable[[AsyncSession], Awaitable[T]],
) -> tuple[list[float], T]:
    """``read`` run :data:`RUNS` times, each in a unit of work bound to ``caller``: the milliseconds, the last
    result."""
    timings: list[float] = []
    for _ in range(RUNS):
        async with unit_of_work(sessionmaker, caller=caller) as session:
            started = time.perf_counter()
            result = await read(session)
            timings.append((time.perf_counter() - started) * 1000)
    return timings, result


def _summary(timings: list[float]) -> str:
    return f"median {statistics.median(timings):6.1f} ms, best {min(timings):6.1f} ms"


async def _dashboard_parts(session: AsyncSession, provider_id: str, today: date) -> list[str]:
    """Each of the dashboard's statements timed on its own, and the Python that prices the overdue invoices."""
    figures, terms, out = InvoiceFigures(session), PaymentTerms(), []
    started = time.perf_counter()
    await figures.by_status({provider_id}, today, today + timedelta(days=30))
    out.append(f"by status {(time.perf_counter() - started) * 1000:.1f} ms")
    started = time.perf_counter()
    lines = await figures.overdue({provider_id}, AWAITING_PAYMENT, today)
    out.append(f"overdue rows ({len(lines)}) {(time.perf_counter() - started) * 1000:.1f} ms")
    started = time.perf_counter()
    for line in lines:
        assert line.expected_payment_date is not None
        terms.late_payment(line.amount_due, line.expected_payment_date, today)
    out.append(f"late interest in Python {(time.perf_counter() - started) * 1000:.1f} ms")
    started = time.perf_counter()
    await figures.to_act_on({provider_id}, TO_ACT_ON, 10)
    out.append(f"to act on {(time.perf_counter() - started) * 1000:.1f} ms")
    return out


async def _export(session: AsyncSession, filters: InvoiceFilters) -> tuple[int, int]:
    """The CSV of every invoice matching ``filters``, streamed as the page streams it: rows and bytes."""
    size = rows = 0
    chunks = csv_chunks(
        InvoiceListing(session).exported(filters),
        locale="fr",
        translate=lambda text: text,
        status_text=lambda status: status,
        provider_names={},
    )
    async for chunk in chunks:
        size += len(chunk)
        rows += chunk.count(b"\r\n")
    return rows - 1, size  # less the header line


async def time_services(
    sessionmaker: async_sessionmaker[AsyncSession], caller: PortalUserCaller, portal: Portal, today: date
) -> None:
    print(f"\nthe services in-process for P's user ({RUNS} runs each, a unit of work each, no HTTP, no template):")
    provider = portal.large

    async def figures(session: AsyncSession) -> Dashboard:
        return await dashboard(session, {provider}, PaymentTerms(), today)

    timings, shown = await _timed(sessionmaker, caller, figures)
    print(
        f"  {'dashboard':<52} {_summary(timings)}  ({shown.total:,} invoices; overdue {shown.overdue_count}, "
        f"awaited {shown.awaiting_count}, to act on {shown.to_act_on_count})"
    )
    async with unit_of_work(sessionmaker, caller=caller) as session:
        print("    its statements: " + "; ".join(await _dashboard_parts(session, provider, today)))
    for label, filters in list_filters(portal, today).items():

        async def page_and_count(session: AsyncSession, filters: InvoiceFilters = filters) -> tuple[int, int]:
            listing = InvoiceListing(session)
            page = await listing.listed(filters, limit=25)
            return len(page.invoices), await listing.count(filters)

        timings, (shown_rows, matches) = await _timed(sessionmaker, caller, page_and_count)
        print(f"  {label + ' (page + count)':<52} {_summary(timings)}  ({matches:,} matching, {shown_rows} shown)")

    async def export(session: AsyncSession) -> tuple[int, int]:
        return await _export(session, InvoiceFilters(frozenset({provider})))

    timings, (rows, size) = await _timed(sessionmaker, caller, export)
    print(f"  {'CSV export, every invoice of P':<52} {_summary(timings)}  ({rows:,} rows, {size / 1024:,.0f} KiB)")
