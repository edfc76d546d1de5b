"""``factures/v1/corriger/valideur/facture`` (docs/chorus-pro-api.md §3.1): a supplier names the right validator
of an invoice sent back for a wrong one ("corriger le valideur initialement renseigné sur une facture rejetée pour
renseignement d'un mauvais valideur", GO ``CorrigerValideurFacture``; in ``{idFacture, idStructure,
identifiantStructure, typeIdentifiantStructure}``, out ``{idFacture}``).

:func:`correct_validator` is what the validator circuit calls; the circuit itself (who validates when) lives with
the lifecycle.
"""

from __future__ import annotations

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.sandbox import lifecycle
from pdp.connectors.chorus_pro.sandbox.directory import Directory, Structure
from pdp.connectors.chorus_pro.sandbox.replies import (
    BAD_STATUS,
    BAD_STATUS_LABEL,
    UNKNOWN_INVOICE_LABEL,
    UNKNOWN_OBJECT,
    UNKNOWN_STRUCTURE_LABEL,
    Call,
    ChorusFailure,
    Handler,
    Reply,
    ok,
)
from pdp.connectors.chorus_pro.sandbox.state import Invoice, SandboxState
from pdp.connectors.chorus_pro.schemas import factures as f

# The statuses of an invoice refused for its validator, and the validation it goes back to once corrected. The
# pairing follows the order of IStatutFacture (ZMOG): ERREUR_FOURNISSEUR_SUR_VALIDEUR sits with A_VALIDER_1, the
# co-contractor's ERREUR_COTRAITANT_SUR_VALIDEUR with A_VALIDER_2.
VALIDATOR_ERRORS = {
    "ERREUR_FOURNISSEUR_SUR_VALIDEUR": "A_VALIDER_1",
    "ERREUR_COTRAITANT_SUR_VALIDEUR": "A_VALIDER_2",
}


def correct_validator(state: SandboxState, invoice: Invoice, validator: Structure) -> str:
    """Give ``invoice`` its new validator and send it back for validation; the status it is now in.

    Refused (20002, as ``completer`` on a wrong status) unless the invoice is in a validator error. What was
    planned for it is cancelled: the validator circuit schedules what follows.
    """
    back_to = VALIDATOR_ERRORS.get(invoice.status.code)
    if back_to is None:
        raise ChorusFailure(BAD_STATUS, BAD_STATUS_LABEL)
    invoice.validator = validator
    invoice.schedule_generation += 1
    lifecycle.record(state, invoice, back_to)
    return back_to


def named_structure(directory: Directory, request: f.CorrigerValideurRequest) -> Structure | None:
    """The structure ``idStructure`` names, else ``identifiantStructure`` (a SIRET unless the type says
    otherwise: the emulator's directory knows SIRETs only)."""
    if request.id_structure is not None:
        return directory.structures.get(request.id_structure)
    if request.identifiant_structure and request.type_identifiant_structure in (None, "SIRET"):
        return directory.by_siret.get(request.identifiant_structure)
    return None


def corriger_valideur(call: Call) -> Reply:
    request = call.decode(f.CorrigerValideurRequest)
    invoice = call.state.invoices.get(request.id_facture)
    if invoice is None or not invoice.visible_to(call.supplier):
        raise ChorusFailure(UNKNOWN_OBJECT, UNKNOWN_INVOICE_LABEL)
    if invoice.status.code not in VALIDATOR_ERRORS:  # the status first: no validator can be changed now
        raise ChorusFailure(BAD_STATUS, BAD_STATUS_LABEL)
    validator = named_structure(call.state.directory, request)
    if validator is None or not validator.active:
        raise ChorusFailure(UNKNOWN_OBJECT, UNKNOWN_STRUCTURE_LABEL)
    correct_validator(call.state, invoice, validator)
    return ok({"idFacture": invoice.id})


HANDLERS: dict[str, Handler] = {paths.CORRIGER_VALIDEUR: corriger_valideur}
