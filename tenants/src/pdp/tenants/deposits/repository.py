"""SQL for deposited invoices."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.db.repository import Page, TenantRepository
from pdp.tenants.deposits.models import InvoiceRecord


@dataclass(frozen=True, slots=True)
class InvoiceLinks:
    """The later invoices that name one: its replacement (a corrected invoice) and its credit notes."""

    replaced_by: str | None = None  # the newest, should a rejected invoice have been replaced more than once
    credit_notes: tuple[str, ...] = ()  # oldest first


NO_LINKS = InvoiceLinks()


class InvoiceRepository(TenantRepository[InvoiceRecord]):
    model = InvoiceRecord
    provider_key = "provider_id"

    async def links_to(self, invoice_ids: Sequence[str]) -> dict[str, InvoiceLinks]:
        """What replaced or credited each of ``invoice_ids`` (absent: nothing did), in one query."""
        if not invoice_ids:
            return {}
        query = (
            select(InvoiceRecord.original_invoice_id, InvoiceRecord.id, InvoiceRecord.relation)
            .where(InvoiceRecord.tenant_id == self.tenant_id, InvoiceRecord.original_invoice_id.in_(invoice_ids))
            .order_by(InvoiceRecord.created_at, InvoiceRecord.id)
        )
        replaced_by: dict[str, str] = {}
        credit_notes: dict[str, list[str]] = {}
        for row in await self.session.execute(query):
            original_id = str(row.original_invoice_id)  # never NULL: the IN filter
            if row.relation == "replaces":
                replaced_by[original_id] = row.id  # rows come oldest first: the newest wins
            else:
                credit_notes.setdefault(original_id, []).append(row.id)
        return {
            original_id: InvoiceLinks(replaced_by.get(original_id), tuple(credit_notes.get(original_id, ())))
            for original_id in replaced_by.keys() | credit_notes.keys()
        }

    async def several(self, invoice_ids: Sequence[str]) -> dict[str, InvoiceRecord]:
        """The invoices of ``invoice_ids`` the caller may read, by id (the others are absent)."""
        if not invoice_ids:
            return {}
        query = self.select().where(InvoiceRecord.id.in_(invoice_ids))
        return {record.id: record for record in (await self.session.execute(query)).scalars()}

    async def by_number(self, provider_id: str, number: str) -> InvoiceRecord | None:
        query = self.select().where(InvoiceRecord.provider_id == provider_id, InvoiceRecord.number == number)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def followed_in_chorus(
        self, mode: str, chorus_ids: Collection[int], flux_numbers: Collection[str], statuses: Collection[str]
    ) -> list[InvoiceRecord]:
        """The caller's invoices of ``mode`` in one of ``statuses`` that Chorus knows by one of ``chorus_ids``, or
        that are still known by their flux only (one of ``flux_numbers``)."""
        if not chorus_ids and not flux_numbers:
            return []
        known = or_(
            InvoiceRecord.chorus_invoice_id.in_(chorus_ids),
            and_(InvoiceRecord.chorus_invoice_id.is_(None), InvoiceRecord.chorus_flux_number.in_(flux_numbers)),
        )
        query = self.select().where(InvoiceRecord.mode == mode, InvoiceRecord.status.in_(statuses), known)
        return list((await self.session.execute(query)).scalars())

    async def reschedule(self, rows: list[dict[str, object]]) -> None:
        """Update the given columns of many invoices in one statement (each row: its key and the new values)."""
        if rows:
            await self.session.execute(update(InvoiceRecord), rows)

    async def several_for_update(self, invoice_ids: Sequence[str]) -> dict[str, InvoiceRecord]:
        """Several invoices locked, in the order of their ids: two transactions locking overlapping sets this way
        never wait for each other in a circle (take these locks before any other, the audit chain's included)."""
        query = self.select().where(InvoiceRecord.id.in_(invoice_ids)).order_by(InvoiceRecord.id).with_for_update()
        found = await self.session.execute(query.execution_options(populate_existing=True))
        return {record.id: record for record in found.scalars()}

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


@dataclass(frozen=True, slots=True)
class Due:
    tenant_id: str
    invoice_id: str
    status: str


async def claim_due(session: AsyncSession, batch: int, lease_seconds: int) -> list[Due]:
    """The invoices whose next check is due, fairly across tenants, leased."""
    rows = await session.execute(
        text("SELECT tenant_id, id, status FROM pdp_invoices_claim_due(:batch, :lease)"),
        {"batch": batch, "lease": lease_seconds},
    )
    return [Due(row.tenant_id, row.id, row.status) for row in rows]


async def open_invoice_case(session: AsyncSession, kind: str, invoice_id: str, detail: dict[str, Any]) -> None:
    """A staff case about an invoice of the session's tenant (``pdp_open_invoice_case``, migration 0022: the app
    role cannot write the cross-tenant queue itself); an open case of the same kind takes the new detail."""
    await session.execute(
        text("SELECT pdp_open_invoice_case(:kind, :invoice_id, :case_id, CAST(:detail AS jsonb))"),
        {
            "kind": kind,
            "invoice_id": invoice_id,
            "case_id": ids.new_id("staff_case"),
            "detail": json.dumps(detail, default=str),
        },
    )
