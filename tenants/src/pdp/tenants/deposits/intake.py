"""Depositing an invoice (docs/api.md POST /v1/invoices; docs/architecture.md § The deposit path, step 1).

Order: validate → mandate in scope → archive (S3 Object Lock) → one transaction holding the invoice, its event
and the outbox row that will submit it → 201. Nothing is acknowledged that is not both archived and committed:
if S3 or the database fails, the caller gets 503 and the transaction rolls back (an archived object left
without a row is harmless; a row without its object cannot happen).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.s3.client import S3Unavailable
from pdp.einvoice.findings import public_entry
from pdp.einvoice.formats.facturx_write import write_facturx
from pdp.einvoice.model import ChorusRouting, Invoice
from pdp.einvoice.validation.chorus_routing import resolve_routing
from pdp.einvoice.validation.engine import ValidationReport
from pdp.platform import clock, ids, outbox
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import Conflict, InvalidRequest, MalformedJson, ServiceUnavailable, ValidationFailed
from pdp.platform.jsondecode import decode_object
from pdp.tenants.archive import service as archive
from pdp.tenants.archive.models import ArchivedDocument
from pdp.tenants.archive.store import Archive
from pdp.tenants.deposits import document_checks
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.directory.service import RecipientDirectory
from pdp.tenants.events.service import emit
from pdp.tenants.mandates.models import Mandate
from pdp.tenants.mandates.service import require_mandate
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository

SUBMIT_JOB = "invoices.submit"
FIRST_CHECK_AFTER = timedelta(seconds=60)
FLUX_SYNTAX = {
    "ubl": "IN_DP_E1_UBL_INVOICE",
    "cii": "IN_DP_E1_CII_16B",
    "facturx": "IN_DP_E2_CII_FACTURX",
    "json": "IN_DP_E2_CII_FACTURX",  # pdp generates the Factur-X
    "pdf": None,  # deposer/pdf + soumettre
}
CONTENT_TYPES = {
    "ubl": "application/xml",
    "cii": "application/xml",
    "facturx": "application/pdf",
    "pdf": "application/pdf",
}


@dataclass(frozen=True, slots=True)
class Upload:
    """One deposit as it arrived: a file with its metadata, or a structured JSON invoice (``filename`` None)."""

    data: bytes
    filename: str | None
    metadata: dict[str, Any] | None = None


def _provider_id(fields: dict[str, Any]) -> str:
    value = fields.get("provider_id")
    if not isinstance(value, str) or not value:
        raise InvalidRequest(
            "provider_id is required (in the metadata part or the JSON body).", code="provider_id_missing"
        )
    return value


LINK_FIELDS = {"credits_invoice_id": "credits", "replaces_invoice_id": "replaces"}
NOT_IN_CHORUS = frozenset({"received", "invalid", "queued", "withdrawn", "failed", "rejected"})


def _source(upload: Upload) -> dict[str, Any]:
    """Where the deposit's own fields are: the metadata part, or the JSON invoice itself."""
    if upload.filename is not None:
        return upload.metadata or {}
    try:
        return decode_object(upload.data)
    except msgspec.ValidationError as exc:  # JSON, but not an object (a subclass of DecodeError: first)
        raise ValidationFailed(
            "The body must be a JSON object (an invoice).",
            errors=[{"rule": "PDP-FIELD-INVALID", "severity": "error", "message": str(exc), "path": "$"}],
        ) from exc
    except msgspec.DecodeError as exc:
        raise MalformedJson(f"The request body is not valid JSON: {exc}.") from exc


def _link_refused(message: str, rule: str = "PDP-INVOICE-LINK") -> ValidationFailed:
    return ValidationFailed(
        message,
        code="invoice_link_invalid",
        errors=[{"rule": rule, "severity": "error", "message": message, "path": "metadata"}],
    )


