"""The emulator's whole state, in memory: it is a fake external service, restarted or reset at will.

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

from pdp.connectors.chorus_pro.sandbox.clock import PARIS, VirtualClock
from pdp.connectors.chorus_pro.sandbox.directory import Directory, Seed, Structure
from pdp.connectors.chorus_pro.sandbox.faults import FaultBook
from pdp.connectors.chorus_pro.sandbox.ledger import Ledger
from pdp.connectors.chorus_pro.sandbox.reading import DepositedInvoice, DepositReader

FIRST_INVOICE_ID = 8_420_001
FIRST_ATTACHMENT_ID = 6_921_001
FIRST_FLUX_SEQUENCE = 1_110_000_000_000_001_000


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
class Attachment:
    id: int
    owner: int  # supplier structure id
    name: str
    size: int
    kind: str  # "pdf" (deposer/pdf) or "fichier" (ajouter/fichier)
    read: DepositedInvoice | None = None


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


@dataclass(order=True, slots=True)
class DueEvent:
    due: float
    seq: int
    action: Callable[[], None] = field(compare=False)


class SandboxState:
    def __init__(self, seed: Seed, reader: DepositReader, *, clock: VirtualClock | None = None) -> None:
        self.base_seed = seed  # what a reset returns to
        self.seed = seed  # the current directory's seed, with what was merged since (for /_sandbox/info)
        self.reader = reader
        self.clock = clock or VirtualClock()
        self.settings = Settings()
        self.faults = FaultBook()
        self.ledger = Ledger()
        self.tokens: dict[str, tuple[str, float]] = {}  # bearer token → (client id, expiry on the virtual clock)
        self.reset()

    def reset(self, seed: Seed | None = None) -> None:
        """Back to a fresh sandbox: the base seed's directory (``seed`` becomes the base when given), no flux, no
        invoice, no token, no fault, an empty ledger, the clock on real time. Settings are kept: they are the
        emulator's configuration, not its state."""
        if seed is not None:
            self.base_seed = seed
        self.seed = self.base_seed
        self.directory = Directory.from_seed(self.seed)
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
        self._invoice_ids = itertools.count(FIRST_INVOICE_ID)
        self._attachment_ids = itertools.count(FIRST_ATTACHMENT_ID)
        self._status_ids = itertools.count(1)
        self._flux_seq = itertools.count(FIRST_FLUX_SEQUENCE)

    # -- ids ---------------------------------------------------------------------------------------------------

    def next_flux_number(self) -> str:
        # ``CPP0011110000000000001557``: 25 characters, like the numbers Chorus hands out.
        return f"CPP001{next(self._flux_seq):019d}"

    def next_invoice_id(self) -> int:
        return next(self._invoice_ids)

    def next_attachment_id(self) -> int:
        return next(self._attachment_ids)

    def next_status_id(self) -> int:
        return next(self._status_ids)

    # -- time --------------------------------------------------------------------------------------------------

    def at(self, delay: float, action: Callable[[], None]) -> None:
        """Run ``action`` once the virtual clock is ``delay`` seconds past now."""
        start = self._applying if self._applying is not None else self.clock.timestamp()
        heapq.heappush(self._events, DueEvent(start + delay, next(self._event_seq), action))

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
