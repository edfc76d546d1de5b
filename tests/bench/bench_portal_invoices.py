"""The invoice list's statements with 10,000 invoices for one provider (and 9,000 for 9 others of the same tenant),
as a portal user of that provider reads them: each page's time (a page and its count) for the filters a supplier
uses, the CSV export of all 10,000, and the plans. Prints, asserts nothing (run it with pytest -s)."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from tests.bench.bench_portal_dashboard import FILL, STATUSES
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.portal.invoices import pending_mandate

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.db.session import unit_of_work
from pdp.tenants.deposits.csv_export import csv_chunks
from pdp.tenants.deposits.listing import InvoiceFilters, InvoiceListing
from pdp.tenants.deposits.models import InvoiceRecord

SCENARIOS = {
    "no filter, first page": {},
    "status paid": {"status": "paid"},
    "issued in March": {"issued_from": date(2026, 3, 1), "issued_until": date(2026, 3, 31)},
    "amount 500 to 510": {"amount_min": Decimal(500), "amount_max": Decimal(510)},
    "number contains 9999": {"number": "9999"},
    "recipient SIRET": {"recipient": "11001011300014"},
    "recipient name (directory)": {"recipient": "ministère"},
    "status failed + March": {"status": "failed", "issued_from": date(2026, 3, 1), "issued_until": date(2026, 3, 31)},
}


async def test_the_invoice_list_with_10000_invoices(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    providers = [await new_provider(client, tenant) for _ in range(10)]
    for index, provider in enumerate(providers):
        mandate = await pending_mandate(client, tenant, provider["id"])
        async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
            await session.execute(
                text(FILL),
                {"tenant": tenant.id, "prefix": f"{index:02d}", "provider": provider["id"], "mandate": mandate,
                 "statuses": STATUSES, "count": 10_000 if index == 0 else 1_000},
            )  # fmt: skip
    async with owner_engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        await conn.execute(text("VACUUM ANALYZE invoices"))
    mine = providers[0]["id"]
    caller = PortalUserCaller(tenant.id, "usr_bench", {mine: PortalRole.VIEWER})
    print()
    for label, fields in SCENARIOS.items():
        filters = InvoiceFilters(providers=frozenset({mine}), **fields)  # type: ignore[arg-type]
        timings = []
        for _ in range(5):
            async with unit_of_work(sessionmaker, caller=caller) as session:
                listing = InvoiceListing(session)
                started = time.perf_counter()
                page = await listing.listed(filters, limit=25)
                total = await listing.count(filters)
                timings.append((time.perf_counter() - started) * 1000)
        best = sorted(timings)
        shown = f"{total:6} matches, page of {len(page.invoices):2}"
        print(f"{label:32} {shown}: median {best[2]:.1f} ms, best {best[0]:.1f} ms")
    async with unit_of_work(sessionmaker, caller=caller) as session:
        started = time.perf_counter()
        size = 0
        chunks = csv_chunks(
            InvoiceListing(session).exported(InvoiceFilters(providers=frozenset({mine}))),
            locale="fr",
            translate=lambda t: t,
            status_text=lambda s: s,
            provider_names={},
        )
        async for chunk in chunks:
            size += len(chunk)
        print(f"CSV of all 10,000: {(time.perf_counter() - started) * 1000:.0f} ms, {size / 1024:.0f} KiB")
    async with unit_of_work(sessionmaker, caller=caller) as session:
        for label in ("no filter, first page", "status failed + March", "number contains 9999"):
            filters = InvoiceFilters(providers=frozenset({mine}), **SCENARIOS[label])  # type: ignore[arg-type]
            listing = InvoiceListing(session)
            query = listing.select().where(*listing._conditions(filters)).order_by(InvoiceRecord.id.desc()).limit(26)
            compiled = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})  # type: ignore[no-untyped-call]
            sql = str(compiled)
            plan = await session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"))
            print(f"-- {label}\n" + "\n".join(row[0] for row in plan))
