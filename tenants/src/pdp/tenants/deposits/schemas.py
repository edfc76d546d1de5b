"""Partner API shapes for deposited invoices (docs/api.md § Invoices). Amounts are decimal strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec


class Recipient(msgspec.Struct):
    siret: str
    service_code: str | None
    engagement_number: str | None


class ChorusState(msgspec.Struct):
    flux_number: str | None
    invoice_id: int | None
    status: str | None
    status_at: datetime | None


class ArchiveProof(msgspec.Struct):
    sha256: str
    retain_until: datetime


class LatePaymentRead(msgspec.Struct):
    days_late: int
    interest_rate: str  # percent a year: ECB main refinancing rate + 8 points
    interest: str
    recovery_indemnity: str


class InvoiceRead(msgspec.Struct):
    id: str
    provider_id: str
    mandate_id: str
    number: str
    type: str
    issue_date: date
    due_date: date | None
    currency: str
    total_excl_tax: str
    total_tax: str
    total_incl_tax: str
    amount_due: str
    recipient: Recipient
    format: str
    status: str
    mode: str  # test: Chorus Pro's qualification environment; live: production (the depositing key's mode)
    chorus: ChorusState
    expected_payment_date: date | None
    archive: ArchiveProof
    created_at: datetime
    updated_at: datetime
    cdar_code: str | None = None
    last_error: str | None = None
    overdue: bool = False
    late_payment: LatePaymentRead | None = None
    original_invoice_id: str | None = None  # the invoice this credit note credits, or this corrected one replaces
    relation: str | None = None  # credits | replaces
    replaced_by_invoice_id: str | None = None  # the corrected invoice that replaces this rejected one
    credit_note_ids: list[str] = []  # the credit notes that credit this invoice, oldest first
    object: str = "invoice"


class EventRead(msgspec.Struct):
    id: str
    type: str
    created_at: datetime
    data: dict[str, Any]
    object: str = "event"


class DocumentRead(msgspec.Struct):
    id: str
    kind: str
    filename: str
    content_type: str
    sha256: str
    size: int
    retain_until: datetime
    created_at: datetime
    object: str = "document"


Text = Annotated[str, msgspec.Meta(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]


class RecycleBody(msgspec.Struct, forbid_unknown_fields=True):
    """POST /v1/invoices/{id}/recycle: the routing data to change (absent: unchanged)."""

    recipient_siret: Annotated[str, msgspec.Meta(pattern=r"^[0-9 ]{14,17}$")] | None = None
    service_code: Text | None = None
    engagement_number: Annotated[str, msgspec.Meta(max_length=50, pattern=r"^[^\x00-\x1f\x7f]*$")] | None = None
    comment: Annotated[str, msgspec.Meta(max_length=500, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$")] | None = None


class BatchItemRead(msgspec.Struct):
    index: int
    filename: str
    status: int  # what POST /v1/invoices would have answered for this file
    invoice: InvoiceRead | None = None
    error: dict[str, Any] | None = None


class BatchRead(msgspec.Struct):
    created: int
    refused: int
    items: list[BatchItemRead]
    object: str = "invoice_batch"
