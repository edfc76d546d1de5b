"""E-mails to a provider when one of its invoices changes status, and to its portal users who asked when one of
its mandates does: in French, plain text, one per change and recipient."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.french import de
from pdp.tenants.mandates.models import Mandate
from pdp.tenants.providers.models import Provider

PARIS = ZoneInfo("Europe/Paris")
# The statuses a supplier wants to hear about (the others are steps of the same journey).
LABELS = {
    "deposited": "déposée sur Chorus Pro",
    "delivered": "mise à disposition de l'acheteur public",
    "suspended": "suspendue par l'acheteur : des pièces sont demandées",
    "to_recycle": "renvoyée pour correction des données d'acheminement",
    "rejected": "rejetée",
    "payment_sent": "mise en paiement",
    "failed": "non déposée : une intervention est nécessaire",
    "stalled": "sans nouvelles de Chorus Pro depuis trop longtemps : le support est prévenu",
}


def _amount(invoice: InvoiceRecord) -> str:
    whole = f"{invoice.total_incl_tax:,.2f}".replace(",", " ").replace(".", ",")
    return f"{whole} {invoice.currency}"


def _why(preferences_url: str) -> list[str]:
    """The footer of an e-mail a portal user chose to get: why, and where to stop it."""
    return [
        "",
        "Vous recevez cet e-mail parce que vos notifications sur le portail le demandent ; pour les changer :",
        f"  {preferences_url}",
    ]


def status_email(
    invoice: InvoiceRecord,
    provider: Provider,
    *,
    tenant_name: str,
    status: str,
    detail: dict[str, Any],
    to: str | None = None,
    preferences_url: str | None = None,
) -> EmailMessage:
    """To the provider's contact e-mail, or to ``to``, a portal user who asked for it (then ``preferences_url``
    says where they chose it)."""
    label = LABELS[status]
    lines = [
        "Bonjour,",
        "",
        f"Votre facture n° {invoice.number} du {invoice.issue_date:%d/%m/%Y} ({_amount(invoice)} TTC), adressée "
        f"au destinataire public de SIRET {invoice.recipient_siret}, est {label}.",
    ]
    comment = detail.get("chorus_comment")
    if comment:
        lines += ["", f"Commentaire de l'acheteur : {comment}"]
    errors = detail.get("chorus_errors") or ([detail["message"]] if detail.get("message") else [])
    if errors:
        lines += ["", "Motif :", *(f"  - {error}" for error in errors)]
    if status == "delivered" and invoice.expected_payment_date:
        lines += ["", f"Paiement attendu au plus tard le {invoice.expected_payment_date:%d/%m/%Y} (délai légal)."]
    if status == "stalled" and detail.get("since"):
        # The event keeps an ISO instant in UTC; the supplier reads its day in France, written as the e-mail's others.
        since = datetime.fromisoformat(detail["since"]).astimezone(PARIS)
        lines += ["", f"Dernier changement d'état : {since:%d/%m/%Y} ({detail.get('chorus_status') or 'pdp'})."]
    if status in ("suspended", "to_recycle", "failed", "stalled"):
        lines += ["", f"{tenant_name} vous indiquera la marche à suivre."]
    lines += [
        "",
        f"Référence : {invoice.id}",
        "",
        f"Cet e-mail vous est envoyé par pdp pour le compte {de(tenant_name)}, qui dépose vos factures sur Chorus Pro",
        "en vertu du mandat que vous lui avez donné.",
    ]
    if preferences_url:
        lines += _why(preferences_url)
    message = EmailMessage()
    message["To"] = to or provider.email
    message["Subject"] = f"[{tenant_name}] Facture {invoice.number} {label}"
    message["X-PDP-Invoice"] = invoice.id
    message.set_content("\n".join(lines))
    return message


MANDATE_EVENTS = {
    "mandate.activated": "accepté : {tenant} peut déposer vos factures sur Chorus Pro",
    "mandate.revoked": "révoqué : {tenant} ne peut plus déposer vos factures",
    "mandate.expired": "arrivé à échéance : {tenant} ne peut plus déposer vos factures",
}


def mandate_email(
    mandate: Mandate, provider: Provider, *, tenant_name: str, event_type: str, to: str, preferences_url: str
) -> EmailMessage:
    """To a portal user of the provider who asked to hear of its mandates."""
    what = MANDATE_EVENTS[event_type].format(tenant=tenant_name)
    lines = [
        "Bonjour,",
        "",
        f"Le mandat de facturation {de(provider.name)} (SIRET {provider.siret}) donné à {tenant_name} est {what}.",
    ]
    if event_type == "mandate.revoked":
        by = "votre entreprise" if mandate.revoked_by == "provider" else tenant_name
        lines += ["", f"Révoqué par : {by}."]
        if mandate.refusal_reason:
            lines += [f"Motif : {mandate.refusal_reason}"]
    until = f"au {mandate.valid_until:%d/%m/%Y}" if mandate.valid_until else "sans date de fin"
    lines += [
        "",
        f"Validité : du {mandate.valid_from:%d/%m/%Y} {until}.",
        f"Référence : {mandate.id}",
        "",
        "Le mandat, la preuve de son acceptation et son historique sont sur le portail, page Mandats.",
        *_why(preferences_url),
    ]
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = f"[{tenant_name}] Mandat de facturation {what.split(' :')[0]}"
    message["X-PDP-Mandate"] = mandate.id
    message.set_content("\n".join(lines))
    return message
