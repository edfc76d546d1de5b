"""Partner API shapes for providers (``docs/api.md`` § Providers). Unknown fields are refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from pdp.tenants.common import PRINTABLE

Name = Annotated[str, PRINTABLE, msgspec.Meta(min_length=1, max_length=200)]
ExternalId = Annotated[str, PRINTABLE, msgspec.Meta(min_length=1, max_length=100)]
Email = Annotated[str, PRINTABLE, msgspec.Meta(max_length=254)]
Iban = Annotated[str, PRINTABLE, msgspec.Meta(max_length=42)]
SiretText = Annotated[str, PRINTABLE, msgspec.Meta(max_length=20, description="14 digits; spaces are ignored")]
Status = Literal["active", "inactive"]


class Address(msgspec.Struct, forbid_unknown_fields=True):
    line1: Annotated[str, PRINTABLE, msgspec.Meta(max_length=200)] | None = None
    line2: Annotated[str, PRINTABLE, msgspec.Meta(max_length=200)] | None = None
    postal_code: Annotated[str, PRINTABLE, msgspec.Meta(max_length=20)] | None = None
    city: Annotated[str, PRINTABLE, msgspec.Meta(max_length=100)] | None = None
    country: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")] = "FR"


class ProviderCreate(msgspec.Struct, forbid_unknown_fields=True):
    siret: SiretText
    name: Name
    email: Email
    external_id: ExternalId | None = None
    address: Address | None = None
    iban: Annotated[str, PRINTABLE, msgspec.Meta(max_length=42)] | None = None


class ProviderUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """PATCH: absent fields stay as they are; ``null`` clears an optional field. The SIRET cannot change."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    email: Email | msgspec.UnsetType = msgspec.UNSET
    status: Status | msgspec.UnsetType = msgspec.UNSET
    external_id: ExternalId | msgspec.UnsetType | None = msgspec.UNSET
    address: Address | msgspec.UnsetType | None = msgspec.UNSET
    iban: Annotated[str, msgspec.Meta(max_length=42)] | msgspec.UnsetType | None = msgspec.UNSET


class ProviderRead(msgspec.Struct):
    id: str
    siret: str
    siren: str
    vat_number: str
    name: str
    email: str
    status: Status
    external_id: str | None
    address: Address | None
    iban: str | None
    created_at: datetime
    updated_at: datetime
    chorus_account: ChorusAccountRead | None = None
    object: str = "provider"


ChorusAccountStatus = Literal["unchecked", "valid", "refused", "not_attached"]


class ChorusAccountSet(msgspec.Struct, forbid_unknown_fields=True):
    """PUT /v1/providers/{id}/chorus-account: the provider's technical account (``TECH_1_<SIRET>@cpro.fr``)."""

    login: Annotated[str, PRINTABLE, msgspec.Meta(min_length=1, max_length=200)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ChorusAccountRead(msgspec.Struct):
    """The account as the API shows it: never the password."""

    login: str
    status: ChorusAccountStatus
    checked_at: datetime | None
    # When its password expires, as Chorus Pro said when pdp last read it (daily); null until read.
    password_expires_at: datetime | None = None


class AttachedStructure(msgspec.Struct):
    siret: str | None
    name: str | None
    role: str | None


class ChorusAccountCheck(msgspec.Struct):
    status: ChorusAccountStatus
    login: str
    checked_at: datetime
    detail: str
    structures: list[AttachedStructure]
    object: str = "chorus_account_check"
