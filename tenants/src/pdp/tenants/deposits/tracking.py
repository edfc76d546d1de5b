"""Following a tenant's deposited invoices in bulk: one change feed per technical account, the history only of
what changed, one statement for what did not.

Polling each invoice (its flux report, its listing, then its status history, each in its own job and
transaction) cost 4.6 Chorus calls per invoice from deposit to ``MISE_A_DISPOSITION``. Chorus answers the bulk
question directly: ``rechercher/fournisseur`` with ``periodeDateHeureEtatCourantDu`` lists the invoices whose
current status changed since a moment (Pastell follows Chorus this way), with their ``identifiantFactureCPP``,
``numeroFluxDepot`` and ``statut``. So a round of tracking for a batch of due invoices:

1. reads the batch (no lock) and groups it by technical account;
2. asks each account's feed for the changes since the oldest moment the batch was covered (paged, every page);
   invoices nobody polls (stalled, suspended…) that the feed shows in a new status join the round;
3. asks the flux report only of deposits the feed has not shown by their first poll — integration is where
   Chorus refuses or loses a flux — and the history only of the invoices whose status changed (one first seen
   ``DEPOSEE`` needs none: nothing comes before it) or that pdp knows by id but never read (a reconciled deposit,
   whose statuses may all predate the feed), a few calls at once, before any lock is taken;
4. reschedules the quiet invoices in one UPDATE, and applies the others 25 per transaction, each locked (ids in
   order, then their audit chains in order: no deadlock with deposits) and checked unchanged since step 1 (a
   concurrent action wins; the next round sees the rest), then schedules its next look or declares it stalled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.chorus_pro import dates, exchanges
from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.client import spending
from pdp.connectors.chorus_pro.errors import ChorusError
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas import transverses as t
from pdp.platform import clock
from pdp.platform.audit import AuditRepository
from pdp.platform.db.session import unit_of_work
from pdp.platform.logging import get_logger
from pdp.tenants.chorus_gateway import ChorusEnvironment
from pdp.tenants.deposits import chorus_steps as steps
from pdp.tenants.deposits import stalls
from pdp.tenants.deposits.exchanges import kept
from pdp.tenants.deposits.lifecycle import FOLLOWED, RECEIVED, TRACKED
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.pipeline_config import Pipeline, environment_of
from pdp.tenants.deposits.repository import InvoiceRepository

log = get_logger("pdp.deposits")
# The feed starts this long before the oldest moment it must cover: Chorus's clock and ours differ, and a status
# stamped in the second of the previous feed must not fall between two feeds. Seen twice is harmless.
OVERLAP = timedelta(minutes=2)
CALLS_AT_ONCE = 8  # a round's report and history calls in flight together (the rate limiter spaces them anyway)
APPLIED_PER_TRANSACTION = 25
FIRST_STATUSES = frozenset({"DEPOSEE", "A_VALIDER_1"})  # what an invoice starts with: no history precedes it


@dataclass(slots=True)
class Account:
    """One technical account's share of the batch."""

    chorus: ChorusEnvironment
    account: TechnicalAccount
    invoices: list[InvoiceRecord] = field(default_factory=list)
    listed: dict[str, f.FactureFournisseur] = field(default_factory=dict)  # by pdp invoice id
    unmatched: list[f.FactureFournisseur] = field(default_factory=list)  # the feed's other invoices
    histories: dict[str, f.ConsulterHistoriqueResponse] = field(default_factory=dict)
    reports: dict[str, t.ConsulterCRDetailleResponse | ChorusError] = field(default_factory=dict)  # by invoice id
    uncovered: set[str] = field(default_factory=set)  # shown by the feed, but their news could not be read
    covered_until: datetime | None = None  # the newest status stamp the feed showed (Chorus's clock)
    error: ChorusError | None = None


@dataclass(frozen=True, slots=True)
class Round:
    """What a round of tracking did, for logs and tests."""

    invoices: int
    changed: int
    feeds: int
    histories: int
    flux_reports: int
    stalled: int


async def track(pipeline: Pipeline, tenant_id: str, invoice_ids: list[str]) -> Round:
    """One round of tracking for these invoices of ``tenant_id`` (see the module's docstring)."""
    with spending(tenant_id):  # every Chorus call below takes a token of this tenant's share
        async with kept(pipeline.sessionmaker, tenant_id):  # the flux reports and histories, with their invoices
            return await _track(pipeline, tenant_id, invoice_ids)


