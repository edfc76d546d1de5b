"""Buyer statuses of integrated invoices, on the virtual clock (docs/chorus-pro-api.md §4.2).

An integrated invoice starts ``DEPOSEE`` and follows its recipient's scenario: ``normal`` goes
``MISE_A_DISPOSITION`` → ``SERVICE_FAIT`` → ``MANDATEE`` → ``MISE_EN_PAIEMENT``; ``slow_payment`` the same over
two months; ``suspend`` stops at ``SUSPENDUE`` until ``completer``; ``recycle`` at ``A_RECYCLER`` until
``recycler``; ``reject`` ends ``REJETEE``. A scenario plays once per invoice: after a completion or a recycling
the invoice proceeds normally. The delays are not documented (OCA polls daily); they are plausible, and the
control API advances the clock past them.
"""

from __future__ import annotations

from collections.abc import Callable

from pdp.connectors.chorus_pro.sandbox.directory import Scenario
from pdp.connectors.chorus_pro.sandbox.replies import BAD_STATUS, BAD_STATUS_LABEL, ChorusFailure
from pdp.connectors.chorus_pro.sandbox.state import Invoice, PlannedStatus, SandboxState, StatusEntry
from pdp.einvoice.chorus_rules import FRAMES_NEEDING_VALIDATOR

MINUTE = 60.0
HOUR = 60 * MINUTE
DAY = 24 * HOUR

Step = tuple[float, str, str | None]  # (delay after the previous status, status, buyer's comment)

PAYMENT_STEPS: list[Step] = [
    (DAY, "SERVICE_FAIT", None),
    (2 * DAY, "MANDATEE", None),
    (3 * DAY, "MISE_EN_PAIEMENT", None),
]
SCHEDULES: dict[Scenario, list[Step]] = {
    "normal": [(5 * MINUTE, "MISE_A_DISPOSITION", None), *PAYMENT_STEPS],
    "slow_payment": [
        (5 * MINUTE, "MISE_A_DISPOSITION", None),
        (10 * DAY, "SERVICE_FAIT", None),
        (20 * DAY, "MANDATEE", None),
        (30 * DAY, "MISE_EN_PAIEMENT", None),
    ],
    "suspend": [
        (5 * MINUTE, "MISE_A_DISPOSITION", None),
        (DAY, "SUSPENDUE", "Pièce justificative manquante : merci de joindre le bon de livraison signé."),
    ],
    "recycle": [
        (5 * MINUTE, "MISE_A_DISPOSITION", None),
        (DAY, "A_RECYCLER", "Données d'acheminement erronées : le service exécutant indiqué ne traite pas ce marché."),
    ],
    "reject": [
        (5 * MINUTE, "MISE_A_DISPOSITION", None),
        (DAY, "REJETEE", "Facture rejetée : le montant ne correspond pas au bon de commande."),
    ],
}
# What the buyer may set through the control API (PASTELL's traiter/recue target list).
BUYER_STATUSES = frozenset(
    {
        "MISE_A_DISPOSITION",
        "SUSPENDUE",
        "A_RECYCLER",
        "REJETEE",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
        "MISE_EN_PAIEMENT",
    }
)
FINAL_STATUSES = frozenset({"REJETEE", "MISE_EN_PAIEMENT"})
VALIDATION_DELAY = 2 * DAY
VALIDATED = "VALIDEE_1"
_NORMAL_ORDER = [status for _, status, _ in SCHEDULES["normal"]]


def record(
    state: SandboxState, invoice: Invoice, code: str, comment: str | None = None, *, buyer: bool = False
) -> None:
    invoice.history.append(StatusEntry(state.next_status_id(), code, state.now(), comment, buyer))
    state.invoice_changed(invoice)


def begin(state: SandboxState, invoice: Invoice) -> None:
    """A new invoice: ``DEPOSEE`` now, then its recipient's scenario (or the normal path once one has played).
    A subcontractor's or co-contractor's invoice (frames A9, A12) goes to its validator first: ``A_VALIDER_1``,
    validated (``VALIDEE_1``) after VALIDATION_DELAY, then deposited for the buyer. The delay is a guess (the law
    gives a validator 15 days); refusals and validator errors are forced through the control API."""
    if (invoice.read.billing_frame or "").upper() in FRAMES_NEEDING_VALIDATOR and not invoice.history:
        record(state, invoice, "A_VALIDER_1")
        _schedule(state, invoice, [(VALIDATION_DELAY, VALIDATED, None)])
        return
    _deposit(state, invoice)


def _deposit(state: SandboxState, invoice: Invoice) -> None:
    record(state, invoice, "DEPOSEE")
    scenario: Scenario = "normal" if invoice.scenario_done else invoice.recipient.scenario
    invoice.scenario_done = invoice.scenario_done or scenario not in ("normal", "slow_payment")
    _schedule(state, invoice, SCHEDULES[scenario])


def buyer_sets(state: SandboxState, invoice: Invoice, code: str, comment: str | None) -> None:
    """The public buyer acts: the automatic schedule stops; a status on the payment path resumes it from there."""
    if code not in BUYER_STATUSES or invoice.status.code in FINAL_STATUSES:
        raise ChorusFailure(BAD_STATUS, BAD_STATUS_LABEL)
    invoice.schedule_generation += 1
    record(state, invoice, code, comment, buyer=True)
    if code in _NORMAL_ORDER:
        _schedule(state, invoice, SCHEDULES["normal"][_NORMAL_ORDER.index(code) + 1 :])


def complete(state: SandboxState, invoice: Invoice, comment: str | None) -> None:
    """``completer``: a ``SUSPENDUE`` invoice becomes ``COMPLETEE`` and goes back to the buyer."""
    if invoice.status.code != "SUSPENDUE":
        raise ChorusFailure(BAD_STATUS, BAD_STATUS_LABEL)
    invoice.schedule_generation += 1
    record(state, invoice, "COMPLETEE", comment)
    _schedule(state, invoice, [(HOUR, "MISE_A_DISPOSITION", None), *PAYMENT_STEPS])


def resume(state: SandboxState, invoice: Invoice) -> None:
    """After a restart: schedule again the statuses still planned (due ones apply at once, stamped when due)."""
    invoice.planned = [planned for planned in invoice.planned if planned.generation == invoice.schedule_generation]
    for planned in invoice.planned:
        state.at_time(planned.due, _step(state, invoice, planned))


def _schedule(state: SandboxState, invoice: Invoice, steps: list[Step]) -> None:
    if invoice.recipient.payment_status_not_reported:
        # statutMiseEnPaiementNestPasRemonte: the supplier never sees the payment status.
        steps = [step for step in steps if step[1] != "MISE_EN_PAIEMENT"]
    generation = invoice.schedule_generation
    invoice.planned = [planned for planned in invoice.planned if planned.generation == generation]
    delay = 0.0
    for after, code, comment in steps:
        delay += after
        planned = PlannedStatus(0.0, code, comment, generation)
        planned.due = state.at(delay, _step(state, invoice, planned))
        invoice.planned.append(planned)


def _step(state: SandboxState, invoice: Invoice, planned: PlannedStatus) -> Callable[[], None]:
    def apply() -> None:
        if planned in invoice.planned:
            invoice.planned.remove(planned)
        if invoice.schedule_generation == planned.generation:
            record(state, invoice, planned.code, planned.comment, buyer=True)
            if planned.code == VALIDATED:  # endorsed: on to the buyer
                _deposit(state, invoice)

    return apply
