"""Every Chorus Pro state has a meaning in pdp (lifecycle.py), and the lifecycle's moves hold."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pdp.connectors.chorus_pro.states import FLUX_STATES, INVOICE_STATUSES
from pdp.tenants.deposits.lifecycle import (
    CDAR_CODES,
    CHORUS_FLUX_STATES,
    CHORUS_INVOICE_STATES,
    STALL_AFTER,
    STATUSES,
    TERMINAL,
    UNKNOWN,
    FluxAction,
    cdar_code,
    from_chorus,
    may_move,
    parse_stall_after,
)

VALID_CDAR = {str(code) for code in range(200, 215)} | {"220", "221"}


def test_every_chorus_invoice_status_maps_to_a_pdp_status_and_a_valid_cdar_code() -> None:
    assert len(INVOICE_STATUSES) == len(set(INVOICE_STATUSES)) == 57
    unmapped = [code for code in INVOICE_STATUSES if code not in CHORUS_INVOICE_STATES and code not in UNKNOWN]
    assert unmapped == []
    assert set(CHORUS_INVOICE_STATES) <= set(INVOICE_STATUSES)  # no invented code in the table
    for code, meaning in CHORUS_INVOICE_STATES.items():
        assert meaning.status in STATUSES, code
        assert meaning.cdar in VALID_CDAR, code
    assert set(CDAR_CODES.values()) <= VALID_CDAR


@pytest.mark.parametrize(
    ("chorus", "status", "cdar"),
    [
        ("DEPOSEE", "deposited", "200"),
        ("A_VALIDER_1", "awaiting_validation", "200"),
        ("VALIDEE_2", "awaiting_validation", "214"),
        ("MISE_A_DISPOSITION", "delivered", "203"),
        ("SUSPENDUE", "suspended", "208"),
        ("A_COMPLETER", "suspended", "208"),
        ("A_RECYCLER", "to_recycle", "221"),
        ("ERREUR_FOURNISSEUR_SUR_VALIDEUR", "to_recycle", "221"),
        ("REJETEE", "rejected", "210"),  # refused by the buyer: "Refusée", not the platform's "Rejetée"
        ("REFUSEE_1", "rejected", "210"),
        ("NON_CONFORME", "rejected", "213"),
        ("MANDATEE", "approved", "205"),
        ("MISE_EN_PAIEMENT", "payment_sent", "211"),
        ("SUPPRIMEE", "withdrawn", "220"),
        ("ERREUR_DE_MOA", "in_process", "207"),
    ],
)
def test_chorus_statuses_reach_the_lifecycle_and_the_reform_codes(chorus: str, status: str, cdar: str) -> None:
    assert from_chorus(chorus) == status
    assert cdar_code(status, chorus) == cdar


def test_an_unknown_status_maps_to_nothing_and_the_cdar_code_falls_back_to_the_status() -> None:
    assert from_chorus("TECHNIQUE_INCONNU") is None and from_chorus("SOMETHING_NEW") is None
    assert cdar_code("rejected", "IN_REJETE") == "213"  # a flux rejection: the platform rejected it
    assert cdar_code("delivered", "SOMETHING_NEW") == "203"


def test_every_flux_state_has_an_action() -> None:
    assert set(CHORUS_FLUX_STATES) == set(FLUX_STATES)
    assert CHORUS_FLUX_STATES["IN_INCIDENTE"] is FluxAction.REDEPOSIT
    assert CHORUS_FLUX_STATES["QP_IRRECEVABLE"] is FluxAction.REFUSED
    assert CHORUS_FLUX_STATES["IN_EN_ATTENTE_RETRAITEMENT_CPP"] is FluxAction.WAIT
    assert {s for s, a in CHORUS_FLUX_STATES.items() if a is FluxAction.INTEGRATED} == {
        "IN_INTEGRE",
        "IN_INTEGRE_PARTIEL",
    }


def test_every_non_final_status_but_payment_sent_has_a_maximum_age() -> None:
    waiting = set(STATUSES) - TERMINAL - {"received", "failed", "stalled", "payment_sent"}
    assert waiting == set(STALL_AFTER)


def test_stall_limits_are_read_over_the_defaults() -> None:
    limits = parse_stall_after("submitted=90m, delivered=60d,queued=12h")
    assert limits["submitted"] == timedelta(minutes=90)
    assert limits["delivered"] == timedelta(days=60)
    assert limits["queued"] == timedelta(hours=12)
    assert limits["deposited"] == STALL_AFTER["deposited"]
    assert parse_stall_after("") == STALL_AFTER


@pytest.mark.parametrize("bad", ["paid=1d", "submitted=1w", "submitted", "submitted=d", "delivered=-1d"])
def test_a_bad_stall_limit_is_refused_with_what_is_expected(bad: str) -> None:
    with pytest.raises(ValueError, match="PDP_STALLED_AFTER"):
        parse_stall_after(bad)


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("delivered", "deposited", False),  # a late answer never drags an invoice back
        ("submitted", "awaiting_validation", True),
        ("awaiting_validation", "deposited", True),
        ("to_recycle", "awaiting_validation", True),  # a corrected validator restarts the circuit
        ("submitted", "queued", True),  # a lost flux is deposited again
        ("deposited", "queued", False),
        ("delivered", "stalled", True),
        ("stalled", "delivered", True),  # Chorus woke it up
        ("stalled", "submitted", True),
        ("rejected", "stalled", False),
        ("payment_sent", "approved", False),
    ],
)
def test_moves(current: str, new: str, allowed: bool) -> None:
    assert may_move(current, new) is allowed
