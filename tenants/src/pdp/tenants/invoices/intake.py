"""The validation service the Partner API calls: an upload (file + metadata) or a structured JSON invoice.

Validation is CPU work (parsing, PDF inspection, rules), so it runs in a worker thread and never blocks the
event loop. The provider named by ``provider_id`` must belong to the caller's tenant (404 otherwise); its SIRET,
name and VAT number complete JSON and plain-PDF invoices.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.errors import ValidationFailed
from pdp.tenants.common import finding as request_finding
from pdp.tenants.invoices.formats.json_input import JsonInvoice, JsonSeller
from pdp.tenants.invoices.model import ChorusRouting
from pdp.tenants.invoices.validation.engine import ValidationReport, validate_document
from pdp.tenants.providers.repository import ProviderRepository

ROUTING_FIELDS = ("recipient_siret", "service_code", "engagement_number", "billing_frame")


def _metadata_error(message: str) -> ValidationFailed:
    return ValidationFailed(
        message,
        errors=[request_finding("PDP-METADATA-INVALID", message, "Les métadonnées sont invalides.", "metadata")],
    )


async def _seller(session: AsyncSession, provider_id: object) -> JsonSeller | None:
    if provider_id is None:
        return None
    if not isinstance(provider_id, str):
        raise _metadata_error("provider_id must be a string.")
    provider = await ProviderRepository(session).get(provider_id)
    return JsonSeller(name=provider.name, siret=provider.siret, vat_number=provider.vat_number)


def _routing(metadata: dict[str, Any]) -> ChorusRouting | None:
    given = {name: metadata[name] for name in ROUTING_FIELDS if metadata.get(name) is not None}
    if not given:
        return None
    if not all(isinstance(value, str) for value in given.values()):
        raise _metadata_error(f"{', '.join(ROUTING_FIELDS)} must be strings.")
    return ChorusRouting(**given)


async def validate_upload(
    session: AsyncSession, data: bytes, *, filename: str | None, metadata: dict[str, Any] | None
) -> ValidationReport:
    """Validate an uploaded file; ``metadata`` carries provider_id, routing, and for a plain PDF the invoice."""
    metadata = metadata or {}
    seller = await _seller(session, metadata.get("provider_id"))
    structured = None
    if "lines" in metadata:  # a plain PDF described by its metadata (the JSON invoice shape)
        try:
            structured = msgspec.convert(metadata, JsonInvoice, strict=False)
        except msgspec.ValidationError as exc:
            raise _metadata_error(f"The invoice metadata is not valid: {exc}.") from exc
    return await asyncio.to_thread(
        validate_document, data, filename=filename, routing=_routing(metadata), metadata=structured, seller=seller
    )


async def validate_structured(session: AsyncSession, body: bytes) -> ValidationReport:
    """Validate a structured JSON invoice (api.md shape) as it would be deposited."""
    try:
        provider_id = msgspec.json.decode(body, type=dict[str, Any]).get("provider_id")
    except (msgspec.DecodeError, msgspec.ValidationError):
        provider_id = None  # the engine reports the malformed document itself
    seller = await _seller(session, provider_id)
    return await asyncio.to_thread(validate_document, body, seller=seller)
