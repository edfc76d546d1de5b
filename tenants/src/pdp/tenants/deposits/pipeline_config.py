"""A worker's pipeline: its settings and connections, shared by deposit (:mod:`.pipeline`) and tracking
(:mod:`.tracking`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import clock
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.archive.store import Archive
from pdp.tenants.chorus_gateway import ChorusEnvironment, ChorusGateway
from pdp.tenants.deposits.lifecycle import STALL_AFTER, parse_stall_after
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.payment_terms import PaymentTerms

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
    stall_after: dict[str, timedelta] = field(default_factory=lambda: dict(STALL_AFTER))

    @property
    def retry_soon(self) -> timedelta:
        """How soon to look again after an unclear or refused call: never later than the reconcile window."""
        return min(RETRY_SOON, self.reconcile_after)

    def next_poll(self, checks: int) -> timedelta:
        return timedelta(seconds=self.intervals[min(checks, len(self.intervals) - 1)])


def environment_of(pipeline: Pipeline, invoice: InvoiceRecord) -> ChorusEnvironment | None:
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
        stall_after=parse_stall_after(settings.stalled_after),
    )
