"""The emulator's state written down (:mod:`.persistence`): one record per flux, invoice and attachment, plus the
directory and the virtual clock; and the way back from records to a running state.

Records name structures by SIRET, not by id: a seed reordered by an upgrade must not move an invoice to another
supplier. Every record is whole (not a diff), so replaying them is an upsert and the last one of a key wins.
"""

from __future__ import annotations

import logging
from datetime import datetime

import msgspec

from pdp.connectors.chorus_pro.sandbox import integration, lifecycle
from pdp.connectors.chorus_pro.sandbox.directory import Seed, Structure
from pdp.connectors.chorus_pro.sandbox.reading import DepositedInvoice
from pdp.connectors.chorus_pro.sandbox.state import (
    Attachment,
    DirectoryChange,
    Flux,
    FluxError,
    Invoice,
    PlannedStatus,
    SandboxState,
    StatusEntry,
    TechnicalError,
)

log = logging.getLogger(__name__)


class FluxRecord(msgspec.Struct, tag="flux", kw_only=True):
    number: str
    syntax: str
    filename: str
    supplier: str  # SIRET
    deposited_at: datetime
    state: str
    state_at: datetime | None
    invoices: list[DepositedInvoice]  # kept only until integrated
    technical_errors: list[TechnicalError]
    dp_errors: list[FluxError]
    invoice_ids: list[int]
    processing_due: float | None
    integration_due: float | None
    data: bytes | None = None  # the deposited file (base64 in JSON); absent in states written before it was kept


class InvoiceRecord(msgspec.Struct, tag="invoice", kw_only=True):
    id: int
    supplier: str  # SIRET
    recipient: str
    depositor: str | None
    read: DepositedInvoice
    number: str
    deposit_mode: str
    deposited_at: datetime
    flux_number: str | None
    service_code: str | None
    engagement_number: str | None
    history: list[StatusEntry]
    schedule_generation: int
    scenario_done: bool
    planned: list[PlannedStatus]
    attachment_ids: list[int] = msgspec.field(default_factory=list)
    validator: str | None = None  # SIRET


class AttachmentRecord(msgspec.Struct, tag="attachment", kw_only=True):
    id: int
    owner: int  # structure id
    name: str
    size: int
    kind: str
    read: DepositedInvoice | None
    data: bytes | None = None


class DirectoryRecord(msgspec.Struct, tag="directory", kw_only=True):
    base: Seed | None  # the seed a reset posted, when it replaced the one the emulator was started with
    changes: list[DirectoryChange]


class ClockRecord(msgspec.Struct, tag="clock", kw_only=True):
    now: float  # the virtual timestamp when written


Record = FluxRecord | InvoiceRecord | AttachmentRecord | DirectoryRecord | ClockRecord


class Batch(msgspec.Struct, kw_only=True):
    """One journal line: what changed between two writes."""

    seq: int
    records: list[Record]


class Snapshot(msgspec.Struct, kw_only=True):
    version: int = 1
    journal_seq: int  # journal lines up to this one are included; a restart replays only later ones
    records: list[Record]


def flux_record(flux: Flux) -> FluxRecord:
    return FluxRecord(
        number=flux.number,
        syntax=flux.syntax,
        filename=flux.filename,
        supplier=flux.supplier.siret,
        deposited_at=flux.deposited_at,
        state=flux.state,
        state_at=flux.state_at,
        invoices=flux.invoices,
        technical_errors=flux.technical_errors,
        dp_errors=flux.dp_errors,
        invoice_ids=flux.invoice_ids,
        processing_due=flux.processing_due,
        integration_due=flux.integration_due,
        data=flux.data,
    )


def invoice_record(invoice: Invoice) -> InvoiceRecord:
    return InvoiceRecord(
        id=invoice.id,
        supplier=invoice.supplier.siret,
        recipient=invoice.recipient.siret,
        depositor=invoice.depositor.siret if invoice.depositor else None,
        read=invoice.read,
        number=invoice.number,
        deposit_mode=invoice.deposit_mode,
        deposited_at=invoice.deposited_at,
        flux_number=invoice.flux_number,
        service_code=invoice.service_code,
        engagement_number=invoice.engagement_number,
        history=invoice.history,
        schedule_generation=invoice.schedule_generation,
        scenario_done=invoice.scenario_done,
        planned=invoice.planned,
        attachment_ids=invoice.attachment_ids,
        validator=invoice.validator.siret if invoice.validator else None,
    )


