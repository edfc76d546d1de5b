"""The portal's list of invoices: the filters a supplier thinks in, newest first, a page at a time or all at once.

Every statement reads what the session's caller may read (tenant, then the portal user's providers; RLS
underneath), narrowed to the providers the page shows. Pages are keyset-paginated on the time-ordered id, as
every list of pdp is (no OFFSET: the hundredth page costs what the first does); the export walks the same order
in larger batches of plain rows, so that 10,000 invoices are neither held in memory nor tracked by the ORM.
With 10,000 invoices for one provider, a page is the primary key walked backwards within the tenant and
stopped after ``limit`` matches (a filter that matches few rows reads the provider's rows once): milliseconds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from stdnum.fr import siret as siret_number

from pdp.platform.db.repository import MAX_PAGE_SIZE
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.directory.models import Recipient
from pdp.tenants.directory.repository import RecipientRepository

EXPORT_BATCH = 500


@dataclass(frozen=True, slots=True)
class InvoiceFilters:
    """What the supplier asked to see; ``None`` is "any". ``providers`` are those the page shows (the caller's
    scope still applies: naming another provider here shows nothing more)."""

    providers: frozenset[str]
    status: str | None = None
    issued_from: date | None = None
    issued_until: date | None = None
    recipient: str | None = None  # a SIRET (spaces allowed), or part of the recipient's name in the directory
    amount_min: Decimal | None = None  # on the total with VAT, as the invoice shows it
    amount_max: Decimal | None = None
    number: str | None = None  # part of the invoice number, any case

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the providers narrows the list."""
        return any(
            value is not None
            for value in (
                self.status,
                self.issued_from,
                self.issued_until,
                self.recipient,
                self.amount_min,
                self.amount_max,
                self.number,
            )
        )


@dataclass(frozen=True, slots=True)
class InvoicePage:
    invoices: list[InvoiceRecord]
    recipient_names: dict[str, str]  # SIRET → name, for the SIRETs the directory knows
    has_more: bool

    @property
    def last_id(self) -> str | None:
        return self.invoices[-1].id if self.invoices else None


# What the export writes of each invoice: plain rows, never ORM objects.
EXPORT_COLUMNS = (
    InvoiceRecord.id,
    InvoiceRecord.provider_id,
    InvoiceRecord.number,
    InvoiceRecord.type,
    InvoiceRecord.issue_date,
    InvoiceRecord.due_date,
    InvoiceRecord.recipient_siret,
    InvoiceRecord.service_code,
    InvoiceRecord.engagement_number,
    InvoiceRecord.currency,
    InvoiceRecord.total_excl_tax,
    InvoiceRecord.total_tax,
    InvoiceRecord.total_incl_tax,
    InvoiceRecord.amount_due,
    InvoiceRecord.status,
    InvoiceRecord.chorus_status,
    InvoiceRecord.expected_payment_date,
    InvoiceRecord.created_at,
)


@dataclass(frozen=True, slots=True)
class ExportRow:
    id: str
    provider_id: str
    number: str
    type: str
    issue_date: date
    due_date: date | None
    recipient_siret: str
    service_code: str | None
    engagement_number: str | None
    currency: str
    total_excl_tax: Decimal
    total_tax: Decimal
    total_incl_tax: Decimal
    amount_due: Decimal
    status: str
    chorus_status: str | None
    expected_payment_date: date | None
    created_at: datetime
    recipient_name: str | None = None


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def recipient_siret_of(text: str) -> str | None:
    """The SIRET ``text`` is (spaces removed), or None when it is a name to look for."""
    compact = text.replace(" ", "")
    return compact if len(compact) == 14 and compact.isdigit() and siret_number.is_valid(compact) else None


class InvoiceListing(InvoiceRepository):
    def _conditions(self, filters: InvoiceFilters) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [
            InvoiceRecord.tenant_id == self.tenant_id,
            InvoiceRecord.provider_id.in_(filters.providers),
        ]
        if self.provider_scope is not None:
            conditions.append(self.of_providers(self.provider_scope))
        if filters.status is not None:
            conditions.append(InvoiceRecord.status == filters.status)
        if filters.issued_from is not None:
            conditions.append(InvoiceRecord.issue_date >= filters.issued_from)
        if filters.issued_until is not None:
            conditions.append(InvoiceRecord.issue_date <= filters.issued_until)
        if filters.amount_min is not None:
            conditions.append(InvoiceRecord.total_incl_tax >= filters.amount_min)
        if filters.amount_max is not None:
            conditions.append(InvoiceRecord.total_incl_tax <= filters.amount_max)
        if filters.number:
            conditions.append(InvoiceRecord.number.ilike(_like(filters.number), escape="\\"))
        if filters.recipient:
            siret = recipient_siret_of(filters.recipient)
            if siret is not None:
                conditions.append(InvoiceRecord.recipient_siret == siret)
            else:
                named = select(Recipient.siret).where(
                    Recipient.known, Recipient.name.ilike(_like(filters.recipient.strip()), escape="\\")
                )
                conditions.append(InvoiceRecord.recipient_siret.in_(named))
        return conditions

    async def listed(self, filters: InvoiceFilters, *, limit: int, starting_after: str | None = None) -> InvoicePage:
        """One page of the invoices ``filters`` match, newest first, after the invoice ``starting_after``."""
        query = self.select().where(*self._conditions(filters))
        page = await self.page(query, limit=min(limit, MAX_PAGE_SIZE), starting_after=starting_after)
        names = await RecipientRepository(self.session).names({i.recipient_siret for i in page.items})
        return InvoicePage(page.items, names, page.has_more)

    async def count(self, filters: InvoiceFilters) -> int:
        """How many invoices ``filters`` match (one aggregate over the provider's rows)."""
        query = select(func.count()).select_from(InvoiceRecord).where(*self._conditions(filters))
        return int((await self.session.execute(query)).scalar_one())

    async def exported(self, filters: InvoiceFilters, *, batch: int = EXPORT_BATCH) -> AsyncIterator[list[ExportRow]]:
        """Every invoice ``filters`` match, newest first, in batches of plain rows with their recipient's name."""
        conditions = self._conditions(filters)
        after: str | None = None
        while True:
            query = select(*EXPORT_COLUMNS).where(*conditions)
            if after is not None:
                query = query.where(InvoiceRecord.id < after)
            rows = (await self.session.execute(query.order_by(InvoiceRecord.id.desc()).limit(batch))).all()
            if not rows:
                return
            names = await RecipientRepository(self.session).names({row.recipient_siret for row in rows})
            yield [ExportRow(**row._asdict(), recipient_name=names.get(row.recipient_siret)) for row in rows]
            if len(rows) < batch:
                return
            after = rows[-1].id
