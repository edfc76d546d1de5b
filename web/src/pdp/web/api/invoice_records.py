"""``/v1/invoices`` (docs/api.md § Invoices): deposit, list, retrieve, follow, and download what was archived."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.ids import ID_PATTERN
from pdp.tenants.accounts.service import Principal
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.chorus_gateway import require_environment
from pdp.tenants.common import PRINTABLE
from pdp.tenants.deposits import actions, follow_up, intake
from pdp.tenants.deposits.lifecycle import STATUSES
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.payment_terms import PaymentTerms
from pdp.tenants.deposits.repository import NO_LINKS, InvoiceRepository
from pdp.tenants.deposits.schemas import DocumentRead, EventRead, InvoiceRead, RecycleBody
from pdp.tenants.deposits.views import DEFAULT_TERMS, document_read, event_read, invoice_read
from pdp.web.api.invoices import INVOICE_BODY_LIMIT, UnsupportedMediaType, read_upload
from pdp.web.api.pagination import Limit, ListResponse, StartingAfter
from pdp.web.api.problems import problems
from pdp.web.api.request_bodies import completion_body, invoice_body, with_body
from pdp.web.downloads import archived_attachment
from pdp.web.resources import Resources

ATTACHMENTS_BODY_LIMIT = 121 * 1024 * 1024  # Chorus Pro's 120 MB per invoice, plus the form's own bytes
Status = Annotated[str | None, QueryParameter(pattern="^(" + "|".join(STATUSES) + ")$")]


async def _shown(session: AsyncSession, records: Sequence[InvoiceRecord], terms: PaymentTerms) -> list[InvoiceRead]:
    """Invoices as read back, each with the later invoices that name it (its replacement, its credit notes)."""
    links = await InvoiceRepository(session).links_to([record.id for record in records])
    return [invoice_read(record, terms, links.get(record.id, NO_LINKS)) for record in records]


class InvoiceRecordsController(Controller):
    path = "/v1/invoices"
    tags = ["Invoices"]

    @post(
        "/",
        summary="Deposit an invoice",
        description="multipart/form-data with a `file` part (PDF, Factur-X, UBL or CII) and a `metadata` JSON part "
        "(`provider_id`, and where the file does not carry them `recipient_siret`, `service_code`, "
        "`engagement_number`, `billing_frame`; for a plain PDF the whole invoice), or application/json with a "
        "structured invoice (pdp generates the Factur-X). Validated, checked against the provider's mandates, "
        "archived under Object Lock, then queued for Chorus Pro. 422 carries the validation report.",
        responses=problems(400, 403, 404, 409, 413, 415, 422, 503),
        request_max_body_size=INVOICE_BODY_LIMIT,
        operation_class=with_body(invoice_body(deposit=True)),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> InvoiceRead:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            data, filename, metadata = await read_upload(request)
            upload = intake.Upload(data, filename or "invoice", metadata)
        elif content_type.startswith("application/json"):
            upload = intake.Upload(await request.body(), None)
        else:
            raise UnsupportedMediaType()
        settings = resources.settings
        require_environment(resources.chorus, principal.mode)
        directory = resources.directory()
        record = await intake.deposit(
            session,
            resources.archive,
            upload,
            principal.actor,
            mode=principal.mode,
            directory=directory,
            retention_days=settings.archive_retention_days,
            first_check_after=timedelta(seconds=settings.invoice_first_check_seconds),
        )
        return invoice_read(record, resources.payment_terms())

    @get("/", responses=problems(422), summary="List invoices, newest first")
    async def list(
        self,
        *,
        session: NamedDependency[AsyncSession],
        resources: NamedDependency[Resources],
        limit: Limit = 10,
        starting_after: StartingAfter = None,
        provider_id: Annotated[str | None, QueryParameter(pattern=ID_PATTERN)] = None,
        status: Status = None,
        recipient_siret: Annotated[str | None, QueryParameter(pattern=r"^[0-9]{14}$")] = None,
        number: Annotated[str | None, QueryParameter(max_length=40, pattern=PRINTABLE.pattern)] = None,
        created_after: Annotated[datetime | None, QueryParameter()] = None,
    ) -> ListResponse[InvoiceRead]:
        page = await InvoiceRepository(session).search(
            provider_id=provider_id,
            status=status,
            recipient_siret=recipient_siret,
            number=number,
            created_after=created_after,
            limit=limit,
            starting_after=starting_after,
        )
        return ListResponse(await _shown(session, page.items, resources.payment_terms()), page.has_more)

    @get("/{invoice_id:str}", responses=problems(404), summary="Retrieve an invoice")
    async def retrieve(
        self, invoice_id: FromPath[str], session: NamedDependency[AsyncSession], resources: NamedDependency[Resources]
    ) -> InvoiceRead:
        [shown] = await _shown(session, [await InvoiceRepository(session).get(invoice_id)], resources.payment_terms())
        return shown

    @get("/{invoice_id:str}/events", responses=problems(404), summary="The invoice's status history, oldest first")
    async def events(
        self, invoice_id: FromPath[str], session: NamedDependency[AsyncSession]
    ) -> ListResponse[EventRead]:
        return ListResponse([event_read(e) for e in await follow_up.invoice_events(session, invoice_id)], False)

    @get("/{invoice_id:str}/documents", responses=problems(404), summary="The invoice's archived documents")
    async def documents(
        self, invoice_id: FromPath[str], session: NamedDependency[AsyncSession]
    ) -> ListResponse[DocumentRead]:
        await InvoiceRepository(session).get(invoice_id)
        found = await DocumentRepository(session).of_subject(invoice_id)
        return ListResponse([document_read(d) for d in found], False)

    @get(
        "/{invoice_id:str}/documents/{document_id:str}/content",
        responses=problems(404),
        summary="Download an archived document, byte-identical to what was archived",
        media_type="application/octet-stream",
    )
    async def content(
        self,
        invoice_id: FromPath[str],
        document_id: FromPath[str],
        session: NamedDependency[AsyncSession],
        resources: NamedDependency[Resources],
    ) -> Response[bytes]:
        document, data = await follow_up.invoice_document(session, resources.archive, invoice_id, document_id)
        return archived_attachment(document, data)

    @post(
        "/{invoice_id:str}/withdraw",
        status_code=200,
        responses=problems(404, 409),
        summary="Withdraw an invoice Chorus Pro has not received",
        description="Only while it is `queued` or `failed`; once Chorus Pro has it, 409 invoice_status_conflict.",
    )
    async def withdraw(
        self, invoice_id: FromPath[str], session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]
    ) -> InvoiceRead:
        [shown] = await _shown(session, [await actions.withdraw(session, invoice_id, principal.actor)], DEFAULT_TERMS)
        return shown

    @post(
        "/{invoice_id:str}/recycle",
        status_code=200,
        responses=problems(400, 404, 409, 422, 502, 503),
        summary="Re-route an invoice Chorus Pro sent back (to_recycle)",
        description="New recipient SIRET, service code or engagement number; same invoice number.",
    )
    async def recycle(
        self,
        invoice_id: FromPath[str],
        data: JSONBody[RecycleBody],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> InvoiceRead:
        routing = actions.NewRouting(data.recipient_siret, data.service_code, data.engagement_number, data.comment)
        invoice = await actions.recycle(
            session, invoice_id, routing, principal.actor, gateway=resources.chorus, envelope=resources.envelope
        )
        [shown] = await _shown(session, [invoice], resources.payment_terms())
        return shown

    @post(
        "/{invoice_id:str}/complete",
        status_code=200,
        responses=problems(400, 404, 409, 413, 422, 502, 503),
        summary="Complete a suspended invoice with supporting documents",
        description="multipart/form-data: one or more `files` parts (≤ 10 MB each, allowed extensions, names ≤ 50 "
        "characters) and an optional `comment`. Archived, then sent to Chorus Pro (ajouter/fichier + completer).",
        request_max_body_size=ATTACHMENTS_BODY_LIMIT,
        operation_class=with_body(completion_body()),
    )
    async def complete(
        self,
        invoice_id: FromPath[str],
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> InvoiceRead:
        await InvoiceRepository(session).get(invoice_id)  # another tenant's invoice is 404 whatever the body
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise UnsupportedMediaType()
        form = await request.form()
        files = [part for part in (form.getall("files") if "files" in form else []) if isinstance(part, UploadFile)]
        attachments = [
            actions.Attachment(
                part.filename or "document", part.content_type or "application/octet-stream", await part.read()
            )
            for part in files
        ]
        comment = form.get("comment")
        invoice = await actions.complete(
            session,
            invoice_id,
            attachments,
            principal.actor,
            comment=comment if isinstance(comment, str) else None,
            bucket=resources.archive,
            gateway=resources.chorus,
            envelope=resources.envelope,
            retention_days=resources.settings.archive_retention_days,
        )
        [shown] = await _shown(session, [invoice], resources.payment_terms())
        return shown
