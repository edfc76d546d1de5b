"""Carrying a queued invoice to Chorus Pro and following it until it is paid or rejected.

``advance`` is the only entry point: the outbox's ``invoices.submit`` job and the sweep's ``invoices.advance``
jobs both call it, any number of times, in any order, from any worker. Each call looks at the invoice (row
locked) and does the one next thing: deposit it, reconcile an unanswered deposit, read its flux report, or read
its status history. Nothing is ever deposited twice:

- the attempt is recorded and committed *before* the deposit call (``submit_started_at``);
- a call that got no clear answer (crash, timeout, lost connection, 5xx) leaves that marker, and the next call
  looks the invoice up in Chorus (``rechercher/fournisseur`` by number) instead of depositing; only when Chorus
  still does not know it after ``reconcile_after`` (longer than Chorus needs to integrate a flux) is it
  deposited again;
- a clear "not processed" (429, 503, connection refused) clears the marker at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.client import spending
from pdp.connectors.chorus_pro.errors import ChorusError, ChorusTransientError
from pdp.platform import clock
from pdp.platform.db.session import unit_of_work
from pdp.platform.logging import get_logger
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.archive.store import Archive
from pdp.tenants.chorus_gateway import ChorusEnvironment, ChorusGateway
from pdp.tenants.deposits import chorus_steps as steps
from pdp.tenants.deposits.lifecycle import RECEIVED, TRACKED
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.payment_terms import PaymentTerms
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.deposits.transitions import move
from pdp.tenants.mandates.service import MandateRequired, require_mandate
from pdp.tenants.providers.repository import ProviderRepository

log = get_logger("pdp.deposits")
RETRY_SOON = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class Pipeline:
    sessionmaker: async_sessionmaker[AsyncSession]
    gateway: ChorusGateway | None
    archive: Archive
    envelope: Envelope | None
    reconcile_after: timedelta
    intervals: tuple[int, ...]
    terms: PaymentTerms = field(default_factory=PaymentTerms)

    @property
    def retry_soon(self) -> timedelta:
        """How soon to look again after an unclear or refused call: never later than the reconcile window."""
        return min(RETRY_SOON, self.reconcile_after)

    def next_poll(self, checks: int) -> timedelta:
        return timedelta(seconds=self.intervals[min(checks, len(self.intervals) - 1)])


async def advance(pipeline: Pipeline, tenant_id: str, invoice_id: str) -> str:
    """Do the next thing for this invoice; returns what was done (for logs and tests)."""
    with spending(tenant_id):  # every Chorus call below takes a token of this tenant's share
        return await _advance(pipeline, tenant_id, invoice_id)


async def _advance(pipeline: Pipeline, tenant_id: str, invoice_id: str) -> str:
    async with unit_of_work(pipeline.sessionmaker, tenant_id=tenant_id) as session:
        invoice = await InvoiceRepository(session).for_update(invoice_id)
        if invoice.status == "queued":
            return await _deposit_or_reconcile(pipeline, session, invoice)
        if invoice.status in TRACKED:
            chorus = _environment(pipeline, invoice)
            if chorus is None:
                return "chorus not configured"
            step = await _track(pipeline, chorus, session, invoice)
            _set_expected_payment(pipeline, invoice)
            return step
        invoice.next_check_at = None
        return "nothing to do"


def _set_expected_payment(pipeline: Pipeline, invoice: InvoiceRecord) -> None:
    """The legal delay runs from reception: the day pdp first sees the invoice in Chorus's hands."""
    if invoice.expected_payment_date is None and invoice.chorus_invoice_id is not None and invoice.status in RECEIVED:
        invoice.expected_payment_date = pipeline.terms.expected_date(clock.now().date(), invoice.recipient_siret)


def _environment(pipeline: Pipeline, invoice: InvoiceRecord) -> ChorusEnvironment | None:
    """The Chorus Pro environment of the invoice's mode, and no other: a test invoice never reaches production.
    None when this worker has none for it: the invoice waits and says why."""
    if pipeline.gateway is None:
        error = "chorus_not_configured: no Chorus Pro access is configured"
    else:
        found = pipeline.gateway.environments.get(invoice.mode)
        if found is not None:
            return found
        error = f"chorus_environment_unavailable: no Chorus Pro environment for {invoice.mode} invoices"
    invoice.next_check_at = clock.now() + timedelta(minutes=5)
    invoice.last_error = error
    return None


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
    chorus = _environment(pipeline, invoice)
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
    invoice.last_error = f"{exc.code}: {exc.detail}"[:2000]
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
        invoice.last_error = f"{exc.code}: {exc.detail}"[:2000]
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


async def _track(pipeline: Pipeline, chorus: ChorusEnvironment, session: AsyncSession, invoice: InvoiceRecord) -> str:
    account = await steps.account_for(session, invoice, chorus, pipeline.envelope)
    try:
        changed = await steps.refresh(chorus, account, session, invoice)
    except ChorusError as exc:
        invoice.last_error = f"{exc.code}: {exc.detail}"[:2000]
        if exc.retry_after is not None:  # asked to slow down (Chorus's 429 or pdp's own limit): not a failure
            invoice.next_check_at = clock.now() + timedelta(seconds=exc.retry_after)
            return "rate limited"
        if not exc.transient:
            log.error("tracking.refused", invoice_id=invoice.id, error=str(exc))
        invoice.checks += 1
        invoice.next_check_at = clock.now() + pipeline.next_poll(invoice.checks)
        return "tracking failed"
    if invoice.status not in TRACKED:
        invoice.next_check_at = None  # Chorus reports nothing after MISE_EN_PAIEMENT or REJETEE
        return "finished"
    if not changed:
        invoice.checks += 1
    invoice.next_check_at = clock.now() + pipeline.next_poll(invoice.checks)
    return "tracked"


def build_pipeline(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    gateway: ChorusGateway | None,
    archive: Archive,
) -> Pipeline:
    """The pipeline of one worker process, from settings (reconcile window, polling schedule, payment terms).
    The rate limit lives in the gateway: every Chorus call takes its token there."""
    intervals = tuple(int(part) for part in settings.tracking_intervals_seconds.split(",") if part.strip())
    return Pipeline(
        sessionmaker=sessionmaker,
        gateway=gateway,
        archive=archive,
        envelope=Envelope(settings.master_keys) if settings.master_keys else None,
        reconcile_after=timedelta(seconds=settings.chorus_reconcile_after_seconds),
        intervals=intervals or (60,),
        terms=PaymentTerms.from_settings(settings),
    )
