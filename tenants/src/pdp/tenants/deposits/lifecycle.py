"""pdp's invoice lifecycle (docs/api.md § Invoices), mapped from every Chorus Pro state and to the reform's CDAR
codes (docs/chorus-fidelity.md lists each with its source).

Chorus has two state machines: the flux (``IN_…``/``QP_…``, integration of a deposited file) and the invoice
(``DEPOSEE`` → … → ``MISE_EN_PAIEMENT``, with validator and works-contract circuits around it). pdp shows one
status. Every Chorus invoice status maps to a pdp status and a CDAR code (the reform's lifecycle codes, so a
tenant can feed the 2026 reform without its own mapping); a status Chorus invents later maps to nothing and is
raised to staff instead (``UNKNOWN``), never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

STATUSES = (
    "received",
    "invalid",
    "queued",
    "submitted",
    "awaiting_validation",
    "deposited",
    "delivered",
    "in_process",
    "suspended",
    "completed",
    "to_recycle",
    "approved",
    "payment_sent",
    "paid",
    "rejected",
    "withdrawn",
    "failed",
    "stalled",
)

# Nothing more will happen to these (pdp stops tracking them).
TERMINAL = frozenset({"invalid", "paid", "rejected", "withdrawn"})
# Chorus will move these on without the supplier: pdp looks at Chorus for them. MISE_EN_PAIEMENT (payment_sent)
# is the last status Chorus reports; "paid" can only come from the supplier's own bank reconciliation.
TRACKED = frozenset(
    {"submitted", "awaiting_validation", "deposited", "delivered", "in_process", "completed", "approved"}
)
# Chorus holds these and may still move them (a buyer resumes a suspended invoice, a stalled one wakes up): the
# account's change feed applies what it reports about them, at no cost per invoice.
FOLLOWED = TRACKED | {"suspended", "to_recycle", "stalled", "payment_sent"}

# The buyer has the invoice: the legal payment delay runs.
RECEIVED = frozenset({"deposited", "delivered", "in_process", "suspended", "completed", "approved", "payment_sent"})
# The buyer has not paid yet: the invoice can be overdue.
AWAITING_PAYMENT = RECEIVED - {"payment_sent"}


@dataclass(frozen=True, slots=True)
class Meaning:
    status: str  # pdp's
    cdar: str  # the reform's lifecycle code


# Every status of docs/chorus-pro-api.md §4.2 (``pdp.connectors.chorus_pro.states.INVOICE_STATUSES``).
# CDAR: 200 Déposée, 203 Mise à disposition, 204 Prise en charge, 205 Approuvée, 207 En litige, 208 Suspendue,
# 209 Complétée, 210 Refusée (by the buyer or its validator), 211 Paiement transmis, 213 Rejetée (by the
# platform), 214 Visée, 220 Annulée, 221 Erreur de routage.
_MEANINGS: dict[tuple[str, str], tuple[str, ...]] = {
    # Created, routed to the buyer.
    ("deposited", "200"): ("DEPOSEE", "EN_COURS_ACHEMINEMENT", "ASSOCIEE", "EN_COURS_TRAITEMENT_PIVOT_S"),
    # Before submission (a draft, a PDF read by OCR that pdp submits at once): already created in Chorus.
    ("submitted", "200"): ("BROUILLON", "INTERPRETEE_OCR"),
    # A validator (main contractor, representative of co-contractors, project manager) must endorse it first.
    ("awaiting_validation", "200"): (
        "A_VALIDER_1",
        "A_VALIDER_2",
        "A_VALIDER_MOE",
        "A_ASSOCIER_MOE",
        "A_ASSOCIER_MOA",
        "A_ASSOCIER_FOURNISSEUR",
        "TRANSMISE_MOA",
    ),
    # Endorsed by its validator, or deemed endorsed once the validation delay ran out: on its way to the buyer.
    ("awaiting_validation", "214"): (
        "VALIDEE_1",
        "VALIDEE_2",
        "ABSENCE_VALIDATION_1_HORS_DELAI",
        "ABSENCE_VALIDATION_2_HORS_DELAI",
        "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
    ),
    ("delivered", "203"): ("MISE_A_DISPOSITION", "MISE_A_DISPOSITION_MOE", "MISE_A_DISPOSITION_MOA"),
    ("in_process", "204"): (
        "PRISE_EN_COMPTE_DESTINATAIRE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "PRISE_EN_COMPTE_MOE",
        "PRISE_EN_COMPTE_MOA",
    ),
    # An error on the buyer's or the project managers' side: theirs to correct, the supplier waits.
    ("in_process", "207"): (
        "ERREUR_MOE_SUR_FOURNISSEUR",
        "ERREUR_MOA_SUR_FOURNISSEUR",
        "ERREUR_MOE_SUR_MOA",
        "ERREUR_DE_MOE",
        "ERREUR_DE_MOA",
        "ERREUR_DESTINATAIRE_PD",
        "ERREUR_DESTINATAIRE_EA",
    ),
    ("suspended", "208"): ("SUSPENDUE", "A_COMPLETER"),
    ("completed", "209"): ("COMPLETEE",),
    # Wrong routing data — recipient, service, commitment, or validator: the supplier corrects it, same number.
    ("to_recycle", "221"): (
        "A_RECYCLER",
        "EN_ATTENTE_RECYCLAGE_FOURNISSEUR",
        "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
        "ERREUR_COTRAITANT_SUR_VALIDEUR",
        "ERREUR_FOURNISSEUR_SUR_MOE",
        "ERREUR_FOURNISSEUR_SUR_MOA",
    ),
    ("approved", "205"): ("SERVICE_FAIT", "MANDATEE", "COMPTABILISEE"),
    ("payment_sent", "211"): ("MISE_EN_PAIEMENT",),
    # Refused by the buyer or a validator: final, a new invoice is needed.
    ("rejected", "210"): ("REJETEE", "REFUSEE_1", "REFUSEE_2", "REFUSEE_MOE", "REFUSEE_MOA", "REFUSEE_FOURNISSEUR"),
    ("rejected", "213"): ("NON_CONFORME",),
    # Abandoned, deleted, or superseded in Chorus (a tacit general statement A22, a copy made after a refusal).
    ("withdrawn", "220"): ("ABANDONNEE", "SUPPRIMEE", "REMPLACEE_PAR_A22", "DUPLIQUE_APRES_REFUS"),
}
CHORUS_INVOICE_STATES: dict[str, Meaning] = {
    code: Meaning(status, cdar) for (status, cdar), codes in _MEANINGS.items() for code in codes
}
# Chorus's own placeholder for a status it could not name: known, but it says nothing pdp can act on.
UNKNOWN = frozenset({"TECHNIQUE_INCONNU"})

# The CDAR code of a pdp status when no Chorus status says more precisely (pdp's own statuses, flux rejections).
CDAR_CODES = {
    "deposited": "200",
    "awaiting_validation": "200",
    "delivered": "203",
    "in_process": "204",
    "approved": "205",
    "suspended": "208",
    "completed": "209",
    "to_recycle": "221",
    "payment_sent": "211",
    "paid": "212",
    "rejected": "213",
}


def cdar_code(status: str, chorus_status: str | None) -> str | None:
    """The CDAR code of an invoice: its Chorus status's when that status is what put it there."""
    meaning = CHORUS_INVOICE_STATES.get(chorus_status or "")
    if meaning is not None and meaning.status == status:
        return meaning.cdar
    return CDAR_CODES.get(status)


