"""pdp's invoice lifecycle (docs/api.md § Invoices), mapped from Chorus Pro's states and to the reform's CDAR codes.

Chorus has two state machines: the flux (``IN_…``, integration of a deposited file) and the invoice
(``DEPOSEE`` → … → ``MISE_EN_PAIEMENT``). pdp shows one status. CDAR codes (the reform's invoice lifecycle
statuses) go with each status so a tenant can feed the 2026 reform's lifecycle without its own mapping.
"""

from __future__ import annotations

STATUSES = (
    "received",
    "invalid",
    "queued",
    "submitted",
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
)

# Nothing more will happen to these (pdp stops tracking them).
TERMINAL = frozenset({"invalid", "paid", "rejected", "withdrawn"})
# Chorus will move these on without the supplier: keep polling. MISE_EN_PAIEMENT (payment_sent) is the last
# status Chorus reports; "paid" can only come from the supplier's own bank reconciliation.
TRACKED = frozenset({"submitted", "deposited", "delivered", "in_process", "completed", "approved"})

# The buyer has the invoice: the legal payment delay runs.
RECEIVED = frozenset({"deposited", "delivered", "in_process", "suspended", "completed", "approved", "payment_sent"})
# The buyer has not paid yet: the invoice can be overdue.
AWAITING_PAYMENT = RECEIVED - {"payment_sent"}

CHORUS_INVOICE_STATES = {
    "DEPOSEE": "deposited",
    "EN_COURS_ACHEMINEMENT": "deposited",
    "MISE_A_DISPOSITION": "delivered",
    "PRISE_EN_COMPTE_DESTINATAIRE": "in_process",
    "MISE_A_DISPOSITION_COMPTABLE": "in_process",
    "A_RECYCLER": "to_recycle",
    "SUSPENDUE": "suspended",
    "COMPLETEE": "completed",
    "SERVICE_FAIT": "approved",
    "MANDATEE": "approved",
    "COMPTABILISEE": "approved",
    "MISE_EN_PAIEMENT": "payment_sent",
    "REJETEE": "rejected",
}

CHORUS_FLUX_STATES = {
    "IN_REJETE": "rejected",
    "IN_INTEGRE": "deposited",
    "IN_INTEGRE_PARTIEL": "deposited",  # for the invoices of the flux that were integrated; the others: rejected
}

# CDAR lifecycle codes (Flux 6): 200 Déposée, 203 Mise à disposition, 204 Prise en charge, 205 Approuvée,
# 208 Suspendue, 209 Complétée, 210 Refusée, 211 Paiement transmis, 212 Encaissée, 213 Rejetée, 221 routing error.
CDAR_CODES = {
    "deposited": "200",
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

# A status may only move forward: a late or repeated Chorus answer never drags an invoice back.
_RANK = {
    "received": 0,
    "queued": 1,
    "submitted": 2,
    "deposited": 3,
    "delivered": 4,
    "in_process": 5,
    "suspended": 5,
    "to_recycle": 5,
    "completed": 6,
    "approved": 7,
    "payment_sent": 8,
    "paid": 9,
}
# Chorus moves an invoice between these freely (a buyer suspends, the supplier completes, the buyer resumes).
_LATERAL = frozenset({"delivered", "in_process", "suspended", "completed", "to_recycle", "approved"})


def from_chorus(invoice_state: str | None, flux_state: str | None = None) -> str | None:
    """pdp's status for what Chorus reports, ``None`` when the report says nothing new."""
    if invoice_state:
        return CHORUS_INVOICE_STATES.get(invoice_state, "in_process")
    if flux_state:
        return CHORUS_FLUX_STATES.get(flux_state)
    return None


def may_move(current: str, new: str) -> bool:
    """Whether ``current`` → ``new`` is a real step forward (or a lateral move Chorus makes)."""
    if current == new or current in TERMINAL:
        return False
    if current == "to_recycle" and new == "deposited":
        return True  # recycled with new routing: Chorus starts the invoice over
    if new in TERMINAL or new == "failed":
        return True
    if current in _LATERAL and new in _LATERAL:
        return True
    return _RANK.get(new, 0) > _RANK.get(current, 0)
