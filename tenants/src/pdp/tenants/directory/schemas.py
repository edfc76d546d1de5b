"""The directory's snapshots (what Chorus says) and its public shape (docs/api.md § Directory of public recipients)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import msgspec


@dataclass(frozen=True, slots=True)
class ServiceSnapshot:
    code: str
    name: str
    active: bool
    engagement_required: bool
    chorus_id: int | None = None


@dataclass(frozen=True, slots=True)
class RecipientSnapshot:
    """One public structure as Chorus Pro's Structures API describes it, with its services."""

    siret: str
    name: str
    active: bool
    service_code_required: bool = False
    engagement_required: bool = False
    engagement_or_service_required: bool = False
    payment_status_hidden: bool = False
    chorus_id: int | None = None
    address_line: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country_code: str | None = None
    services: tuple[ServiceSnapshot, ...] = field(default_factory=tuple)


class ServiceRead(msgspec.Struct, kw_only=True):
    code: str
    name: str
    active: bool
    engagement_required: bool


class AddressRead(msgspec.Struct, kw_only=True):
    line1: str | None
    postal_code: str | None
    city: str | None
    country: str | None


class RecipientRead(msgspec.Struct, kw_only=True):
    siret: str
    name: str
    address: AddressRead | None
    active: bool
    service_code_required: bool
    engagement_required: bool
    engagement_or_service_required: bool
    services: list[ServiceRead]
    fetched_at: datetime
    object: str = "recipient"