async def _track(pipeline: Pipeline, tenant_id: str, invoice_ids: list[str]) -> Round:
    async with unit_of_work(pipeline.sessionmaker, tenant_id=tenant_id) as session:
        batch = [i for i in (await InvoiceRepository(session).several(invoice_ids)).values() if i.status in FOLLOWED]
        accounts = await _group(pipeline, session, batch)
        await session.flush()  # what environment_of said of invoices no Chorus here serves (their wait, why)
        session.expunge_all()  # the rest is a snapshot: step 4 locks and reloads what it changes
    for group in accounts.values():
        await _read_feed(group)
    async with unit_of_work(pipeline.sessionmaker, tenant_id=tenant_id) as session:
        for (mode, _), group in accounts.items():
            await _wake(InvoiceRepository(session), mode, group)
        session.expunge_all()
    for group in accounts.values():
        await _read_reports(pipeline, group)
        await _read_histories(group)
    now = clock.now()
    quiet, busy = [], []
    for group in accounts.values():
        for snapshot in group.invoices:
            if _quiet(group, snapshot, now, pipeline.stall_after):
                quiet.append(_rescheduled(pipeline, group, snapshot))
            else:
                busy.append((group, snapshot))
    changed = stalled = 0
    async with unit_of_work(pipeline.sessionmaker, tenant_id=tenant_id) as session:
        await InvoiceRepository(session).reschedule(sorted(quiet, key=lambda row: str(row["id"])))  # lock order
    # Changes in short transactions: each status change appends to the tenant's audit chain, whose head a long
    # transaction would hold against every deposit of the tenant meanwhile.
    for start in range(0, len(busy), APPLIED_PER_TRANSACTION):
        chunk = busy[start : start + APPLIED_PER_TRANSACTION]
        async with unit_of_work(pipeline.sessionmaker, tenant_id=tenant_id) as session:
            locked = await InvoiceRepository(session).several_for_update([snapshot.id for _, snapshot in chunk])
            await AuditRepository(session).lock_lanes("invoice", sorted(locked))  # after the rows, in order
            for group, snapshot in chunk:
                invoice = locked.get(snapshot.id)
                if invoice is None or not _unchanged(invoice, snapshot):
                    continue  # an action or another round moved it meanwhile: the next round sees it afresh
                moved = await _apply(pipeline, session, group, invoice)
                changed += moved
                if stalls.is_overdue(invoice, pipeline.stall_after, clock.now()):
                    stalled += await stalls.stall(session, invoice, pipeline.stall_after)
                else:
                    _schedule(pipeline, invoice, group, moved)
    return Round(
        invoices=len(batch),
        changed=changed,
        feeds=sum(1 for group in accounts.values() if group.error is None),
        histories=sum(len(group.histories) for group in accounts.values()),
        flux_reports=sum(len(group.reports) for group in accounts.values()),
        stalled=stalled,
    )


async def _group(
    pipeline: Pipeline, session: AsyncSession, batch: list[InvoiceRecord]
) -> dict[tuple[str, str], Account]:
    groups: dict[tuple[str, str], Account] = {}
    accounts: dict[tuple[str, str], TechnicalAccount] = {}
    for invoice in batch:
        chorus = environment_of(pipeline, invoice)
        if chorus is None:
            continue  # it says why, and waits (environment_of set its next check)
        key = (invoice.mode, invoice.provider_id)
        if key not in accounts:
            accounts[key] = await steps.account_for(session, invoice, chorus, pipeline.envelope)
        account = accounts[key]
        group = groups.setdefault((invoice.mode, account.login), Account(chorus, account))
        group.invoices.append(invoice)
    return groups


def _since(group: Account) -> datetime:
    """The oldest moment, on Chorus's clock, the feed must cover for this group: where the last feed of each
    invoice stopped. A deposit no feed has covered yet does not hold the feed back: its statuses come after
    the feeds before it, so the feed shows it unless it integrated before them — then its flux report finds it,
    at its first poll. A group of such deposits alone starts a day before the oldest of them, on pdp's clock."""
    covered = [invoice.chorus_checked_at for invoice in group.invoices if invoice.chorus_checked_at is not None]
    if covered:
        return min(covered) - OVERLAP
    return min(invoice.status_changed_at for invoice in group.invoices) - timedelta(days=1)


async def _read_feed(group: Account) -> None:
    """The account's invoices whose status changed since :func:`_since`, matched to the group's invoices by
    Chorus id, or by flux and number for a deposit not yet known by its id. Its newest stamp is where the next
    feed starts: Chorus's own clock, whatever the offset between its clock and ours."""
    request = f.RechercherFournisseurRequest(periode_date_heure_etat_courant_du=dates.chorus_time(_since(group)))
    by_id = {invoice.chorus_invoice_id: invoice for invoice in group.invoices if invoice.chorus_invoice_id}
    by_flux = {invoice.chorus_flux_number: invoice for invoice in group.invoices if invoice.chorus_flux_number}
    newest = None
    try:
        async for found in group.chorus.client.iter_supplier_invoices(group.account, request):
            stamp = dates.instant(found.date_heure_etat_courant)
            newest = stamp if newest is None or (stamp is not None and stamp > newest) else newest
            invoice = by_id.get(found.identifiant_facture_cpp or 0) or by_flux.get(found.numero_flux_depot or "")
            if invoice is not None and (invoice.chorus_invoice_id or found.numero_facture == invoice.number):
                group.listed[invoice.id] = found
            elif invoice is None:
                group.unmatched.append(found)
    except ChorusError as exc:
        group.error = exc
        log.warning("tracking.feed_failed", account=group.account.login, error=str(exc))
        return
    group.covered_until = newest


