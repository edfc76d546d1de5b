"""SQL for deposited invoices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.db.repository import Page, TenantRepository
from pdp.tenants.deposits.models import InvoiceRecord


class InvoiceRepository(TenantRepository[InvoiceRecord]):
    model = InvoiceRecord

    async def by_number(self, provider_id: str, number: str) -> InvoiceRecord | None:
        query = self.select().where(InvoiceRecord.provider_id == provider_id, InvoiceRecord.number == number)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def for_update(self, invoice_id: str) -> InvoiceRecord:
        """Locked: one worker at a time moves one invoice (submission, tracking, actions)."""
        query = self.select().where(InvoiceRecord.id == invoice_id).with_for_update()
        found = await self.session.execute(query.execution_options(populate_existing=True))
        invoice = found.scalar_one_or_none()
        if invoice is None:
            return await self.get(invoice_id)  # raises NotFound
        return invoice

    async def search(
        self,
        *,
        provider_id: str | None,
        status: str | None,
        recipient_siret: str | None,
        number: str | None,
        created_after: datetime | None,
        limit: int,
        starting_after: str | None,
    ) -> Page[InvoiceRecord]:
        query = self.select()
        filters = {
            InvoiceRecord.provider_id: provider_id,
            InvoiceRecord.status: status,
            InvoiceRecord.recipient_siret: recipient_siret,
            InvoiceRecord.number: number,
        }
        for column, value in filters.items():
            if value is not None:
                query = query.where(column == value)
        if created_after is not None:
            query = query.where(InvoiceRecord.created_at > created_after)
        return await self.page(query, limit=limit, starting_after=starting_after)


async def claim_due(session: AsyncSession, batch: int, lease_seconds: int) -> list[tuple[str, str]]:
    """(tenant_id, invoice_id) of invoices whose next check is due, fairly across tenants, leased."""
    rows = await session.execute(
        text("SELECT tenant_id, id FROM pdp_invoices_claim_due(:batch, :lease)"),
        {"batch": batch, "lease": lease_seconds},
    )
    return [(row.tenant_id, row.id) for row in rows]
