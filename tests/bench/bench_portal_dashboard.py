"""The dashboard's statements with 10,000 invoices for one provider (and 10,000 for 9 others of the same tenant):
prints each statement's plan and time and the service's total, asserts nothing (run it with pytest -s)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.portal.invoices import pending_mandate

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.db.session import unit_of_work
from pdp.tenants.deposits.dashboard import dashboard
from pdp.tenants.deposits.payment_terms import PaymentTerms

STATUSES = ["delivered", "in_process", "approved", "payment_sent", "paid", "suspended", "rejected", "failed"]
FILL = """
INSERT INTO invoices (tenant_id, id, provider_id, mandate_id, number, type, issue_date, currency, total_excl_tax,
  total_tax, total_incl_tax, amount_due, recipient_siret, billing_frame, format, status, mode, original_document_id,
  deposit_document_id, archive_sha256, retain_until, expected_payment_date)
SELECT :tenant, 'inv_' || CAST(:prefix AS text) || lpad(n::text, 22, '0'), :provider, :mandate,
  'B-' || CAST(:prefix AS text) || n, 'invoice',
  date '2026-01-01' + (n % 300), 'EUR', 100 + n % 900, 0, 100 + n % 900, 100 + n % 900, '11001011300014', 'A1', 'cii',
  (CAST(:statuses AS text[]))[1 + n % 8], 'test', 'doc_x', 'doc_x', repeat('0', 64), now() + interval '10 years',
  date '2026-02-01' + (n % 300)
FROM generate_series(1, :count) AS n
"""


async def test_dashboard_with_10000_invoices(
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
    # As autovacuum would have by then: statistics, and the visibility map that lets index-only scans skip the table.
    async with owner_engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        await conn.execute(text("VACUUM ANALYZE invoices"))
    caller = PortalUserCaller(tenant.id, "pus_bench", {providers[0]["id"]: PortalRole.VIEWER})
    timings = []
    for _ in range(5):
        async with unit_of_work(sessionmaker, caller=caller) as session:
            started = time.perf_counter()
            figures = await dashboard(session, {providers[0]["id"]}, PaymentTerms(), date(2026, 6, 15))
            timings.append((time.perf_counter() - started) * 1000)
    print(f"\ndashboard over {figures.total} invoices: {', '.join(f'{t:.1f}' for t in timings)} ms")
    print(f"  overdue {figures.overdue_count}, awaited {figures.awaiting_count}, to act on {figures.to_act_on_count}")
    for _ in range(3):
        async with unit_of_work(sessionmaker, caller=caller) as session:
            print("  " + "; ".join(await _parts(session, providers[0]["id"])))
    async with unit_of_work(sessionmaker, caller=caller) as session:
        for label, sql in (
            ("by status", "SELECT status, currency, count(*), sum(amount_due) FROM invoices WHERE tenant_id = :t "
             "AND provider_id = :p GROUP BY status, currency"),
            ("overdue", "SELECT id FROM invoices WHERE tenant_id = :t AND provider_id = :p AND status IN "
             "('delivered','in_process','approved','suspended','completed','deposited') "
             "AND expected_payment_date < date '2026-06-15' ORDER BY expected_payment_date"),
            ("to act on", "SELECT id, count(*) OVER () FROM invoices WHERE tenant_id = :t AND provider_id = :p AND "
             "status IN ('suspended','to_recycle','rejected','failed') ORDER BY updated_at DESC LIMIT 10"),
        ):  # fmt: skip
            plan = await session.execute(
                text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"), {"t": tenant.id, "p": providers[0]["id"]}
            )
            print(f"-- {label}\n" + "\n".join(row[0] for row in plan))


async def _parts(session: AsyncSession, provider_id: str) -> list[str]:
    """Each of the dashboard's statements, timed on its own (and the Python that turns the overdue into money)."""
    from datetime import timedelta

    from pdp.tenants.deposits.dashboard import TO_ACT_ON
    from pdp.tenants.deposits.figures import InvoiceFigures
    from pdp.tenants.deposits.lifecycle import AWAITING_PAYMENT

    figures, today, terms, out = InvoiceFigures(session), date(2026, 6, 15), PaymentTerms(), []
    started = time.perf_counter()
    await figures.by_status({provider_id}, today, today + timedelta(days=30))
    out.append(f"by_status {(time.perf_counter() - started) * 1000:.1f} ms")
    started = time.perf_counter()
    lines = await figures.overdue({provider_id}, AWAITING_PAYMENT, today)
    out.append(f"overdue rows ({len(lines)}) {(time.perf_counter() - started) * 1000:.1f} ms")
    started = time.perf_counter()
    for line in lines:
        assert line.expected_payment_date is not None
        terms.late_payment(line.amount_due, line.expected_payment_date, today)
    out.append(f"late payments in Python {(time.perf_counter() - started) * 1000:.1f} ms")
    started = time.perf_counter()
    await figures.to_act_on({provider_id}, TO_ACT_ON, 10)
    out.append(f"to_act_on {(time.perf_counter() - started) * 1000:.1f} ms")
    return out