def attachment_record(attachment: Attachment) -> AttachmentRecord:
    return AttachmentRecord(
        id=attachment.id,
        owner=attachment.owner,
        name=attachment.name,
        size=attachment.size,
        kind=attachment.kind,
        read=attachment.read,
        data=attachment.data,
    )


def directory_record(state: SandboxState) -> DirectoryRecord:
    return DirectoryRecord(base=state.base_seed if state.base_seed_posted else None, changes=state.directory_changes)


def whole_state(state: SandboxState) -> list[Record]:
    """Every record of the state, in the order a restart must rebuild it (deposit order)."""
    return [
        directory_record(state),
        ClockRecord(now=state.clock.timestamp()),
        *(flux_record(flux) for flux in state.fluxes.values()),
        *(invoice_record(invoice) for invoice in state.invoices.values()),
        *(attachment_record(attachment) for attachment in state.attachments.values()),
    ]


class _Latest:
    """The last record of each key, in the order keys first appeared."""

    def __init__(self) -> None:
        self.directory: DirectoryRecord | None = None
        self.clock = 0.0
        self.fluxes: dict[str, FluxRecord] = {}
        self.invoices: dict[int, InvoiceRecord] = {}
        self.attachments: dict[int, AttachmentRecord] = {}

    def add(self, record: Record) -> None:
        match record:
            case FluxRecord():
                self.fluxes[record.number] = record
            case InvoiceRecord():
                self.invoices[record.id] = record
            case AttachmentRecord():
                self.attachments[record.id] = record
            case DirectoryRecord():
                self.directory = record
            case ClockRecord():
                self.clock = max(self.clock, record.now)


def restore(state: SandboxState, records: list[Record]) -> None:
    """Rebuild ``state`` (fresh, on its start-up seed) from ``records``; schedule again whatever was still due."""
    latest = _Latest()
    for record in records:
        latest.add(record)
    if latest.directory is not None:
        state.reset(latest.directory.base)
        for change in latest.directory.changes:
            state.change_directory(change.seed, replace=change.replace)
    state.clock.resume_from(latest.clock)
    lost = 0
    for flux_row in latest.fluxes.values():
        flux = _flux(state, flux_row)
        if flux is None:
            lost += 1
            continue
        state.fluxes[flux.number] = flux
    for invoice_row in latest.invoices.values():
        invoice = _invoice(state, invoice_row)
        if invoice is None:
            lost += 1
            continue
        state.invoices[invoice.id] = invoice
        state.numbers[(invoice.supplier.id, invoice.number)] = invoice.id
    for row in latest.attachments.values():
        state.attachments[row.id] = Attachment(row.id, row.owner, row.name, row.size, row.kind, row.read, row.data)
    if lost:
        log.warning("chorus sandbox: %d saved flux or invoices name a SIRET the directory no longer has; dropped", lost)
    for flux in state.fluxes.values():
        integration.resume(state, flux)
    for invoice in state.invoices.values():
        lifecycle.resume(state, invoice)


def _structure(state: SandboxState, siret: str | None) -> Structure | None:
    return state.directory.by_siret.get(siret or "")


def _flux(state: SandboxState, row: FluxRecord) -> Flux | None:
    supplier = _structure(state, row.supplier)
    if supplier is None:
        return None
    return Flux(
        number=row.number,
        syntax=row.syntax,
        filename=row.filename,
        supplier=supplier,
        deposited_at=row.deposited_at,
        invoices=row.invoices,
        technical_errors=row.technical_errors,
        state=row.state,
        state_at=row.state_at,
        dp_errors=row.dp_errors,
        invoice_ids=row.invoice_ids,
        processing_due=row.processing_due,
        integration_due=row.integration_due,
        data=row.data,
    )


def _invoice(state: SandboxState, row: InvoiceRecord) -> Invoice | None:
    supplier, recipient = _structure(state, row.supplier), _structure(state, row.recipient)
    if supplier is None or recipient is None or not row.history:
        return None
    return Invoice(
        id=row.id,
        supplier=supplier,
        recipient=recipient,
        read=row.read,
        number=row.number,
        deposit_mode=row.deposit_mode,
        deposited_at=row.deposited_at,
        flux_number=row.flux_number,
        service_code=row.service_code,
        engagement_number=row.engagement_number,
        history=row.history,
        depositor=_structure(state, row.depositor) or supplier,
        schedule_generation=row.schedule_generation,
        scenario_done=row.scenario_done,
        planned=row.planned,
        attachment_ids=row.attachment_ids,
        validator=_structure(state, row.validator),
    )
