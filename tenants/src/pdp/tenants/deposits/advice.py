"""Why an invoice stopped, in plain French, and what the supplier does next.

An invoice stops for reasons pdp records as they happen (:mod:`pdp.tenants.deposits.pipeline`,
:mod:`pdp.tenants.deposits.chorus_steps`): Chorus Pro refused the file at integration (flux ``IN_REJETE``, with
Chorus's own messages in the event's ``chorus_errors``), the buyer rejected, suspended or sent it back (``REJETEE``,
``SUSPENDUE``, ``A_RECYCLER``, with the buyer's comment in ``chorus_comment``), or pdp gave up depositing it
(``failed``: the error code and message in the event). Chorus's messages are precise but written for its own
staff ("L'identifiant fournisseur de la demande de paiement (balise : …) n'est pas reference dans notre systeme");
each one is matched here to what it means for the supplier and how to fix it, and shown too, as Chorus wrote it.

The texts are French message ids: the portal translates them (``_``), the ``{tenant}`` placeholder naming the
platform that deposits for the supplier.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.events.models import Event

REPLACE = "Déposez une facture rectificative, sous un nouveau numéro, qui remplace celle-ci : pdp les relie."
KEEP_BOOKS = (
    "Dans votre comptabilité, annulez la facture rejetée par un avoir interne : Chorus Pro ne l'a pas mise en "
    "paiement, il n'a pas besoin de cet avoir."
)
ASK_TENANT = "Si vous ne savez pas quoi corriger, écrivez à {tenant}, qui dépose vos factures pour vous."


@dataclass(frozen=True, slots=True)
class Fix:
    """One known cause: the words that identify Chorus's message, and what the supplier should do."""

    needles: tuple[tuple[str, ...], ...]  # any group whose words all appear (lowercase, without accents)
    text: str


