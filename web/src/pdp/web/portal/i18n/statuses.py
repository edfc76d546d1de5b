"""Invoice statuses and portal roles as the portal names them (French), and in English. Shared by every page that
shows one: templates write ``{{ _(status_label(invoice.status)) }}``, ``{{ _(role_label(role)) }}``."""

from __future__ import annotations

LABELS = {
    "received": "Reçue",
    "invalid": "Invalide",
    "queued": "En attente de dépôt",
    "submitted": "Envoyée à Chorus Pro",
    "awaiting_validation": "En attente de validation",
    "deposited": "Déposée",
    "delivered": "Mise à disposition",
    "in_process": "Prise en charge",
    "suspended": "Suspendue",
    "completed": "Complétée",
    "to_recycle": "À recycler",
    "approved": "Approuvée",
    "payment_sent": "Mise en paiement",
    "paid": "Payée",
    "rejected": "Rejetée",
    "withdrawn": "Retirée",
    "failed": "Échec du dépôt",
    "stalled": "Bloquée",
}

EN = {
    "Reçue": "Received",
    "Invalide": "Invalid",
    "En attente de dépôt": "Waiting to be deposited",
    "Envoyée à Chorus Pro": "Sent to Chorus Pro",
    "En attente de validation": "Awaiting validation",
    "Déposée": "Deposited",
    "Mise à disposition": "Delivered to the buyer",
    "Prise en charge": "Being processed",
    "Suspendue": "Suspended",
    "Complétée": "Completed",
    "À recycler": "To recycle",
    "Approuvée": "Approved",
    "Mise en paiement": "Payment sent",
    "Payée": "Paid",
    "Rejetée": "Rejected",
    "Retirée": "Withdrawn",
    "Échec du dépôt": "Deposit failed",
    "Bloquée": "Stalled",
}


ROLES = {"admin": "Administrateur", "depositor": "Déposant", "viewer": "Gestionnaire"}
EN.update({"Administrateur": "Administrator", "Déposant": "Depositor", "Gestionnaire": "Viewer"})


def role_label(role: str) -> str:
    """The French name of a portal role, as Chorus Pro users know them (a message id)."""
    return ROLES.get(str(role), str(role))


def status_label(status: str) -> str:
    """The French label of ``status`` (a message id: translate it with ``_``)."""
    return LABELS.get(status, status)