class FluxAction(Enum):
    WAIT = "wait"  # Chorus is (re)processing it: look again, within the state's maximum age
    INTEGRATED = "integrated"  # the invoices it created can be looked up
    REFUSED = "refused"  # nothing was created: the reasons are in the report
    REDEPOSIT = "redeposit"  # Chorus lost it ("il sera nécessaire de reprendre le flux intégralement")


CHORUS_FLUX_STATES = {
    "IN_RECU": FluxAction.WAIT,
    "IN_EN_ATTENTE_TRAITEMENT_CPP": FluxAction.WAIT,
    "IN_EN_COURS_TRAITEMENT_CPP": FluxAction.WAIT,
    "IN_EN_ATTENTE_RETRAITEMENT_CPP": FluxAction.WAIT,
    "IN_TRAITE_SE_CPP": FluxAction.WAIT,
    "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP": FluxAction.WAIT,
    "QP_RECEVABLE": FluxAction.WAIT,
    "QP_RECEVABLE_AVEC_ERREUR": FluxAction.WAIT,  # receivable: integration goes on; an error naming ours rejects it
    "IN_INTEGRE": FluxAction.INTEGRATED,
    "IN_INTEGRE_PARTIEL": FluxAction.INTEGRATED,  # ours was created unless listeErreurDP names it
    "IN_REJETE": FluxAction.REFUSED,
    "QP_IRRECEVABLE": FluxAction.REFUSED,
    "IN_INCIDENTE": FluxAction.REDEPOSIT,
}
# How many times pdp deposits an invoice whose flux Chorus lost before it gives up (``failed``).
MAX_DEPOSITS = 3