async def _wake(repository: InvoiceRepository, mode: str, group: Account) -> None:
    """The tenant's other followed invoices the feed shows in a new status — a stalled, suspended or
    recycled one nobody polls, a deposit stalled before pdp learnt its id — join the round, so Chorus moving them
    is never missed."""
    chosen = {invoice.id for invoice in group.invoices}
    by_id = {found.identifiant_facture_cpp: found for found in group.unmatched if found.identifiant_facture_cpp}
    by_flux = {found.numero_flux_depot: found for found in group.unmatched if found.numero_flux_depot}
    # Only those nobody polls: a polled one has its own round coming, and two rounds reading the same invoice's
    # history would spend Chorus calls twice for one change.
    for invoice in await repository.followed_in_chorus(mode, list(by_id), list(by_flux), FOLLOWED - TRACKED):
        if invoice.chorus_invoice_id is not None:
            found = by_id[invoice.chorus_invoice_id]
        else:
            found = by_flux[invoice.chorus_flux_number or ""]
            if found.numero_facture != invoice.number:
                continue  # another invoice of the same flux
        if invoice.id in chosen or found.statut == invoice.chorus_status:
            continue
        group.invoices.append(invoice)
        group.listed[invoice.id] = found


async def _read_reports(pipeline: Pipeline, group: Account) -> None:
    """The flux report of each deposit the feed has not shown by its first poll (refused, lost, still running,
    or integrated before the feeds that could have shown it: then its listing, as the feed would have given it)."""

    async def read(invoice: InvoiceRecord) -> None:
        assert invoice.chorus_flux_number is not None
        with exchanges.about(invoice.id):
            await _report_of(invoice)

    async def _report_of(invoice: InvoiceRecord) -> None:
        assert invoice.chorus_flux_number is not None
        try:
            report = await group.chorus.client.flux_report(group.account, invoice.chorus_flux_number)
            if steps.report_integrated(report, invoice):
                found = await steps.find_in_flux(group.chorus, group.account, invoice)
                if found is not None:
                    group.listed[invoice.id] = found
                    return  # Chorus lists it: what follows is the feed's path (its history, its first status)
            group.reports[invoice.id] = report
        except ChorusError as exc:
            group.reports[invoice.id] = exc

    unknown = [
        invoice
        for invoice in group.invoices
        if invoice.chorus_invoice_id is None
        and invoice.status == "submitted"
        and invoice.id not in group.listed
        and _due_for_report(pipeline, invoice)
    ]
    await _at_once(read(invoice) for invoice in unknown)


async def _at_once(calls: Iterable[Awaitable[None]]) -> None:
    """Run ``calls`` CALLS_AT_ONCE at a time: each takes its token of the tenant's rate like any other call."""
    gate = asyncio.Semaphore(CALLS_AT_ONCE)

    async def gated(call: Awaitable[None]) -> None:
        async with gate:
            await call

    await asyncio.gather(*(gated(call) for call in calls))


async def _read_histories(group: Account) -> None:
    """The history of each invoice the feed shows in a new status (none for one first seen at its first status),
    a few at once. One that fails leaves its invoice for the next round (the feed shows it again); the others
    are applied."""
    wanted = []
    for invoice in group.invoices:
        found = group.listed.get(invoice.id)
        if found is None:
            if invoice.chorus_invoice_id is not None and invoice.chorus_status is None:
                # Reconciled: Chorus took it while pdp did not know, so its statuses may all predate the feeds
                # (which start where the account's other invoices were covered). Its history, not the feed.
                wanted.append((invoice.id, invoice.chorus_invoice_id))
            continue
        if found.identifiant_facture_cpp is None or found.statut == invoice.chorus_status:
            continue
        if invoice.chorus_invoice_id is None and found.statut in FIRST_STATUSES:
            continue
        wanted.append((invoice.id, found.identifiant_facture_cpp))

    async def read(invoice_id: str, chorus_id: int) -> None:
        try:
            with exchanges.about(invoice_id):
                history = await group.chorus.client.invoice_history(group.account, chorus_id)
            group.histories[invoice_id] = history
        except ChorusError as exc:
            group.listed.pop(invoice_id, None)  # no news applied without its history…
            group.uncovered.add(invoice_id)  # …and the next feed starts before it, to show it again
            log.warning("tracking.history_failed", invoice_id=invoice_id, error=str(exc))

    await _at_once(read(invoice_id, chorus_id) for invoice_id, chorus_id in wanted)


