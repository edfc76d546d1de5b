"""``POST /v1/invoice-batches`` (docs/api.md § Invoices): many invoice files, or one zip, with per-item results."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.accounts.service import Principal
from pdp.tenants.chorus_gateway import require_environment
from pdp.tenants.deposits import batches
from pdp.tenants.deposits.schemas import BatchItemRead, BatchRead
from pdp.tenants.deposits.views import invoice_read
from pdp.web.api.invoices import UnsupportedMediaType, read_metadata
from pdp.web.api.problems import problems
from pdp.web.api.request_bodies import batch_body, with_body
from pdp.web.forms import read_form
from pdp.web.resources import Resources

BATCH_BODY_LIMIT = 121 * 1024 * 1024  # as for one invoice with its attachments: Chorus Pro's 120 MB


class InvoiceBatchesController(Controller):
    path = "/v1/invoice-batches"
    tags = ["Invoices"]

    @post(
        "/",
        status_code=200,
        summary="Deposit many invoices at once",
        description="multipart/form-data with one `files` part per invoice file (or a single zip of them, at most "
        f"{batches.MAX_ITEMS} invoices) and an optional `metadata` JSON part applying to every file (`provider_id`, "
        "routing). Each file is handled exactly as `POST /v1/invoices` would; `items` gives, in order, the status "
        "that call would have answered, with the invoice or the error. Refused files leave nothing behind.",
        responses=problems(400, 401, 413, 415, 503),
        request_max_body_size=BATCH_BODY_LIMIT,
        operation_class=with_body(batch_body(batches.MAX_ITEMS)),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> BatchRead:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise UnsupportedMediaType()
        require_environment(resources.chorus, principal.mode)
        form = await read_form(request)
        try:
            files = [(part.filename or f"invoice-{n}", part.file) for n, part in enumerate(form.files_named("files"))]
            items = await batches.deposit_batch(
                session,
                resources.archive,
                files,
                read_metadata(form),
                principal.actor,
                mode=principal.mode,
                directory=resources.directory(),
                retention_days=resources.settings.archive_retention_days,
            )
        finally:
            form.close()
        terms = resources.payment_terms()
        read = [
            BatchItemRead(
                index=item.index,
                filename=item.filename,
                status=item.status,
                invoice=invoice_read(item.invoice, terms) if item.invoice is not None else None,
                error=msgspec.to_builtins(item.error) if item.error is not None else None,
            )
            for item in items
        ]
        created = sum(1 for item in items if item.status == 201)
        return BatchRead(created=created, refused=len(items) - created, items=read)
