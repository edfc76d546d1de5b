"""How deposited invoices, their events and documents look in the Partner API."""

from __future__ import annotations

from pdp.einvoice.formats.policy import stored_name
from pdp.platform import clock
from pdp.tenants.archive.models import ArchivedDocument
from pdp.tenants.deposits.lifecycle import AWAITING_PAYMENT, cdar_code
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.payment_terms import PaymentTerms
from pdp.tenants.deposits.repository import NO_LINKS, InvoiceLinks
from pdp.tenants.deposits.schemas import (
    ArchiveProof,
    ChorusState,
    DocumentRead,
    EventRead,
    InvoiceRead,
    LatePaymentRead,
    Recipient,
)
from pdp.tenants.events.models import Event

DEFAULT_TERMS = PaymentTerms()


def invoice_read(
    record: InvoiceRecord, terms: PaymentTerms = DEFAULT_TERMS, links: InvoiceLinks = NO_LINKS
) -> InvoiceRead:
    """The invoice as the API shows it; ``links`` are the later invoices that name it (InvoiceRepository.links_to)."""
    late = None
    if record.expected_payment_date is not None and record.status in AWAITING_PAYMENT:
        owed = terms.late_payment(record.amount_due, record.expected_payment_date, clock.now().date())
        if owed is not None:
            late = LatePaymentRead(
                owed.days_late, f"{owed.interest_rate:.2f}", f"{owed.interest:.2f}", f"{owed.indemnity:.2f}"
            )
    return InvoiceRead(
        id=record.id,
        provider_id=record.provider_id,
        mandate_id=record.mandate_id,
        number=record.number,
        type=record.type,
        issue_date=record.issue_date,
        due_date=record.due_date,
        currency=record.currency,
        total_excl_tax=f"{record.total_excl_tax:.2f}",
        total_tax=f"{record.total_tax:.2f}",
        total_incl_tax=f"{record.total_incl_tax:.2f}",
        amount_due=f"{record.amount_due:.2f}",
        recipient=Recipient(record.recipient_siret, record.service_code, record.engagement_number),
        format=record.format,
        status=record.status,
        mode=record.mode,
        chorus=ChorusState(
            record.chorus_flux_number, record.chorus_invoice_id, record.chorus_status, record.chorus_status_at
        ),
        expected_payment_date=record.expected_payment_date,
        archive=ArchiveProof(record.archive_sha256, record.retain_until),
        created_at=record.created_at,
        updated_at=record.updated_at,
        cdar_code=cdar_code(record.status, record.chorus_status),
        last_error=record.last_error,
        overdue=late is not None,
        late_payment=late,
        original_invoice_id=record.original_invoice_id,
        relation=record.relation,
        replaced_by_invoice_id=links.replaced_by,
        credit_note_ids=list(links.credit_notes),
    )


def event_read(event: Event) -> EventRead:
    return EventRead(id=event.id, type=event.type, created_at=event.created_at, data=event.data)


def document_read(document: ArchivedDocument) -> DocumentRead:
    return DocumentRead(
        id=document.id,
        kind=document.kind,
        filename=stored_name(document.filename),  # rows archived before names were normalised too
        content_type=document.content_type,
        sha256=document.sha256,
        size=document.size,
        retain_until=document.retain_until,
        created_at=document.created_at,
    )
