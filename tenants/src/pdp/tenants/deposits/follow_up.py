"""One invoice as its supplier follows it: the record, its history, its documents, what stopped it and what can be
done about it. The Partner API's ``/v1/invoices/{id}/events`` and ``…/documents/{id}/content`` call the same
functions as the portal's invoice page, so both show the same history and serve the same bytes.

Every read goes through the session's caller (an API key sees its tenant, a portal user its providers): an
invoice the caller may not read is ``NotFound``, whoever owns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.errors import NotFound
from pdp.tenants.archive import service as archive
from pdp.tenants.archive.models import ArchivedDocument
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.archive.store import Archive
from pdp.tenants.deposits import actions
from pdp.tenants.deposits.advice import Advice, Comment, advice_for, comments
from pdp.tenants.deposits.intake import NOT_IN_CHORUS
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.payment_terms import PaymentTerms
from pdp.tenants.deposits.repository import NO_LINKS, InvoiceRepository
from pdp.tenants.deposits.schemas import InvoiceRead
from pdp.tenants.deposits.views import invoice_read
from pdp.tenants.directory.repository import RecipientRepository
from pdp.tenants.events.models import Event
from pdp.tenants.events.service import EventRepository
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository

HISTORY_TYPES = frozenset({"invoice.created", "invoice.status_changed"})


async def invoice_events(session: AsyncSession, invoice_id: str) -> list[Event]:
    """The invoice's events, oldest first (``NotFound`` when the caller may not read the invoice)."""
    await InvoiceRepository(session).get(invoice_id)
    return await EventRepository(session).of_subject(invoice_id)


async def invoice_document(
    session: AsyncSession, bucket: Archive, invoice_id: str, document_id: str
) -> tuple[ArchivedDocument, bytes]:
    """One of the invoice's archived documents and its bytes, byte-identical to what was archived (checked against
    its SHA-256); ``NotFound`` for a document of another invoice, or an invoice the caller may not read."""
    await InvoiceRepository(session).get(invoice_id)
    document, data = await archive.content(session, bucket, document_id)
    if document.subject_id != invoice_id:
        raise NotFound(f"No such document: {document_id}")
    return document, data


@dataclass(frozen=True, slots=True)
class Possible:
    """What the invoice's state allows (the role the user needs is the page's check)."""

    withdraw: bool
    recycle: bool
    complete: bool
    replace: bool  # deposit a corrected invoice that replaces this rejected one
    credit: bool  # deposit a credit note that credits this invoice

    @property
    def anything(self) -> bool:
        return self.withdraw or self.recycle or self.complete or self.replace or self.credit


def possible(invoice: InvoiceRecord, *, replaced: bool) -> Possible:
    return Possible(
        withdraw=actions.can_withdraw(invoice),
        recycle=actions.can_recycle(invoice),
        complete=actions.can_complete(invoice),
        # The same conditions as intake's links: only a rejected invoice is replaced (once is enough to show the
        # button), only an invoice Chorus Pro holds is credited.
        replace=invoice.status == "rejected" and not replaced,
        credit=invoice.type == "invoice" and invoice.status not in NOT_IN_CHORUS,
    )


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the invoice's history."""

    at: datetime
    status: str
    previous: str | None
    chorus_status: str | None
    comment: str | None
    recycled: bool
    attachments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InvoiceDetail:
    record: InvoiceRecord
    shown: InvoiceRead  # the API's view of it: amounts, late payment, links
    provider: Provider
    recipient_name: str | None
    history: list[Step]  # oldest first
    comments: list[Comment]
    documents: list[ArchivedDocument]
    advice: Advice | None
    related: dict[str, InvoiceRecord]  # the invoices it names or that name it, by id
    possible: Possible


def history_of(events: list[Event]) -> list[Step]:
    steps = []
    for event in events:
        if event.type not in HISTORY_TYPES:
            continue
        data = event.data
        steps.append(
            Step(
                at=event.created_at,
                status=str(data.get("status") or "queued"),
                previous=data.get("previous_status"),
                chorus_status=data.get("chorus_status"),
                comment=data.get("chorus_comment"),
                recycled=bool(data.get("recycled")),
                attachments=tuple(str(name) for name in data.get("attachments") or ()),
            )
        )
    return steps


async def invoice_detail(session: AsyncSession, invoice_id: str, terms: PaymentTerms) -> InvoiceDetail:
    """Everything the invoice's page shows (``NotFound`` when the caller may not read the invoice)."""
    invoices = InvoiceRepository(session)
    record = await invoices.get(invoice_id)
    links = (await invoices.links_to([record.id])).get(record.id, NO_LINKS)
    events = await EventRepository(session).of_subject(record.id)
    names = await RecipientRepository(session).names([record.recipient_siret])
    named = [i for i in (record.original_invoice_id, links.replaced_by, *links.credit_notes) if i is not None]
    return InvoiceDetail(
        record=record,
        shown=invoice_read(record, terms, links),
        provider=await ProviderRepository(session).get(record.provider_id),
        recipient_name=names.get(record.recipient_siret),
        history=history_of(events),
        comments=comments(events),
        documents=await DocumentRepository(session).of_subject(record.id),
        advice=advice_for(record, events),
        related=await invoices.several(named),
        possible=possible(record, replaced=links.replaced_by is not None),
    )
