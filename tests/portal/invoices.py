"""Invoices written straight into a tenant's rows, in the statuses and on the dates a test needs (the deposit
pipeline is tested elsewhere; the dashboard only reads what is there)."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import ids
from pdp.platform.db.session import unit_of_work
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.repository import InvoiceRepository
from tests.conftest import TenantFixture
from tests.journeys import new_mandate


async def pending_mandate(client: Any, tenant: TenantFixture, provider_id: str) -> str:
    """A mandate row to hang invoices on (its acceptance is not what these tests look at)."""
    return str((await new_mandate(client, tenant, provider_id))["id"])


def invoice_row(
    provider_id: str,
    mandate_id: str,
    status: str,
    amount_due: str,
    expected: date | None,
    **extra: Any,
) -> InvoiceRecord:
    amount = Decimal(amount_due)
    return InvoiceRecord(
        id=ids.new_id("invoice"),
        provider_id=provider_id,
        mandate_id=mandate_id,
        number=extra.pop("number", f"F-{secrets.token_hex(4)}"),
        type="invoice",
        issue_date=date(2026, 1, 5),
        currency="EUR",
        total_excl_tax=amount,
        total_tax=Decimal("0.00"),
        total_incl_tax=amount,
        amount_due=amount,
        recipient_siret="11001011300014",
        billing_frame="A1",
        format="cii",
        status=status,
        mode="test",
        original_document_id="doc_seeded",
        deposit_document_id="doc_seeded",
        archive_sha256="0" * 64,
        retain_until=datetime(2036, 1, 1, tzinfo=UTC),
        expected_payment_date=expected,
        **extra,
    )


async def seed(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, rows: list[InvoiceRecord]) -> None:
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        repository = InvoiceRepository(session)
        for row in rows:
            await repository.add(row, flush=False)
        await session.flush()


def days(n: int, today: date) -> date:
    return today + timedelta(days=n)
