"""What the control API forces, so every state Chorus can report has a test: any flux state
(``POST /_sandbox/fluxes/{numero}/state``) and any invoice status, known or not
(``POST /_sandbox/invoices/{id}/force``).

A forced flux state holds: the integration that was due does not run (a flux Chorus set aside as
``IN_INCIDENTE`` or ``IN_EN_ATTENTE_RETRAITEMENT_CPP`` never integrates by itself), unless ``reprendre`` asks
Chorus to process it again, which integrates it after the usual delay. A forced invoice status stops what the
buyer's scenario had planned.
"""

from __future__ import annotations

import msgspec

from pdp.connectors.chorus_pro.sandbox import lifecycle
from pdp.connectors.chorus_pro.sandbox.integration import FINAL_STATES, PROCESSING, integrate
from pdp.connectors.chorus_pro.sandbox.state import Flux, Invoice, SandboxState, TechnicalError
from pdp.connectors.chorus_pro.states import FLUX_STATES

# What Chorus says of a flux it declares irreceivable, in the words of its XSD refusals (KRO).
IRRECEIVABLE = TechnicalError("ERR_QP_001", "IRRECEVABILITE: le flux a été déclaré irrecevable.")


class FluxState(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    etat: str
    reprendre: bool = False  # after the state: process it again (integration after the usual delay)


class ForcedStatus(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    statut: str
    commentaire: str | None = None


def force_flux_state(state: SandboxState, flux: Flux, wanted: FluxState) -> None:
    if wanted.etat not in FLUX_STATES:
        raise ValueError(f"unknown flux state {wanted.etat}; known: {sorted(FLUX_STATES)}")
    if flux.state in FINAL_STATES and flux.invoice_ids:
        raise ValueError(f"flux {flux.number} is already {flux.state} with its invoices created")
    flux.state, flux.state_at = wanted.etat, state.now()
    flux.processing_due = flux.integration_due = None  # a restart must not move it on either
    if wanted.etat == "QP_IRRECEVABLE" and not flux.technical_errors:
        flux.technical_errors.append(IRRECEIVABLE)
    if wanted.reprendre:
        flux.state = PROCESSING
        flux.integration_due = state.at(state.settings.integration_delay, lambda: integrate(state, flux))
    state.flux_changed(flux)


def force_invoice_status(state: SandboxState, invoice: Invoice, wanted: ForcedStatus) -> None:
    """Any status, even one pdp has never heard of: what Chorus may invent tomorrow."""
    if not wanted.statut.strip():
        raise ValueError("statut is empty")
    invoice.schedule_generation += 1
    invoice.planned.clear()
    lifecycle.record(state, invoice, wanted.statut, wanted.commentaire, buyer=True)
