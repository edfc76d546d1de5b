"""Partner API shapes for mandates (docs/api.md § Mandates)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

InvoiceType = Literal["invoice", "credit_note"]
MandateStatus = Literal["pending", "active", "revoked", "expired"]
Siret = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{14}$")]


class MandateScope(msgspec.Struct, forbid_unknown_fields=True):
    """``null`` means "all": all public recipients, all invoice types."""

    recipients: Annotated[list[Siret], msgspec.Meta(min_length=1, max_length=1000)] | None = None
    invoice_types: Annotated[list[InvoiceType], msgspec.Meta(min_length=1)] | None = None


class MandateCreate(msgspec.Struct, forbid_unknown_fields=True):
    valid_from: date
    scope: MandateScope = msgspec.field(default_factory=MandateScope)
    valid_until: date | None = None
    # How long the provider may contest an invoice issued in its name (doctrine: freely set by the parties).
    contest_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 30


class MandateRead(msgspec.Struct):
    id: str
    provider_id: str
    status: MandateStatus
    scope: MandateScope
    valid_from: date
    valid_until: date | None
    contest_days: int
    document_sha256: str
    # pdp e-mails the invitation to the provider's contact itself; nobody else ever sees its link.
    invited_at: datetime | None
    acceptance_expires_at: datetime | None
    accepted_at: datetime | None
    accepted_by: str | None
    revoked_at: datetime | None
    revoked_by: Literal["tenant", "provider"] | None
    refusal_reason: str | None  # the provider's own words when it refused or revoked the mandate
    created_at: datetime
    object: str = "mandate"