async def _link(
    session: AsyncSession, fields: dict[str, Any], invoice: Invoice, kind: str, provider: Provider
) -> tuple[str | None, str | None]:
    """(original invoice id, relation) when the deposit credits or replaces an earlier invoice of the provider."""
    given = {relation: fields[key] for key, relation in LINK_FIELDS.items() if fields.get(key)}
    if not given:
        return None, None
    if len(given) > 1:
        raise _link_refused("A deposit either credits an invoice or replaces one, not both.")
    relation, original_id = next(iter(given.items()))
    original = await InvoiceRepository(session).find(str(original_id))
    if original is None or original.provider_id != provider.id:
        raise _link_refused(f"This provider has no invoice {original_id}.")
    if relation == "credits":
        if kind != "credit_note" or original.type != "invoice":
            raise _link_refused("Only a credit note credits an invoice, and what it credits must be an invoice.")
        if original.status in NOT_IN_CHORUS:
            raise _link_refused(f"Invoice {original.id} is {original.status}: Chorus Pro has nothing to credit.")
        cited = [p.number for p in invoice.preceding_invoices if p.number]
        if cited and original.number not in cited:
            message = f"The credit note cites invoice {', '.join(cited)} (BT-25), not {original.number}."
            raise _link_refused(message, rule="PDP-CREDIT-NOTE-REFERENCE")
    elif original.status != "rejected":
        raise _link_refused(f"Invoice {original.id} is {original.status}: only a rejected invoice is replaced.")
    return original.id, relation


class InvoiceRefused(ValidationFailed):
    """422 ``invoice_invalid``: the validation report refused the invoice. The problem carries the report's
    findings in English (the API's shape); ``report`` keeps them whole (French included) for the portal's page."""

    def __init__(self, report: ValidationReport, detail: str) -> None:
        super().__init__(
            detail,
            code="invoice_invalid",
            errors=[public_entry(item) for item in report.errors],
            syntax=report.syntax,
            profile=report.profile,
        )
        self.report = report