# How long an invoice may stay in each non-final status before it is ``stalled`` (PDP_STALLED_AFTER overrides).
# Chorus integrates a flux in minutes and routes an invoice within the day; buyers have 30 days to pay (60 for
# some), validators 15 days to endorse; a supplier asked for documents or new routing has a month to answer.
# ``payment_sent`` is not here: Chorus reports nothing after it, so nothing can be late.
STALL_AFTER = {
    "queued": timedelta(days=1),
    "submitted": timedelta(days=2),
    "awaiting_validation": timedelta(days=30),
    "deposited": timedelta(days=3),
    "delivered": timedelta(days=45),
    "in_process": timedelta(days=45),
    "completed": timedelta(days=45),
    "approved": timedelta(days=30),
    "suspended": timedelta(days=30),
    "to_recycle": timedelta(days=30),
}


def parse_stall_after(value: str) -> dict[str, timedelta]:
    """``"submitted=2d,delivered=60d,queued=12h"`` over the defaults; units s, m, h, d."""
    limits = dict(STALL_AFTER)
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    for part in filter(None, (piece.strip() for piece in value.split(","))):
        status, _, amount = part.partition("=")
        status, amount = status.strip(), amount.strip()
        if status not in STALL_AFTER or not amount or amount[-1] not in units or not amount[:-1].isdigit():
            raise ValueError(
                f"PDP_STALLED_AFTER: {part!r} is not <status>=<n><s|m|h|d> for one of {sorted(STALL_AFTER)}"
            )
        limits[status] = timedelta(seconds=int(amount[:-1]) * units[amount[-1]])
    return limits


def from_chorus(invoice_state: str | None) -> str | None:
    """pdp's status for a Chorus invoice status, ``None`` when pdp does not know it (raise it to staff)."""
    meaning = CHORUS_INVOICE_STATES.get(invoice_state or "")
    return meaning.status if meaning else None


# A status may only move forward: a late or repeated Chorus answer never drags an invoice back.
_RANK = {
    "received": 0,
    "queued": 10,
    "submitted": 20,
    "awaiting_validation": 25,
    "deposited": 30,
    "delivered": 40,
    "in_process": 50,
    "suspended": 50,
    "to_recycle": 50,
    "completed": 60,
    "approved": 70,
    "payment_sent": 80,
    "paid": 90,
}
# Chorus moves an invoice between these freely (a buyer suspends, the supplier completes, the buyer resumes).
_LATERAL = frozenset({"delivered", "in_process", "suspended", "completed", "to_recycle", "approved"})
# Corrected routing (recycler, corriger/valideur) starts the invoice over, from its validator or its buyer.
_RESTARTS = frozenset({"awaiting_validation", "deposited"})


def may_move(current: str, new: str) -> bool:
    """Whether ``current`` → ``new`` is a real step forward (or a lateral move Chorus makes)."""
    if current == new or current in TERMINAL:
        return False
    if new in TERMINAL or new in ("failed", "stalled"):
        return True
    if current == "stalled":
        return new != "received"  # whatever Chorus says after the silence is news
    if current == "submitted" and new == "queued":
        return True  # Chorus lost the flux (IN_INCIDENTE): it is deposited again
    if current == "to_recycle" and new in _RESTARTS:
        return True
    if current in _LATERAL and new in _LATERAL:
        return True
    return _RANK.get(new, 0) > _RANK.get(current, 0)
