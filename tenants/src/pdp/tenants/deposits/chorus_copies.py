"""Chorus Pro's copy of each invoice it holds, archived as one of the invoice's documents (kind ``chorus_copy``,
listed by ``GET /v1/invoices/{id}/documents``).

What is fetched: ``telecharger/groupe`` in ``PIVOT`` format. The annex gives PIVOT every attachment of the
invoice, always, in one XML file that also carries what Chorus recorded (supplier, recipient, service, amounts,
reception date), whatever the way the invoice came in; PDF gives only PDFs — Chorus's rendering for an XML
invoice, not the file pdp deposited — and the complementary attachments only on request (CS annex comments).
PASTELL, on the supplier side, downloads the PIVOT "pour le cas de versement SAE": to archive it.

How: a periodic job (``invoices.archive_chorus_copies``) picks invoices Chorus holds — delivered or later, with a
Chorus id — that have no copy yet, a few hundred per run, fairly across tenants; groups them by technical account
(the provider's own, else the platform's: the account that can see the invoice); and asks each account for up to
:data:`PER_CALL` invoices at once. The pivot file is cut per invoice (:mod:`.chorus_pivot`). A group Chorus
refuses (413 over 120 MB, or one invoice it will not serve) is halved until the culprit stands alone.

Idempotent: the document row is the only mark of a copy. Each invoice is archived in its own transaction, under
an advisory lock on the invoice, after checking that no copy exists; a unique index (migration 0023) backs it.
A crash between the download and the archive leaves no row: the next run downloads again and archives once. A
crash between the S3 PUT and the commit leaves an unreferenced locked object (archive/service.py: harmless).
"""

from __future__ import annotations

import base64
import binascii
import random
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import exists, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.client import spending
from pdp.connectors.chorus_pro.errors import ChorusError, ChorusPayloadTooLarge, ChorusRejected
from pdp.connectors.chorus_pro.schemas import documents as d
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import Forbidden
from pdp.platform.logging import get_logger
from pdp.tenants.accounts.repository import active_tenant_ids
from pdp.tenants.archive import service as archive
from pdp.tenants.archive.models import ArchivedDocument
from pdp.tenants.chorus_gateway import ChorusEnvironment
from pdp.tenants.deposits import chorus_steps as steps
from pdp.tenants.deposits.chorus_pivot import PivotInvoice, PivotUnreadable, split_pivot
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.pipeline_config import Pipeline
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.providers.repository import ProviderRepository

log = get_logger("pdp.deposits.chorus_copies")

KIND = "chorus_copy"
CONTENT_TYPE = "application/xml"
# Chorus holds these invoices and has handed them to the buyer: its copy is the one the buyer received.
COPY_STATUSES = frozenset(
    {"delivered", "in_process", "suspended", "completed", "to_recycle", "approved", "payment_sent", "paid", "rejected"}
)
PER_RUN = 300
PER_TENANT_FLOOR = 20  # with many tenants, those drawn first take this many; the others wait for a later run
PER_CALL = 25  # invoices per telecharger/groupe: a few MB of answer, far from Chorus's 120 MB
Outcome = Literal["archived", "already", "refused"]


@dataclass(frozen=True, slots=True)
class Wanted:
    tenant_id: str
    invoice_id: str
    provider_id: str
    supplier_siret: str
    number: str
    chorus_invoice_id: int


@dataclass(slots=True)
class Group:
    """One technical account's share of a run."""

    chorus: ChorusEnvironment
    account: TechnicalAccount
    wanted: list[Wanted] = field(default_factory=list)


@dataclass(slots=True)
class CopyReport:
    """What a run did, for logs and tests (invoice ids)."""

    archived: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # archived meanwhile by another run
    refused: list[str] = field(default_factory=list)  # over the tenant's archive quota
    not_served: list[str] = field(default_factory=list)  # refused alone, too large alone, or absent from the file
    calls: int = 0
    failed_calls: int = 0