# Chorus Pro's integration refusals (its flux report's listeErreurDP and technical errors), most specific first.
CHORUS_FIXES = (
    Fix(
        (("n'est pas la structure du compte technique",),),
        "Le compte Chorus Pro qui a déposé la facture n'est pas autorisé à déposer pour ce fournisseur : {tenant} "
        "doit faire rattacher son compte de dépôt à votre structure sur Chorus Pro.",
    ),
    Fix(
        (("fournisseur", "n'est pas reference"), ("fournisseur", "inconnu")),
        "Le SIRET du fournisseur n'est pas inscrit sur Chorus Pro : créez la structure du fournisseur sur "
        "chorus-pro.gouv.fr (ou demandez-le à {tenant}), puis déposez la facture à nouveau.",
    ),
    Fix(
        (("doublon",), ("deja ete deposee",)),
        "Ce numéro de facture a déjà été utilisé sur Chorus Pro : chaque facture doit avoir un numéro unique.",
    ),
    Fix(
        (
            ("g1.05",),
            ("numero de facture", "n'est pas conforme"),
            ("numero de la demande de paiement est obligatoire",),
        ),
        "Le numéro de facture ne suit pas la règle de Chorus Pro : 20 caractères au plus, lettres, chiffres et "
        "- _ / + uniquement.",
    ),
    Fix(
        (("engagement juridique ou le code du service",),),
        "Ce destinataire exige un numéro d'engagement juridique (bon de commande) ou un code service : "
        "demandez-les à l'acheteur public et indiquez-les sur la facture.",
    ),
    Fix(
        (("service executant", "n'existe pas"), ("service executant", "inactif")),
        "Le code service indiqué n'existe pas, ou plus, chez ce destinataire : vérifiez-le auprès de l'acheteur "
        "ou dans l'annuaire de Chorus Pro.",
    ),
    Fix(
        (("code du service executant est obligatoire",),),
        "Ce destinataire exige un code service (le service qui a passé la commande) : demandez-le à l'acheteur "
        "public et indiquez-le sur la facture.",
    ),
    Fix(
        (("engagement juridique", "obligatoire"),),
        "Ce destinataire exige un numéro d'engagement juridique (souvent le numéro du bon de commande) : "
        "demandez-le à l'acheteur public et indiquez-le sur la facture.",
    ),
    Fix(
        (("engagement juridique depasse",),),
        "Le numéro d'engagement juridique est trop long (50 caractères au plus).",
    ),
    Fix(
        (("destinataire", "introuvable"), ("destinataire", "inactif"), ("destinataire", "siret de 14")),
        "Le SIRET du destinataire n'est pas celui d'une structure publique active sur Chorus Pro : vérifiez-le "
        "auprès de l'acheteur ou dans l'annuaire de Chorus Pro.",
    ),
    Fix(
        (("destinataire", "obligatoire"),),
        "La facture n'indique pas le SIRET du destinataire public.",
    ),
    Fix(
        (("cadre de facturation",),),
        "Le cadre de facturation n'est pas l'un de ceux de Chorus Pro (A1 à A25 ; A1 pour une facture ordinaire).",
    ),
    Fix(
        (("coordonnees bancaires",), ("iban",)),
        "Un paiement par virement demande l'IBAN du fournisseur sur la facture.",
    ),
    Fix(
        (("avoir", "moyen de paiement"),),
        "Un avoir ne doit pas indiquer de moyen de paiement.",
    ),
    Fix(
        (("mode de paiement",), ("moyen de paiement",), ("paymentmeans",)),
        "La facture doit indiquer son moyen de paiement (30 ou 58 pour un virement).",
    ),
    Fix(
        (("piece jointe",), ("120 mo",)),
        "Une pièce jointe ne convient pas à Chorus Pro : 10 Mo au plus chacune, 120 Mo en tout, un nom de "
        "50 caractères au plus et une extension autorisée (PDF, JPG, PNG…).",
    ),
    Fix(
        (("irrecevabilite",), ("n'est pas un fichier xml",), ("schema",), ("xsd",)),
        "Chorus Pro n'a pas pu lire le fichier : il doit être une facture UBL, CII ou Factur-X conforme.",
    ),
)
# Why pdp gave up depositing (the ``error`` of the event that moved the invoice to ``failed``).
FAILURE_FIXES = {
    "mandate_required": (
        "Aucun mandat actif ne couvrait cette facture quand pdp allait la déposer (mandat révoqué, expiré, ou "
        "qui ne couvre pas ce destinataire)."
    ),
    "supplier_unknown": (
        "Chorus Pro ne connaît pas le SIRET du fournisseur : il doit y être inscrit (structure fournisseur) "
        "avant qu'une facture PDF soit déposée pour lui."
    ),
    "chorus_unlisted": (
        "Chorus Pro a accepté le fichier mais n'a ni créé ni refusé la facture : {tenant} doit vérifier sur "
        "Chorus Pro ce qu'elle est devenue avant toute nouvelle tentative."
    ),
    "chorus_auth_failed": (
        "Chorus Pro a refusé le compte technique utilisé pour le dépôt : {tenant} doit vérifier ce compte."
    ),
    "chorus_account_refused": (
        "Chorus Pro a refusé le compte technique utilisé pour le dépôt : {tenant} doit vérifier ce compte."
    ),
    "chorus_api_not_subscribed": (
        "L'application de {tenant} n'a pas accès à ce service de Chorus Pro (abonnement ou conditions "
        "d'utilisation sur PISTE) : {tenant} doit le corriger."
    ),
    "chorus_flux_incident": (
        "Chorus Pro a perdu le fichier de la facture à trois reprises (flux « incidenté ») : {tenant} doit "
        "vérifier auprès du support de Chorus Pro avant toute nouvelle tentative."
    ),
}
FAILURE_DEFAULT = "Chorus Pro a refusé le dépôt de la facture."


@dataclass(frozen=True, slots=True)
class Comment:
    at: datetime
    status: str  # pdp's status the comment came with
    text: str


@dataclass(frozen=True, slots=True)
class Advice:
    """What to tell the supplier about an invoice that waits for something; French message ids."""

    title: str
    cause: str
    fixes: tuple[str, ...] = ()  # what each of Chorus's messages means, when it is known
    quoted: tuple[str, ...] = ()  # Chorus's or the buyer's own words, shown as they were written
    steps: tuple[str, ...] = ()
    tone: str = "error"  # error | warning | info


