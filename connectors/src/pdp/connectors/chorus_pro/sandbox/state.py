"""The emulator's whole state, in memory: it is a fake external service, reset at will. Given a state directory
(:mod:`.persistence`), what changes is also written to disk, so a restart resumes where the last run stopped.

Every mutation happens inside one request on the event loop, without awaiting in between, so no lock is needed.
Time-driven changes (integration stages, buyer statuses) sit in a heap of due events that :meth:`run_due` applies
lazily at the start of each request — no background thread, and the virtual clock can jump days at once.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pdp.connectors.chorus_pro.dates import PARIS
from pdp.connectors.chorus_pro.sandbox.clock import VirtualClock
from pdp.connectors.chorus_pro.sandbox.directory import Directory, Seed, Structure
from pdp.connectors.chorus_pro.sandbox.faults import FaultBook
from pdp.connectors.chorus_pro.sandbox.ids import IdSequences
from pdp.connectors.chorus_pro.sandbox.ledger import Ledger
from pdp.connectors.chorus_pro.sandbox.reading import DepositedInvoice, DepositReader


@dataclass(slots=True)
class Settings:
    """Knobs a test or demo may change at run time (``POST /_sandbox/settings``); delays in virtual seconds."""

    rate_limit: int = 0  # requests per second per PISTE application; 0 = unlimited
    reception_delay: float = 1.0  # IN_RECU → IN_EN_COURS_TRAITEMENT_CPP
    integration_delay: float = 2.0  # → IN_INTEGRE / IN_INTEGRE_PARTIEL / IN_REJETE
    token_lifetime: int = 3600


@dataclass(slots=True)
class StatusEntry:
    id: int
    code: str
    at: datetime
    comment: str | None = None
    by_buyer: bool = False


@dataclass(slots=True)
class PlannedStatus:
    """A buyer status due on the virtual clock; kept on its invoice so a restart can schedule it again."""

    due: float  # virtual timestamp
    code: str
    comment: str | None
    generation: int  # the invoice's schedule_generation when planned; a newer one cancels it


@dataclass(slots=True)
class Attachment:
    id: int
    owner: int  # supplier structure id
    name: str
    size: int
    kind: str  # "pdf" (deposer/pdf) or "fichier" (ajouter/fichier)
    read: DepositedInvoice | None = None
    data: bytes | None = None  # the file, for telecharger/groupe and telecharger/pieceJointe


@dataclass(slots=True)
class Invoice:
    """An invoice Chorus created (from a flux or ``soumettre``)."""

    id: int
    supplier: Structure
    recipient: Structure
    read: DepositedInvoice
    number: str
    deposit_mode: str
    deposited_at: datetime
    flux_number: str | None = None
    service_code: str | None = None
    engagement_number: str | None = None
    history: list[StatusEntry] = field(default_factory=list)  # oldest first
    # The structure whose technical account deposited it: the supplier itself, or a platform depositing for it.
    depositor: Structure | None = None
    schedule_generation: int = 0  # bumped to cancel pending scheduled statuses
    scenario_done: bool = False  # a recipient's scenario (suspend, recycle…) plays once per invoice
    planned: list[PlannedStatus] = field(default_factory=list)  # due statuses not applied yet
    # Its files that are attachments (ids): the main PDF of soumettre first, then complementary ones (soumettre,
    # completer). A flux's invoice has its main file in the flux (``Flux.data``).
    attachment_ids: list[int] = field(default_factory=list)
    validator: Structure | None = None  # set by corriger/valideur/facture (the validator circuit reads it)

    @property
    def status(self) -> StatusEntry:
        return self.history[-1]

    def visible_to(self, structure: Structure) -> bool:
        """A supplier sees its invoices, and a platform those it deposited."""
        return structure.id in (self.supplier.id, self.depositor.id if self.depositor else self.supplier.id)


@dataclass(slots=True)
class FluxError:
    supplier_siret: str | None
    recipient_siret: str | None
    number: str | None
    message: str


@dataclass(slots=True)
class TechnicalError:
    code: str
    message: str
    nature: str = "BLOQUANTE"


@dataclass(slots=True)
class Flux:
    number: str
    syntax: str
    filename: str
    supplier: Structure
    deposited_at: datetime
    invoices: list[DepositedInvoice]
    technical_errors: list[TechnicalError] = field(default_factory=list)
    state: str = "IN_RECU"
    state_at: datetime | None = None
    dp_errors: list[FluxError] = field(default_factory=list)
    invoice_ids: list[int] = field(default_factory=list)
    # When it moves on (virtual timestamps), so a restart can schedule what had not happened yet.
    processing_due: float | None = None
    integration_due: float | None = None
    data: bytes | None = None  # the file deposited: Chorus keeps it, telecharger/groupe hands it back


@dataclass(slots=True)
class DirectoryChange:
    """A directory seed posted to the control API: merged into the directory, or replacing it."""

    seed: Seed
    replace: bool


@dataclass(slots=True)
class Changes:
    """What changed since the persistence layer last looked; nothing is tracked unless it asks (``enabled``)."""

    enabled: bool = False
    fluxes: dict[str, None] = field(default_factory=dict)  # insertion-ordered sets: records keep deposit order
    invoices: dict[int, None] = field(default_factory=dict)
    attachments: dict[int, None] = field(default_factory=dict)
    directory: bool = False
    reset: bool = False


@dataclass(order=True, slots=True)
class DueEvent:
    due: float
    seq: int
    action: Callable[[], None] = field(compare=False)


class SandboxState:
    def __init__(self, seed: Seed, reader: DepositReader, *, clock: VirtualClock | None = None) -> None:
        self.base_seed = seed  # what a reset returns to
        self.base_seed_posted = False  # whether a reset replaced the seed the emulator was started with
        self.seed = seed  # the current directory's seed, with what was merged since (for /_sandbox/info)
        self.reader = reader
        self.clock = clock or VirtualClock()
        self.settings = Settings()
        self.faults = FaultBook()
        self.ledger = Ledger()
        self.tokens: dict[str, tuple[str, float]] = {}  # bearer token → (client id, expiry on the virtual clock)
        # Not reset with the rest: an id is never handed out twice, whatever happened in between.
        self.ids = IdSequences()
        self.changes = Changes()
        self.reset()

    def reset(self, seed: Seed | None = None) -> None:
        """Back to a fresh sandbox: the base seed's directory (``seed`` becomes the base when given), no flux, no
        invoice, no token, no fault, an empty ledger, the clock on real time. Settings are kept: they are the
        emulator's configuration, not its state."""
        if seed is not None:
            self.base_seed, self.base_seed_posted = seed, True
        self.seed = self.base_seed
        self.directory = Directory.from_seed(self.seed)
        self.directory_changes: list[DirectoryChange] = []
        self.fluxes: dict[str, Flux] = {}
        self.invoices: dict[int, Invoice] = {}
        self.attachments: dict[int, Attachment] = {}
        self.numbers: dict[tuple[int, str], int] = {}  # (supplier id, invoice number) → invoice id
        self.tokens.clear()
        self.faults.clear()
        self.ledger.clear()
        self.clock.reset()
        self._events: list[DueEvent] = []
        self._applying: float | None = None
        self._event_seq = itertools.count()
        if self.changes.enabled:
            self.changes = Changes(enabled=True, reset=True)

    def change_directory(self, seed: Seed, *, replace: bool) -> None:
        """``POST /_sandbox/directory``: replace the directory with ``seed``, or merge it in (same ids per SIRET)."""
        if replace:
            self.seed = seed
            self.directory = Directory.from_seed(seed)
        else:
            self.directory.merge(seed)
            self.seed = Seed(
                applications=[*self.seed.applications, *seed.applications],
                suppliers=[*self.seed.suppliers, *seed.suppliers],
                recipients=[*self.seed.recipients, *seed.recipients],
            )
        self.directory_changes.append(DirectoryChange(seed, replace))
        self.changes.directory = self.changes.enabled

    # -- ids ---------------------------------------------------------------------------------------------------

    def next_flux_number(self) -> str:
        # ``CPP0011110000000000001557``: 25 characters, like the numbers Chorus hands out.
        return f"CPP001{self.ids.next('flux'):019d}"

    def next_invoice_id(self) -> int:
        return self.ids.next("invoice")

    def next_attachment_id(self) -> int:
        return self.ids.next("attachment")

    def next_status_id(self) -> int:
        return self.ids.next("status")

    # -- changes, for the persistence layer -----------------------------------------------------------------------

    def flux_changed(self, flux: Flux) -> None:
        if self.changes.enabled:
            self.changes.fluxes[flux.number] = None

    def invoice_changed(self, invoice: Invoice) -> None:
        if self.changes.enabled:
            self.changes.invoices[invoice.id] = None

    def add_attachment(self, attachment: Attachment) -> None:
        self.attachments[attachment.id] = attachment
        if self.changes.enabled:
            self.changes.attachments[attachment.id] = None

    # -- time --------------------------------------------------------------------------------------------------

    def at(self, delay: float, action: Callable[[], None]) -> float:
        """Run ``action`` once the virtual clock is ``delay`` seconds past now; returns when (virtual timestamp)."""
        start = self._applying if self._applying is not None else self.clock.timestamp()
        return self.at_time(start + delay, action)

    def at_time(self, due: float, action: Callable[[], None]) -> float:
        """Run ``action`` once the virtual clock reaches ``due`` (at once, on the next request, if it has)."""
        heapq.heappush(self._events, DueEvent(due, next(self._event_seq), action))
        return due

    def run_due(self) -> int:
        """Apply every event due by now, in due order; an action may schedule more (also applied if due)."""
        applied = 0
        while self._events and self._events[0].due <= self.clock.timestamp():
            event = heapq.heappop(self._events)
            # Applied late (lazily), but stamped when it fell due: the history must not show the catch-up time.
            self._applying = event.due
            try:
                event.action()
            finally:
                self._applying = None
            applied += 1
        return applied

    def now(self) -> datetime:
        """The time of the change being made: the due time of the event being applied, else the clock's now."""
        return datetime.fromtimestamp(self._applying, PARIS) if self._applying is not None else self.clock.now()

    def pending_events(self) -> int:
        return len(self._events)