def _quiet(group: Account, invoice: InvoiceRecord, now: datetime, limits: dict[str, timedelta]) -> bool:
    """Nothing to apply: the feed shows no news of it, no flux report was read, it is not overdue. Most invoices
    of most rounds: they are rescheduled in one statement, without a lock or a load each."""
    found = group.listed.get(invoice.id)
    news = found is not None and (invoice.chorus_invoice_id is None or found.statut != invoice.chorus_status)
    read = invoice.id in group.reports or invoice.id in group.histories
    return not news and not read and not stalls.is_overdue(invoice, limits, now)


def _rescheduled(pipeline: Pipeline, group: Account, invoice: InvoiceRecord) -> dict[str, object]:
    """The columns a quiet round changes (the same rules as :func:`_apply` and :func:`_schedule`, on a copy)."""
    _schedule(pipeline, invoice, group, changed=False)
    _cover(group, invoice)
    return {
        "tenant_id": invoice.tenant_id,
        "id": invoice.id,
        "checks": invoice.checks,
        "next_check_at": invoice.next_check_at,
        "chorus_checked_at": invoice.chorus_checked_at,
        "last_error": None if group.error is None else steps.error_text(group.error),
    }


def _cover(group: Account, invoice: InvoiceRecord) -> None:
    """Move the invoice's coverage up to where the feed covered it; not when it did not (a failed feed, an unread
    history): the next feed then starts before it and shows it again."""
    covered = group.covered_until
    if covered is not None and group.error is None and invoice.id not in group.uncovered:
        invoice.chorus_checked_at = max(invoice.chorus_checked_at or covered, covered)


def _unchanged(invoice: InvoiceRecord, snapshot: InvoiceRecord) -> bool:
    return (invoice.status, invoice.chorus_status, invoice.chorus_history_seen, invoice.chorus_invoice_id) == (
        snapshot.status,
        snapshot.chorus_status,
        snapshot.chorus_history_seen,
        snapshot.chorus_invoice_id,
    )


async def _apply(pipeline: Pipeline, session: AsyncSession, group: Account, invoice: InvoiceRecord) -> bool:
    """What Chorus said about this invoice, applied; whether it changed."""
    found = group.listed.get(invoice.id)
    history = group.histories.get(invoice.id)
    changed = False
    if group.error is None:
        invoice.last_error = None  # Chorus answered; what follows may set a new one (a rejected flux's reasons)
    else:
        invoice.last_error = steps.error_text(group.error)
    if found is not None and found.identifiant_facture_cpp is not None:
        newly_found = invoice.chorus_invoice_id is None
        invoice.chorus_invoice_id = found.identifiant_facture_cpp
        if history is None and newly_found and found.statut in FIRST_STATUSES:
            changed = await steps.apply_chorus_status(session, invoice, found.statut, found.commentaire_etat_courant)
            invoice.chorus_history_seen = max(invoice.chorus_history_seen, 1)
        changed = changed or newly_found
    if history is not None:
        changed = await steps.apply_history(session, invoice, history) or changed
    report = group.reports.get(invoice.id)
    if isinstance(report, ChorusError):
        invoice.last_error = steps.error_text(report)
    elif report is not None:  # read only for an invoice Chorus does not list: see _read_reports
        changed = await steps.apply_report(session, invoice, report) or changed
    _cover(group, invoice)
    if changed and invoice.expected_payment_date is None and invoice.status in RECEIVED:
        # The legal delay runs from reception: the day pdp first sees the invoice in Chorus's hands.
        invoice.expected_payment_date = pipeline.terms.expected_date(clock.now().date(), invoice.recipient_siret)
    return changed


def _due_for_report(pipeline: Pipeline, invoice: InvoiceRecord) -> bool:
    """A deposit the feed has not shown by its first poll: read its flux report (refused, lost, still running)."""
    return clock.now() - invoice.status_changed_at >= pipeline.next_poll(0) or invoice.checks > 0


def _schedule(pipeline: Pipeline, invoice: InvoiceRecord, group: Account, changed: bool) -> None:
    if invoice.status == "queued":  # Chorus lost the flux: deposit it again now
        invoice.next_check_at = clock.now()
        return
    if group.error is not None and group.error.retry_after is not None:
        poll_at: datetime | None = clock.now() + timedelta(seconds=group.error.retry_after)
    elif invoice.status in TRACKED:
        if not changed:
            invoice.checks += 1
        poll_at = clock.now() + pipeline.next_poll(invoice.checks)
    else:
        poll_at = None  # Chorus reports nothing more, or waits for the supplier: only the stall limit remains
    invoice.next_check_at = stalls.next_check(invoice, pipeline.stall_after, poll_at)