async def archive_copies(
    pipeline: Pipeline,
    *,
    retention_days: int,
    per_run: int = PER_RUN,
    per_call: int = PER_CALL,
    tenants: list[str] | None = None,
) -> CopyReport:
    """Fetch and archive Chorus's copy of up to ``per_run`` invoices that have none yet (of ``tenants`` only
    when given; every active tenant's otherwise)."""
    report = CopyReport()
    if pipeline.gateway is None:
        return report
    for group in (await _wanted(pipeline, per_run, tenants)).values():
        for start in range(0, len(group.wanted), per_call):
            await _fetch(pipeline, group, group.wanted[start : start + per_call], report, retention_days)
    log.info(
        "chorus_copies.run",
        archived=len(report.archived),
        not_served=len(report.not_served),
        calls=report.calls,
        failed_calls=report.failed_calls,
    )
    return report


async def _wanted(pipeline: Pipeline, per_run: int, only: list[str] | None) -> dict[tuple[str, str], Group]:
    """The invoices without a copy, by (mode, technical account); tenants in random order, each its share."""
    if only is None:
        async with pipeline.sessionmaker() as session, session.begin():
            tenants = await active_tenant_ids(session)
    else:
        tenants = list(only)
    random.shuffle(tenants)  # no tenant always first: over runs, each gets its turn at the head
    share = max(PER_TENANT_FLOOR, per_run // max(1, len(tenants)))
    groups: dict[tuple[str, str], Group] = {}
    taken = 0
    for tenant_id in tenants:
        if taken >= per_run:
            break
        async with unit_of_work(pipeline.sessionmaker, tenant_id=tenant_id) as session:
            invoices = await missing_copies(session, min(share, per_run - taken))
            taken += len(invoices)
            await _group(pipeline, session, invoices, groups)
    return groups


async def missing_copies(session: AsyncSession, limit: int) -> list[InvoiceRecord]:
    """This tenant's invoices Chorus holds whose copy is not archived yet, oldest first."""
    copied = exists().where(
        ArchivedDocument.tenant_id == InvoiceRecord.tenant_id,
        ArchivedDocument.subject_id == InvoiceRecord.id,
        ArchivedDocument.kind == KIND,
    )
    query = (
        InvoiceRepository(session)
        .select()
        .where(InvoiceRecord.status.in_(COPY_STATUSES), InvoiceRecord.chorus_invoice_id.is_not(None), ~copied)
        .order_by(InvoiceRecord.created_at, InvoiceRecord.id)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def _group(
    pipeline: Pipeline, session: AsyncSession, invoices: list[InvoiceRecord], groups: dict[tuple[str, str], Group]
) -> None:
    assert pipeline.gateway is not None
    accounts: dict[tuple[str, str], TechnicalAccount] = {}
    sirets: dict[str, str] = {}
    for invoice in invoices:
        chorus = pipeline.gateway.environments.get(invoice.mode)
        if chorus is None or invoice.chorus_invoice_id is None:
            continue  # no environment for its mode here: it stays without a copy, and is counted nowhere
        key = (invoice.mode, invoice.provider_id)
        try:
            if key not in accounts:
                accounts[key] = await steps.account_for(session, invoice, chorus, pipeline.envelope)
            if invoice.provider_id not in sirets:
                sirets[invoice.provider_id] = (await ProviderRepository(session).get(invoice.provider_id)).siret
        except Exception as exc:  # an account that cannot be read keeps its invoices out of this run only
            log.warning("chorus_copies.no_account", invoice_id=invoice.id, error=str(exc))
            continue
        account = accounts[key]
        group = groups.setdefault((invoice.mode, account.login), Group(chorus, account))
        group.wanted.append(
            Wanted(
                invoice.tenant_id,
                invoice.id,
                invoice.provider_id,
                sirets[invoice.provider_id],
                invoice.number,
                invoice.chorus_invoice_id,
            )
        )


async def _fetch(
    pipeline: Pipeline, group: Group, wanted: list[Wanted], report: CopyReport, retention_days: int
) -> None:
    """One ``telecharger/groupe`` for ``wanted``, then each copy archived; a refused group is halved."""
    tenants = {one.tenant_id for one in wanted}
    request = d.TelechargerGroupeRequest(
        liste_facture=[d.IdFacture(id_facture=one.chorus_invoice_id) for one in wanted], format="PIVOT"
    )
    report.calls += 1
    try:
        with spending(tenants.pop() if len(tenants) == 1 else "platform"):
            answer = await group.chorus.client.download_invoices(group.account, request)
    except (ChorusPayloadTooLarge, ChorusRejected) as exc:
        if len(wanted) == 1:
            report.not_served.append(wanted[0].invoice_id)
            log.warning("chorus_copies.not_served", invoice_id=wanted[0].invoice_id, error=str(exc))
            return
        middle = len(wanted) // 2
        for half in (wanted[:middle], wanted[middle:]):
            await _fetch(pipeline, group, half, report, retention_days)
        return
    except ChorusError as exc:  # unavailable, throttled, timed out: the next run asks again
        report.failed_calls += 1
        log.warning("chorus_copies.call_failed", invoices=len(wanted), error=str(exc))
        return
    try:
        pieces = split_pivot(base64.b64decode(answer.fichier_resultat or "", validate=True))
    except (PivotUnreadable, binascii.Error) as exc:
        report.failed_calls += 1
        log.error("chorus_copies.unreadable", invoices=len(wanted), error=str(exc))
        return
    for one, piece in _matched(wanted, pieces):
        if piece is None:
            report.not_served.append(one.invoice_id)
            log.warning("chorus_copies.absent", invoice_id=one.invoice_id, chorus_invoice_id=one.chorus_invoice_id)
        else:
            outcome = await _archive(pipeline, one, piece.document, retention_days)
            {"archived": report.archived, "already": report.already, "refused": report.refused}[outcome].append(
                one.invoice_id
            )


def _matched(wanted: list[Wanted], pieces: list[PivotInvoice]) -> list[tuple[Wanted, PivotInvoice | None]]:
    """Each invoice asked for with its part of the file, by supplier SIRET and number (unique per supplier in
    Chorus); an invoice asked for alone is the file's only invoice, whatever it names."""
    if len(wanted) == 1 and len(pieces) == 1:
        return [(wanted[0], pieces[0])]
    by_key = {(piece.supplier, piece.number): piece for piece in pieces}
    return [(one, by_key.get((one.supplier_siret, one.number))) for one in wanted]


async def _archive(pipeline: Pipeline, one: Wanted, document: bytes, retention_days: int) -> Outcome:
    """Archive ``document`` as the invoice's copy unless it has one."""
    try:
        async with unit_of_work(pipeline.sessionmaker, tenant_id=one.tenant_id) as session:
            # Two runs at once (a slow run and the next one) wait for each other here, and the second sees the copy.
            key = f"{KIND}:{one.tenant_id}:{one.invoice_id}"
            await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})
            if await has_copy(session, one.invoice_id):
                return "already"
            await archive.store(
                session,
                pipeline.archive,
                archive.NewDocument(
                    one.invoice_id,
                    KIND,
                    f"chorus_{one.chorus_invoice_id}.xml",
                    CONTENT_TYPE,
                    document,
                    one.provider_id,
                ),
                retention_days=retention_days,
            )
    except Forbidden as exc:  # the tenant's archive quota: nothing locked, its other invoices wait too
        log.warning("chorus_copies.refused", invoice_id=one.invoice_id, error=str(exc))
        return "refused"
    return "archived"


async def has_copy(session: AsyncSession, invoice_id: str) -> bool:
    query = select(ArchivedDocument.id).where(
        ArchivedDocument.tenant_id == InvoiceRepository(session).tenant_id,
        ArchivedDocument.subject_id == invoice_id,
        ArchivedDocument.kind == KIND,
    )
    return (await session.execute(query.limit(1))).first() is not None
