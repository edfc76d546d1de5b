"""The validation service the Partner API calls: an upload (file + metadata) or a structured JSON invoice.

Validation is CPU work (parsing, PDF inspection, rules), so it runs in a worker thread and never blocks the
event loop. The provider named by ``provider_id`` must belong to the caller's tenant (404 otherwise); its SIRET,
name and VAT number complete JSON and plain-PDF invoices.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import siret as siret_number

from pdp.einvoice.findings import finding
from pdp.einvoice.formats.json_input import JsonAddress, JsonInvoice, JsonSeller
from pdp.einvoice.model import ChorusRouting
from pdp.einvoice.validation.chorus import recipient_findings
from pdp.einvoice.validation.chorus_routing import resolve_routing
from pdp.einvoice.validation.engine import BLOCKING, ValidationReport, validate_document
from pdp.platform.errors import AppError, ValidationFailed
from pdp.platform.jsondecode import decode_object
from pdp.tenants.common import finding as request_finding
from pdp.tenants.directory.models import Recipient
from pdp.tenants.directory.service import RecipientDirectory, to_info
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository

ROUTING_FIELDS = ("recipient_siret", "service_code", "engagement_number", "billing_frame", "validator_siret")


def _metadata_error(message: str) -> ValidationFailed:
    return ValidationFailed(
        message,
        errors=[request_finding("PDP-METADATA-INVALID", message, "Les métadonnées sont invalides.", "metadata")],
    )


async def _seller(session: AsyncSession, provider_id: object, provider: Provider | None = None) -> JsonSeller | None:
    """The seller the provider is (``provider`` when the caller already loaded it)."""
    if provider_id is None:
        return None
    if not isinstance(provider_id, str):
        raise _metadata_error("provider_id must be a string.")
    if provider is None or provider.id != provider_id:
        provider = await ProviderRepository(session).get(provider_id)
    address = msgspec.convert(provider.address, JsonAddress) if provider.address else None
    return JsonSeller(name=provider.name, siret=provider.siret, vat_number=provider.vat_number, address=address)


def metadata_routing(metadata: dict[str, Any]) -> ChorusRouting | None:
    """The Chorus routing a deposit's metadata gives (None when it gives none)."""
    given = {name: metadata[name] for name in ROUTING_FIELDS if metadata.get(name) is not None}
    if not given:
        return None
    if not all(isinstance(value, str) for value in given.values()):
        raise _metadata_error(f"{', '.join(ROUTING_FIELDS)} must be strings.")
    return ChorusRouting(**given)


@dataclass(frozen=True, slots=True)
class DirectoryAnswer:
    """What the directory said about one SIRET: the recipient (None when Chorus does not know it), or why it could
    not be asked. A request asks once and reads the answer wherever it needs it."""

    siret: str
    recipient: Recipient | None = None
    unavailable: AppError | None = None


async def ask_directory(directory: RecipientDirectory, siret: str) -> DirectoryAnswer:
    try:
        return DirectoryAnswer(siret, await directory.lookup(siret))
    except AppError as exc:
        return DirectoryAnswer(siret, unavailable=exc)


async def check_recipient(
    report: ValidationReport, directory: RecipientDirectory | None, asked: DirectoryAnswer | None = None
) -> ValidationReport:
    """Add what Chorus Pro's directory says about the recipient (looked up asynchronously, outside the
    validation thread, unless ``asked`` already holds the answer). When the directory cannot be reached the
    report says the checks were skipped."""
    if directory is None or report.invoice is None:
        return report
    routing = resolve_routing(report.invoice)
    if not routing.recipient_siret or not siret_number.is_valid(routing.recipient_siret):
        return report  # the Chorus layer already reported the missing or invalid SIRET
    if asked is None or asked.siret != routing.recipient_siret:
        asked = await ask_directory(directory, routing.recipient_siret)
    if asked.unavailable is not None:
        code = asked.unavailable.code
        added = [
            finding(
                "PDP-DIRECTORY-UNAVAILABLE",
                "warning",
                f"Chorus Pro's directory could not be consulted ({code}); the recipient was not checked.",
                f"L'annuaire de Chorus Pro n'a pas pu être consulté ({code}) ; destinataire non vérifié.",
                bt="BT-47",
            )
        ]
    else:
        added = recipient_findings(routing, to_info(asked.recipient) if asked.recipient is not None else None)
    if not added:
        return report
    errors = [*report.errors, *added]
    valid = report.valid and not any(f.severity in BLOCKING for f in added)
    return msgspec.structs.replace(report, errors=errors, valid=valid)


async def validate_upload(
    session: AsyncSession,
    data: bytes,
    *,
    filename: str | None,
    metadata: dict[str, Any] | None,
    directory: RecipientDirectory | None = None,
    provider: Provider | None = None,
) -> ValidationReport:
    """Validate an uploaded file; ``metadata`` carries provider_id, routing, and for a plain PDF the invoice."""
    metadata = metadata or {}
    seller = await _seller(session, metadata.get("provider_id"), provider)
    structured = None
    if "lines" in metadata:  # a plain PDF described by its metadata (the JSON invoice shape)
        try:
            structured = msgspec.convert(metadata, JsonInvoice, strict=False)
        except msgspec.ValidationError as exc:
            raise _metadata_error(f"The invoice metadata is not valid: {exc}.") from exc
    report = await asyncio.to_thread(
        validate_document,
        data,
        filename=filename,
        routing=metadata_routing(metadata),
        metadata=structured,
        seller=seller,
    )
    return await check_recipient(report, directory)


async def validate_structured(
    session: AsyncSession,
    body: bytes,
    *,
    directory: RecipientDirectory | None = None,
    provider: Provider | None = None,
) -> ValidationReport:
    """Validate a structured JSON invoice (docs/api.md shape) as it would be deposited."""
    try:
        fields = decode_object(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        fields = {}  # the engine reports the malformed document itself
    seller = await _seller(session, fields.get("provider_id"), provider)
    recipient = fields.get("recipient")
    siret = recipient.get("siret") if isinstance(recipient, dict) else None
    asked = None
    if directory is not None and isinstance(siret, str) and siret_number.is_valid(siret):
        asked = await ask_directory(directory, siret)  # once: for the address and for the recipient checks
    buyer_address = _directory_address(recipient, asked)
    report = await asyncio.to_thread(validate_document, body, seller=seller, buyer_address=buyer_address)
    return await check_recipient(report, directory, asked)


def _directory_address(recipient: object, asked: DirectoryAnswer | None) -> JsonAddress | None:
    """The recipient's address as Chorus Pro's directory has it, for a JSON invoice that gives none."""
    if asked is None or not isinstance(recipient, dict) or recipient.get("address") is not None:
        return None
    known = asked.recipient
    if known is None or not (known.address_line and known.postal_code and known.city):
        return None  # unknown or unreachable: check_recipient reports it
    return JsonAddress(
        line1=known.address_line, postal_code=known.postal_code, city=known.city, country=known.country_code or "FR"
    )
