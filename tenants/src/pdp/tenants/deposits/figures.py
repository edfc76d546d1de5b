"""SQL of the portal's dashboard: a provider's invoices counted and summed by PostgreSQL, never loaded to count.

Each statement is scoped like every read of the repository (tenant, then the session caller's providers; RLS
underneath) and narrowed further to the providers the page shows. They stay a few milliseconds with 10,000
invoices for one provider: the counts are one GROUP BY over the provider's rows; the overdue and "to act on"
lists read only the rows of their statuses.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVarTuple

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.repository import InvoiceRepository


@dataclass(frozen=True, slots=True)
class StatusGroup:
    status: str
    currency: str
    count: int
    amount_due: Decimal
    due_soon_count: int  # expected to be paid within the horizon asked for
    due_soon_amount: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    id: str
    provider_id: str
    number: str
    status: str
    recipient_siret: str
    currency: str
    amount_due: Decimal
    expected_payment_date: date | None


Row = TypeVarTuple("Row")

_LINE = (
    InvoiceRecord.id,
    InvoiceRecord.provider_id,
    InvoiceRecord.number,
    InvoiceRecord.status,
    InvoiceRecord.recipient_siret,
    InvoiceRecord.currency,
    InvoiceRecord.amount_due,
    InvoiceRecord.expected_payment_date,
)


class InvoiceFigures(InvoiceRepository):
    def _visible(self, query: Select[*Row], providers: Collection[str]) -> Select[*Row]:
        """``query`` over what the session's caller may read, narrowed to ``providers``."""
        query = query.where(InvoiceRecord.tenant_id == self.tenant_id, InvoiceRecord.provider_id.in_(providers))
        if self.provider_scope is not None:
            query = query.where(self.of_providers(self.provider_scope))
        return query

    async def by_status(self, providers: Collection[str], due_from: date, due_until: date) -> list[StatusGroup]:
        """Count and amount due per status and currency, with the part expected between the two dates."""
        due_soon = InvoiceRecord.expected_payment_date.between(due_from, due_until)
        query = self._visible(
            select(
                InvoiceRecord.status,
                InvoiceRecord.currency,
                func.count(),
                func.coalesce(func.sum(InvoiceRecord.amount_due), 0),
                func.count().filter(due_soon),
                func.coalesce(func.sum(InvoiceRecord.amount_due).filter(due_soon), 0),
            ),
            providers,
        ).group_by(InvoiceRecord.status, InvoiceRecord.currency)
        return [StatusGroup(*row) for row in await self.session.execute(query)]

    async def overdue(self, providers: Collection[str], statuses: Collection[str], today: date) -> list[InvoiceLine]:
        """Invoices of ``statuses`` whose expected payment date has passed, the longest overdue first."""
        query = self._visible(select(*_LINE), providers).where(
            InvoiceRecord.status.in_(statuses), InvoiceRecord.expected_payment_date < today
        )
        rows = await self.session.execute(query.order_by(InvoiceRecord.expected_payment_date, InvoiceRecord.id))
        return [InvoiceLine(*row) for row in rows]

    async def to_act_on(
        self, providers: Collection[str], statuses: Collection[str], limit: int
    ) -> tuple[int, list[InvoiceLine]]:
        """How many invoices of ``statuses`` wait for the supplier, and the ``limit`` latest; a rejected invoice
        already replaced by a corrected one waits for nothing."""
        replacement = aliased(InvoiceRecord)
        replaced = (
            select(replacement.id)
            .where(
                and_(
                    replacement.tenant_id == InvoiceRecord.tenant_id,
                    replacement.original_invoice_id == InvoiceRecord.id,
                    replacement.relation == "replaces",
                )
            )
            .exists()
        )
        query = self._visible(select(*_LINE, func.count().over()), providers).where(
            InvoiceRecord.status.in_(statuses), ~replaced
        )
        rows = list(await self.session.execute(query.order_by(InvoiceRecord.updated_at.desc()).limit(limit)))
        return (rows[0][-1] if rows else 0), [InvoiceLine(*row[:-1]) for row in rows]
