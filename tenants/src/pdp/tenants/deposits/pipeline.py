"""Carrying a queued invoice to Chorus Pro and following it until it is paid or rejected.

``advance`` is the entry point for one invoice: the outbox's ``invoices.submit`` job and the sweep's
``invoices.advance`` jobs call it, any number of times, in any order, from any worker. Each call looks at the
invoice (row locked) and does the one next thing: deposit it, reconcile an unanswered deposit, declare it stalled
when its status is past its maximum age, or follow it (:mod:`.tracking`, which the sweep also runs in bulk for a
tenant's due invoices). Nothing is ever deposited twice:

- the attempt is recorded and committed *before* the deposit call (``submit_started_at``);
- a call that got no clear answer (crash, timeout, lost connection, 5xx) leaves that marker, and the next call
  looks the invoice up in Chorus (``rechercher/fournisseur`` by number) instead of depositing; only when Chorus
  still does not know it after ``reconcile_after`` (longer than Chorus needs to integrate a flux) is it
  deposited again;
- a clear "not processed" (429, 503, connection refused) clears the marker at once.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.chorus_pro import exchanges
from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.client import spending
from pdp.connectors.chorus_pro.errors import ChorusError, ChorusTransientError
from pdp.platform import clock
from pdp.platform.db.session import unit_of_work
from pdp.platform.logging import get_logger
from pdp.tenants.chorus_gateway import ChorusEnvironment
from pdp.tenants.deposits import chorus_steps as steps
from pdp.tenants.deposits import stalls, tracking
from pdp.tenants.deposits.exchanges import kept
from pdp.tenants.deposits.lifecycle import FOLLOWED
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.pipeline_config import Pipeline, build_pipeline, environment_of
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.deposits.transitions import move
from pdp.tenants.mandates.service import MandateRequired, require_mandate
from pdp.tenants.providers.repository import ProviderRepository

__all__ = ["Pipeline", "advance", "build_pipeline"]  # the workers and tests take the pipeline from here

log = get_logger("pdp.deposits")


async def advance(pipeline: Pipeline, tenant_id: str, invoice_id: str) -> str:
    """Do the next thing for this invoice; returns what was done (for logs and tests)."""
    # Every Chorus call below takes a token of this tenant's share, and is kept with the invoice it is about.
    with spending(tenant_id), exchanges.about(invoice_id):
        async with kept(pipeline.sessionmaker, tenant_id):
            return await _advance(pipeline, tenant_id, invoice_id)


async def _advance(pipeline: Pipeline, tenant_id: str, invoice_id: str) -> str:
    async with unit_of_work(pipeline.sessionmaker, tenant_id=tenant_id) as session:
        invoice = await InvoiceRepository(session).for_update(invoice_id)
        if stalls.is_overdue(invoice, pipeline.stall_after, clock.now()):
            await stalls.stall(session, invoice, pipeline.stall_after)
            return "stalled"
        if invoice.status == "queued":
            return await _deposit_or_reconcile(pipeline, session, invoice)
        if invoice.status not in FOLLOWED:
            invoice.next_check_at = None
            return "nothing to do"
    done = await tracking.track(pipeline, tenant_id, [invoice_id])
    return "tracked" if done.changed or not done.stalled else "stalled"


async def _deposit_or_reconcile(pipeline: Pipeline, session: AsyncSession, invoice: InvoiceRecord) -> str:
    try:
        await require_mandate(
            session,
            invoice.provider_id,
            recipient_siret=invoice.recipient_siret,
            invoice_type=invoice.type,
            on=clock.now(),
        )
    except MandateRequired as exc:
        invoice.last_error, invoice.next_check_at = f"{exc.code}: {exc.detail}", None
        await move(session, invoice, "failed", detail={"error": exc.code, "message": exc.detail})
        return "mandate gone"
    chorus = environment_of(pipeline, invoice)
    if chorus is None:
        return "chorus not configured"
    account = await steps.account_for(session, invoice, chorus, pipeline.envelope)
    if invoice.submit_started_at is not None:
        return await _reconcile(pipeline, chorus, session, invoice, account)
    # Record the attempt and commit it before Chorus hears of the invoice.
    invoice.submit_started_at, invoice.submit_attempts = clock.now(), invoice.submit_attempts + 1
    invoice.next_check_at = clock.now() + pipeline.reconcile_after
    document = await steps.deposit_file(session, pipeline.archive, invoice)
    supplier_siret = (await ProviderRepository(session).get(invoice.provider_id)).siret
    await session.commit()  # the marker is durable before the call; no transaction stays open during it
    try:
        if invoice.flux_syntax is None:
            submitted = await steps.submit_pdf(chorus, account, invoice, document, supplier_siret)
        else:
            answer = await steps.deposit(chorus, account, invoice, document)
    except ChorusError as exc:
        return await _deposit_failed(pipeline, session, invoice, exc)
    except steps.SupplierUnknown as exc:
        invoice = await InvoiceRepository(session).for_update(invoice.id)
        invoice.submit_started_at, invoice.next_check_at, invoice.last_error = None, None, str(exc)
        await move(session, invoice, "failed", detail={"error": "supplier_unknown", "message": str(exc)})
        return "refused"
    invoice = await InvoiceRepository(session).for_update(invoice.id)
    invoice.last_error, invoice.next_check_at = None, clock.now() + pipeline.next_poll(0)
    if invoice.flux_syntax is None:
        invoice.chorus_invoice_id = submitted.identifiant_facture_cpp
        await move(session, invoice, "submitted", detail={"chorus_invoice_id": invoice.chorus_invoice_id})
        await steps.apply_chorus_status(session, invoice, submitted.statut_facture)
        return "submitted"
    invoice.chorus_flux_number = answer.numero_flux_depot
    await move(session, invoice, "submitted", detail={"flux_number": answer.numero_flux_depot})
    return "deposited"


async def _deposit_failed(pipeline: Pipeline, session: AsyncSession, invoice: InvoiceRecord, exc: ChorusError) -> str:
    invoice = await InvoiceRepository(session).for_update(invoice.id)
    invoice.last_error = steps.error_text(exc)
    if exc.ambiguous:
        # Chorus may hold it: keep the marker, look it up before anything else.
        invoice.next_check_at = clock.now() + pipeline.retry_soon
        log.warning("deposit.ambiguous", invoice_id=invoice.id, error=str(exc))
        return "ambiguous"
    if isinstance(exc, ChorusTransientError):
        invoice.submit_started_at = None  # clearly not processed: deposit again when allowed
        invoice.next_check_at = clock.now() + timedelta(seconds=exc.retry_after or pipeline.retry_soon.total_seconds())
        return "retry later"
    invoice.next_check_at = None
    await move(session, invoice, "failed", detail={"error": exc.code, "message": exc.detail})
    return "refused"


async def _reconcile(
    pipeline: Pipeline,
    chorus: ChorusEnvironment,
    session: AsyncSession,
    invoice: InvoiceRecord,
    account: TechnicalAccount,
) -> str:
    assert invoice.submit_started_at is not None
    try:
        found = await steps.find_deposited(chorus, account, invoice)
    except ChorusError as exc:
        invoice.last_error = steps.error_text(exc)
        invoice.next_check_at = clock.now() + pipeline.retry_soon
        return "reconcile failed"
    if found is not None:
        invoice.chorus_flux_number = found.numero_flux_depot or invoice.chorus_flux_number
        invoice.chorus_invoice_id = found.identifiant_facture_cpp
        invoice.next_check_at, invoice.last_error = clock.now() + pipeline.next_poll(0), None
        await move(
            session, invoice, "submitted", detail={"flux_number": invoice.chorus_flux_number, "reconciled": True}
        )
        return "reconciled"  # its statuses come with the next poll, in order, from its history
    if clock.now() - invoice.submit_started_at < pipeline.reconcile_after:
        invoice.next_check_at = clock.now() + pipeline.retry_soon
        return "waiting for chorus"
    invoice.submit_started_at, invoice.next_check_at = None, clock.now()  # Chorus never got it: deposit again
    return "not found: will deposit again"