def _plain(text: str) -> str:
    """Lowercase, without accents or typographic apostrophes: Chorus writes "reference" and "référencé"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fixes_for(messages: Sequence[str]) -> tuple[str, ...]:
    """What each of Chorus's ``messages`` means for the supplier (one fix per known cause, in Chorus's order)."""
    found: list[str] = []
    for message in messages:
        plain = _plain(message)
        for fix in CHORUS_FIXES:
            if any(all(word in plain for word in group) for group in fix.needles):
                if fix.text not in found:
                    found.append(fix.text)
                break
    return tuple(found)


def _last_detail(events: Sequence[Event], status: str) -> dict[str, Any]:
    """The detail of the latest event that moved the invoice to ``status``."""
    for event in reversed(events):
        if event.type == "invoice.status_changed" and event.data.get("status") == status:
            return dict(event.data)
    return {}


def comments(events: Sequence[Event]) -> list[Comment]:
    """The buyer's and Chorus's comments, oldest first, each with the status it came with."""
    return [
        Comment(event.created_at, str(event.data.get("status", "")), str(event.data["chorus_comment"]))
        for event in events
        if event.type == "invoice.status_changed" and event.data.get("chorus_comment")
    ]


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(" | ") if part.strip()]


def advice_for(invoice: InvoiceRecord, events: Sequence[Event]) -> Advice | None:
    """What the supplier should know and do about ``invoice`` now; None when nothing waits for anyone."""
    detail = _last_detail(events, invoice.status)
    comment = str(detail.get("chorus_comment") or "")
    if invoice.status == "rejected":
        errors = [str(e) for e in detail.get("chorus_errors") or []] or (
            _split(invoice.last_error) if invoice.chorus_status == "IN_REJETE" else []
        )
        if errors or invoice.chorus_status == "IN_REJETE":
            return Advice(
                "Refusée par Chorus Pro",
                "Chorus Pro a refusé le fichier de la facture dès sa réception : l'acheteur public ne l'a jamais "
                "reçue.",
                fixes=fixes_for(errors),
                quoted=tuple(errors),
                steps=("Corrigez la facture comme indiqué.", REPLACE, ASK_TENANT),
            )
        return Advice(
            "Rejetée par l'acheteur public",
            "L'acheteur public a rejeté la facture : il ne la paiera pas en l'état.",
            fixes=fixes_for([comment]) if comment else (),
            quoted=(comment,) if comment else (),
            steps=(
                "Lisez le motif de l'acheteur ; s'il n'est pas clair, contactez le service qui a passé la commande.",
                REPLACE,
                KEEP_BOOKS,
            ),
        )
    if invoice.status == "suspended":
        return Advice(
            "Suspendue par l'acheteur public",
            "L'acheteur public a suspendu le traitement de la facture : il demande des pièces justificatives.",
            quoted=(comment,) if comment else (),
            steps=(
                "Joignez les pièces demandées (PDF, images…) avec le bouton « Compléter la facture » : le délai de "
                "paiement reprend quand l'acheteur les a reçues.",
            ),
            tone="warning",
        )
    if invoice.status == "to_recycle":
        return Advice(
            "À recycler : données d'acheminement erronées",
            "L'acheteur public a renvoyé la facture : elle n'est pas adressée au bon destinataire, service ou "
            "engagement.",
            fixes=fixes_for([comment]) if comment else (),
            quoted=(comment,) if comment else (),
            steps=(
                "Recyclez la facture avec le bon SIRET de destinataire, code service ou numéro d'engagement : elle "
                "garde son numéro et repart vers l'acheteur.",
            ),
            tone="warning",
        )
    if invoice.status == "failed":
        code = str(detail.get("error") or (invoice.last_error or "").split(":", 1)[0])
        message = str(detail.get("message") or invoice.last_error or "")
        cause = FAILURE_FIXES.get(code, FAILURE_DEFAULT)
        return Advice(
            "Non déposée",
            cause,
            fixes=fixes_for([message]) if code not in FAILURE_FIXES else (),
            quoted=(message,) if message else (),
            steps=(
                "Retirez cette facture, puis déposez-la à nouveau sous un nouveau numéro une fois la cause "
                "corrigée : pdp garde chaque numéro déposé, comme Chorus Pro.",
                ASK_TENANT,
            ),
        )
    if invoice.status == "stalled":
        return Advice(
            "Bloquée : sans nouvelles de Chorus Pro",
            "La facture n'a pas changé d'état depuis bien plus longtemps que d'habitude : le support de la "
            "plateforme est prévenu et la suit.",
            quoted=(str(detail.get("chorus_status")),) if detail.get("chorus_status") else (),
            steps=(
                "Rien à faire de votre côté pour l'instant : dès que Chorus Pro la fait avancer, son suivi reprend.",
                ASK_TENANT,
            ),
            tone="warning",
        )
    if invoice.status == "awaiting_validation":
        return Advice(
            "En attente de validation",
            "La facture attend la validation du titulaire du marché (ou du mandataire des cotraitants) avant "
            "d'être transmise à l'acheteur public.",
            steps=("Si la validation tarde, contactez la structure valideuse indiquée sur la facture.",),
            tone="info",
        )
    if invoice.status == "queued" and invoice.last_error:
        return Advice(
            "En attente",
            "pdp n'a pas encore pu déposer la facture sur Chorus Pro ; il réessaie de lui-même.",
            quoted=(invoice.last_error,),
            tone="info",
        )
    return None
