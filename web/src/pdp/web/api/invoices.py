"""``/v1/invoices/validate`` (docs/api.md § Invoices): a dry run that returns the validation report, stores nothing."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.einvoice.findings import public_entry
from pdp.einvoice.validation.engine import ValidationReport
from pdp.platform.errors import AppError, InvalidRequest, PayloadTooLarge
from pdp.platform.jsondecode import decode_object
from pdp.tenants.deposits import document_checks
from pdp.web.api.problems import problems
from pdp.web.api.request_bodies import invoice_body, with_body
from pdp.web.forms import MAX_TEXT_PART_BYTES, Form, read_form
from pdp.web.resources import Resources

INVOICE_BODY_LIMIT = 12 * 1024 * 1024  # one invoice file (10 MB) plus its metadata


class UnsupportedMediaType(AppError):
    default_code = "unsupported_media_type"
    status = 415
    title = "Send multipart/form-data (file + metadata) or application/json"


class ReportFinding(msgspec.Struct):
    rule: str
    severity: str
    message: str
    path: str


class ValidationResult(msgspec.Struct):
    valid: bool
    syntax: str | None
    profile: str | None
    errors: list[ReportFinding]
    object: str = "validation_report"


def _result(report: ValidationReport, lang: str) -> ValidationResult:
    errors = [ReportFinding(**public_entry(f, lang)) for f in report.errors]
    return ValidationResult(report.valid, report.syntax, report.profile, errors)


def read_metadata(form: Form) -> dict[str, Any] | None:
    """The optional ``metadata`` part of a multipart form (a text field, or a file part), as a JSON object."""
    parts = form.files_named("metadata")
    raw: str | bytes | None = parts[0].read(MAX_TEXT_PART_BYTES + 1) if parts else form.text("metadata")
    if raw is None:
        return None
    if len(raw) > MAX_TEXT_PART_BYTES:
        raise PayloadTooLarge(f"The 'metadata' part exceeds {MAX_TEXT_PART_BYTES} bytes.")
    try:
        return decode_object(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InvalidRequest("The 'metadata' part must be a JSON object.", code="metadata_malformed") from exc


async def read_upload(request: Request[Any, Any, Any]) -> tuple[bytes, str | None, dict[str, Any] | None]:
    form = await read_form(request)
    try:
        uploads = form.files_named("file")
        if not uploads:
            raise InvalidRequest("A 'file' part is required.", code="file_missing")
        metadata = read_metadata(form)
        return uploads[0].read(), uploads[0].filename or None, metadata
    finally:
        form.close()


class InvoicesController(Controller):
    path = "/v1/invoices"
    tags = ["Invoices"]

    @post(
        "/validate",
        status_code=200,
        summary="Validate an invoice without depositing it",
        description="multipart/form-data with a `file` part (PDF, Factur-X, UBL or CII) and an optional `metadata` "
        "JSON part (provider_id, recipient_siret, service_code, engagement_number, billing_frame; for a plain PDF "
        "the whole invoice), or application/json with a structured invoice. Stores nothing.",
        responses=problems(400, 404, 413, 415, 422),
        request_max_body_size=INVOICE_BODY_LIMIT,
        operation_class=with_body(invoice_body(deposit=False)),
    )
    async def validate(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        resources: NamedDependency[Resources],
        lang: Annotated[Literal["en", "fr"], QueryParameter()] = "en",
    ) -> ValidationResult:
        directory = resources.directory()
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            data, filename, metadata = await read_upload(request)
            report = await document_checks.validate_upload(
                session, data, filename=filename, metadata=metadata, directory=directory
            )
        elif content_type.startswith("application/json"):
            report = await document_checks.validate_structured(session, await request.body(), directory=directory)
        else:
            raise UnsupportedMediaType()
        return _result(report, lang)
