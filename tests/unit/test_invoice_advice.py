"""Why an invoice stopped and what to do, in plain French: Chorus Pro's own refusals (the emulator's messages,
written as Chorus writes them) and the buyer's statuses each get their advice, and every text has its English."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from pdp.tenants.deposits import advice
from pdp.tenants.deposits.advice import advice_for, comments, fixes_for
from pdp.tenants.deposits.hand_deposit import REFUSAL_DEFAULT, REFUSALS
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.events.models import Event
from pdp.web.portal.i18n.invoices import EN

# Chorus Pro's integration refusals, as the emulator (connectors/chorus_pro/sandbox/checks.py) writes them.
CHORUS_MESSAGES = {
    "L'identifiant fournisseur de la demande de paiement (balise : AccountingSupplierParty.Party.PartyIdentification"
    ".ID.value) n'est pas reference dans notre systeme.": "n'est pas inscrit sur Chorus Pro",
    "La facture F-1 a déjà été déposée par ce fournisseur (doublon).": "a déjà été utilisé sur Chorus Pro",
    "Le numéro de facture F 1 n'est pas conforme (règle G1.05) : 20 caractères au plus.": "règle de Chorus Pro",
    "Le service exécutant SERV9 n'existe pas pour le destinataire 11000201100044.": "n'existe pas, ou plus",
    "Le code du service exécutant est obligatoire pour ce destinataire.": "exige un code service (le service",
    "Le numéro d'engagement juridique est obligatoire pour ce destinataire.": "(souvent le numéro du bon",
    "Le numéro d'engagement juridique ou le code du service exécutant est obligatoire pour ce destinataire.": (
        "(bon de commande) ou un code service"
    ),
    "Le destinataire 11000201100044 est introuvable ou inactif dans Chorus Pro.": "structure publique active",
    "Les coordonnées bancaires (IBAN) du fournisseur sont obligatoires pour le moyen de paiement 30 (virement).": (
        "IBAN du fournisseur"
    ),
    "Un avoir ne doit pas comporter de moyen de paiement.": "Un avoir ne doit pas",
    "L'element FichierXml.PaymentMeans.PaymentMeansCode.value est obligatoire.": "moyen de paiement (30",
    "Le cadre de facturation B1 n'est pas valide (A1 à A25 attendu).": "cadre de facturation",
}


def invoice(status: str, **fields: Any) -> InvoiceRecord:
    return InvoiceRecord(
        id="inv_01JD0000000000000000000000",
        number="F-1",
        status=status,
        type="invoice",
        issue_date=date(2026, 3, 1),
        total_incl_tax=Decimal("120.00"),
        chorus_status=fields.pop("chorus_status", None),
        last_error=fields.pop("last_error", None),
        **fields,
    )


def changed(status: str, **data: Any) -> Event:
    return Event(
        id="evt_01JD0000000000000000000000",
        type="invoice.status_changed",
        subject_id="inv_01JD0000000000000000000000",
        data={"status": status, **data},
        created_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )


@pytest.mark.parametrize(("message", "expected"), CHORUS_MESSAGES.items())
def test_each_chorus_refusal_is_explained(message: str, expected: str) -> None:
    [fix] = fixes_for([message])
    assert expected in fix


def test_an_unknown_message_is_quoted_without_a_made_up_explanation() -> None:
    assert fixes_for(["Erreur inattendue 42"]) == ()
    rejected = advice_for(
        invoice("rejected", chorus_status="IN_REJETE"), [changed("rejected", chorus_errors=["Erreur inattendue 42"])]
    )
    assert rejected is not None
    assert rejected.quoted == ("Erreur inattendue 42",) and rejected.fixes == ()
    assert advice.REPLACE in rejected.steps


def test_a_flux_refusal_read_from_last_error_when_no_event_says_more() -> None:
    messages = list(CHORUS_MESSAGES)[:2]
    found = advice_for(invoice("rejected", chorus_status="IN_REJETE", last_error=" | ".join(messages)), [])
    assert found is not None and found.title == "Refusée par Chorus Pro"
    assert found.quoted == tuple(messages) and len(found.fixes) == 2


def test_the_buyers_rejection_suspension_and_recycling_quote_the_buyer() -> None:
    comment = "Facture rejetée : le montant ne correspond pas au bon de commande."
    rejected = advice_for(invoice("rejected", chorus_status="REJETEE"), [changed("rejected", chorus_comment=comment)])
    assert rejected is not None and rejected.title == "Rejetée par l'acheteur public"
    assert rejected.quoted == (comment,) and advice.KEEP_BOOKS in rejected.steps
    suspended = advice_for(invoice("suspended"), [changed("suspended", chorus_comment="Joindre le bon de livraison")])
    assert suspended is not None and suspended.tone == "warning" and "Compléter la facture" in suspended.steps[0]
    recycled = advice_for(invoice("to_recycle"), [changed("to_recycle", chorus_comment="Mauvais service")])
    assert recycled is not None and "Recyclez" in recycled.steps[0]
    assert [c.text for c in comments([changed("suspended", chorus_comment="x"), changed("paid")])] == ["x"]


def test_a_failed_deposit_says_why_and_says_to_use_a_new_number() -> None:
    mandate = advice_for(invoice("failed"), [changed("failed", error="mandate_required", message="No mandate")])
    assert mandate is not None and mandate.cause == advice.FAILURE_FIXES["mandate_required"]
    assert "nouveau numéro" in mandate.steps[0]
    other = advice_for(invoice("failed", last_error="chorus_rejected: Doublon"), [])
    assert other is not None and other.cause == advice.FAILURE_DEFAULT and other.quoted == ("chorus_rejected: Doublon",)


def test_nothing_to_say_of_an_invoice_that_goes_its_way() -> None:
    for status in ("queued", "submitted", "delivered", "paid", "withdrawn"):
        assert advice_for(invoice(status), []) is None


def test_every_advice_and_refusal_has_its_english() -> None:
    texts = {fix.text for fix in advice.CHORUS_FIXES}
    texts |= {*advice.FAILURE_FIXES.values(), advice.FAILURE_DEFAULT, *REFUSALS.values(), REFUSAL_DEFAULT}
    cases = [
        advice_for(invoice("rejected", chorus_status="IN_REJETE"), [changed("rejected", chorus_errors=["x"])]),
        advice_for(invoice("rejected"), [changed("rejected", chorus_comment="x")]),
        advice_for(invoice("suspended"), []),
        advice_for(invoice("to_recycle"), []),
        advice_for(invoice("failed"), [changed("failed", error="supplier_unknown")]),
        advice_for(invoice("queued", last_error="chorus_not_configured"), []),
        advice_for(invoice("stalled"), [changed("stalled", chorus_status="IN_EN_ATTENTE_RETRAITEMENT_CPP")]),
        advice_for(invoice("awaiting_validation"), []),
    ]
    for found in cases:
        assert found is not None
        texts |= {found.title, found.cause, *found.steps}
    assert sorted(text for text in texts if text not in EN) == []


def test_a_stalled_invoice_says_support_knows_and_where_chorus_left_it() -> None:
    stalled = advice_for(invoice("stalled"), [changed("stalled", chorus_status="IN_EN_ATTENTE_RETRAITEMENT_CPP")])
    assert stalled is not None and stalled.tone == "warning" and "support" in stalled.cause
    assert stalled.quoted == ("IN_EN_ATTENTE_RETRAITEMENT_CPP",)
