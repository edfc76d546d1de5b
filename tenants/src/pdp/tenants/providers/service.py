"""Provider use cases. Callers own the transaction."""

from __future__ import annotations

import msgspec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock, ids
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.db.repository import Page
from pdp.platform.errors import Conflict, ValidationFailed
from pdp.tenants.common import finding, normalize_email
from pdp.tenants.events.service import emit
from pdp.tenants.providers.identifiers import normalize_iban, parse_siret
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository
from pdp.tenants.providers.schemas import (
    Address,
    ChorusAccountRead,
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
)


def to_read(provider: Provider) -> ProviderRead:
    return ProviderRead(
        id=provider.id,
        siret=provider.siret,
        siren=provider.siren,
        vat_number=provider.vat_number,
        name=provider.name,
        email=provider.email,
        status=provider.status,  # type: ignore[arg-type]
        external_id=provider.external_id,
        address=msgspec.convert(provider.address, Address) if provider.address else None,
        iban=provider.iban,
        created_at=provider.created_at,
        updated_at=provider.updated_at,
        chorus_account=ChorusAccountRead(
            login=provider.chorus_login,
            status=provider.chorus_account_status or "unchecked",  # type: ignore[arg-type]
            checked_at=provider.chorus_account_checked_at,
            password_expires_at=provider.chorus_password_expires_at,
        )
        if provider.chorus_login
        else None,
    )


async def _ensure_external_id_free(repo: ProviderRepository, external_id: str | None, own_id: str = "") -> None:
    if external_id is None:
        return
    other = await repo.by_external_id(external_id)
    if other is not None and other.id != own_id:
        raise Conflict(
            f"Provider {other.id} already has external_id '{external_id}'.",
            code="provider_external_id_exists",
            existing_id=other.id,
        )


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValidationFailed(
            "The name is blank.",
            errors=[finding("PDP-NAME-BLANK", "The name is blank.", "Le nom est vide.", "$.name")],
        )
    return cleaned


async def create(session: AsyncSession, data: ProviderCreate, actor: Actor) -> Provider:
    ident = parse_siret(data.siret)
    email = normalize_email(data.email)
    iban = normalize_iban(data.iban) if data.iban else None
    repo = ProviderRepository(session)
    existing = await repo.by_siret(ident.siret)
    if existing is not None:
        raise Conflict(
            f"Provider {existing.id} already has SIRET {ident.siret}.", code="provider_exists", existing_id=existing.id
        )
    await _ensure_external_id_free(repo, data.external_id)
    try:
        provider = await repo.add(
            Provider(
                id=ids.new_id("provider"),
                siret=ident.siret,
                siren=ident.siren,
                vat_number=ident.vat_number,
                name=_clean_name(data.name),
                email=email,
                status="active",
                external_id=data.external_id,
                address=msgspec.to_builtins(data.address) if data.address else None,
                iban=iban,
            )
        )
    except IntegrityError as exc:
        # A concurrent request created the same SIRET (or external id) between our check and our insert.
        raise Conflict("A provider with this SIRET or external_id was just created.", code="provider_exists") from exc
    await session.refresh(provider)
    await AuditRepository(session).append(actor, "provider.created", "provider", provider.id, {"siret": provider.siret})
    await emit(
        session,
        "provider.created",
        provider.id,
        {
            "provider_id": provider.id,
            "siret": provider.siret,
            "name": provider.name,
            "external_id": provider.external_id,
        },
    )
    return provider


async def update(session: AsyncSession, provider_id: str, data: ProviderUpdate, actor: Actor) -> Provider:
    repo = ProviderRepository(session)
    provider = await repo.get(provider_id)
    changes = {name: value for name, value in msgspec.structs.asdict(data).items() if value is not msgspec.UNSET}
    if "email" in changes:
        changes["email"] = normalize_email(changes["email"])
    if changes.get("iban"):
        changes["iban"] = normalize_iban(changes["iban"])
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"])
    if "external_id" in changes:
        await _ensure_external_id_free(repo, changes["external_id"], own_id=provider.id)
    if "address" in changes and changes["address"] is not None:
        changes["address"] = msgspec.to_builtins(changes["address"])
    if changes:
        for name, value in changes.items():
            setattr(provider, name, value)
        provider.updated_at = clock.now()
        await session.flush()
        await AuditRepository(session).append(
            actor, "provider.updated", "provider", provider.id, {"fields": ",".join(sorted(changes))}
        )
    return provider


async def get(session: AsyncSession, provider_id: str) -> Provider:
    return await ProviderRepository(session).get(provider_id)


async def search(
    session: AsyncSession,
    *,
    status: str | None = None,
    external_id: str | None = None,
    siret: str | None = None,
    limit: int = 10,
    starting_after: str | None = None,
) -> Page[Provider]:
    return await ProviderRepository(session).search(
        status=status, external_id=external_id, siret=siret, limit=limit, starting_after=starting_after
    )