def _money(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(Decimal("0.01"))


async def _archive(
    session: AsyncSession,
    bucket: Archive,
    *,
    upload: Upload,
    invoice_id: str,
    report: ValidationReport,
    invoice: Invoice,
    provider: Provider,
    retention_days: int,
) -> tuple[ArchivedDocument, ArchivedDocument]:
    """The original, and what will be deposited (the original, or the Factur-X pdp generates from JSON)."""
    syntax = report.syntax or ""
    number = invoice.number or invoice_id
    name = upload.filename or f"{number}.json"
    content_type = CONTENT_TYPES.get(syntax, "application/json")
    try:
        original = await archive.store(
            session,
            bucket,
            archive.NewDocument(invoice_id, "invoice_original", name, content_type, upload.data, provider.id),
            retention_days=retention_days,
            flush=False,  # deposit() flushes every row at once, when it appends the audit entry
        )
        if syntax != "json":
            return original, original
        facturx = await asyncio.to_thread(write_facturx, invoice)
        generated = await archive.store(
            session,
            bucket,
            archive.NewDocument(
                invoice_id, "invoice_facturx", f"{number}.pdf", "application/pdf", facturx, provider.id
            ),
            retention_days=retention_days,
            flush=False,
        )
    except S3Unavailable as exc:
        raise ServiceUnavailable(
            "The archive is unavailable; nothing was deposited. Retry with the same Idempotency-Key.",
            code="archive_unavailable",
        ) from exc
    return original, generated


@dataclass(frozen=True, slots=True)
class CheckedDeposit:
    """A deposit that passed every check before the archive: valid, the provider's own, covered by a mandate,
    linked as asked, under a number the provider has not used."""

    provider: Provider
    report: ValidationReport
    invoice: Invoice
    routing: ChorusRouting
    kind: str  # invoice | credit_note
    mandate: Mandate
    original_id: str | None
    relation: str | None


async def check_deposit(
    session: AsyncSession, upload: Upload, *, directory: RecipientDirectory | None
) -> CheckedDeposit:
    """Everything :func:`deposit` checks before it archives anything, raising what it would raise (the portal
    shows this verdict before the supplier confirms a deposit)."""
    fields = _source(upload)
    provider = await ProviderRepository(session).get(_provider_id(fields))
    if provider.status != "active":
        raise Conflict("The provider is inactive.", code="provider_inactive")
    if upload.filename is None:
        report = await document_checks.validate_structured(session, upload.data, directory=directory, provider=provider)
    else:
        report = await document_checks.validate_upload(
            session,
            upload.data,
            filename=upload.filename,
            metadata=upload.metadata,
            directory=directory,
            provider=provider,
        )
    invoice = report.invoice
    if not report.valid or invoice is None:
        raise InvoiceRefused(report, "The invoice would be rejected by Chorus Pro; nothing was deposited.")
    routing = resolve_routing(invoice)
    if routing.supplier_siret != provider.siret:
        raise ValidationFailed(
            f"The invoice's seller SIRET ({routing.supplier_siret}) is not the provider's ({provider.siret}).",
            code="seller_not_provider",
        )
    assert routing.recipient_siret and invoice.number and invoice.issue_date and invoice.currency
    kind = "credit_note" if invoice.is_credit_note else "invoice"
    mandate = await require_mandate(
        session, provider.id, recipient_siret=routing.recipient_siret, invoice_type=kind, on=clock.now()
    )
    original_id, relation = await _link(session, fields, invoice, kind, provider)
    existing = await InvoiceRepository(session).by_number(provider.id, invoice.number)
    if existing is not None:
        raise Conflict(
            f"Invoice number {invoice.number} was already deposited for this provider ({existing.id}); Chorus Pro "
            "refuses a reused number, even after a rejection.",
            code="invoice_duplicate",
            existing_id=existing.id,
        )
    return CheckedDeposit(provider, report, invoice, routing, kind, mandate, original_id, relation)


async def deposit(
    session: AsyncSession,
    bucket: Archive,
    upload: Upload,
    actor: Actor,
    *,
    mode: str,
    directory: RecipientDirectory | None,
    retention_days: int,
    first_check_after: timedelta = FIRST_CHECK_AFTER,
) -> InvoiceRecord:
    """Validate, check the mandate, archive and queue ``upload``; ``mode`` is the depositing key's (test or live),
    which picks the Chorus Pro environment the invoice goes to."""
    checked = await check_deposit(session, upload, directory=directory)
    provider, report, invoice, routing = checked.provider, checked.report, checked.invoice, checked.routing
    assert invoice.number and invoice.issue_date and invoice.currency and routing.recipient_siret  # checked
    repository = InvoiceRepository(session)
    invoice_id = ids.new_id("invoice")
    original, deposited = await _archive(
        session,
        bucket,
        upload=upload,
        invoice_id=invoice_id,
        report=report,
        invoice=invoice,
        provider=provider,
        retention_days=retention_days,
    )
    totals = invoice.totals
    record = await repository.add(
        InvoiceRecord(
            id=invoice_id,
            provider_id=provider.id,
            mandate_id=checked.mandate.id,
            number=invoice.number,
            type=checked.kind,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            currency=invoice.currency,
            total_excl_tax=_money(totals.without_vat),
            total_tax=_money(totals.vat),
            total_incl_tax=_money(totals.with_vat),
            amount_due=_money(totals.due),
            recipient_siret=routing.recipient_siret,
            service_code=routing.service_code,
            engagement_number=routing.engagement_number,
            billing_frame=routing.billing_frame or "A1",
            validator_siret=routing.validator_siret,
            format=report.syntax,
            # A validator goes only with soumettre: such an invoice is submitted from its PDF, never as a flux.
            flux_syntax=None if routing.validator_siret else FLUX_SYNTAX[report.syntax or ""],
            status="queued",
            status_changed_at=clock.now(),  # on pdp's clock, as every later status: its age is measured on it
            mode=mode,
            original_document_id=original.id,
            deposit_document_id=deposited.id,
            archive_sha256=original.sha256,
            retain_until=original.retain_until,
            original_invoice_id=checked.original_id,
            relation=checked.relation,
            # The sweep's safety net: if the outbox's immediate job is lost, the sweep still finds the invoice.
            next_check_at=clock.now() + first_check_after,
        ),
        flush=False,
    )
    created = {
        "invoice_id": record.id,
        "status": "queued",
        "original_invoice_id": checked.original_id,
        "relation": checked.relation,
    }
    await emit(session, "invoice.created", record.id, created, flush=False)
    outbox.add(session, SUBMIT_JOB, invoice_id=record.id)
    # The audit append flushes every row added above at once (documents, invoice, event, deliveries, outbox),
    # before it takes its chain's lock.
    await AuditRepository(session).append(
        actor, "invoice.created", "invoice", record.id, {"number": record.number, "sha256": record.archive_sha256}
    )
    return record
