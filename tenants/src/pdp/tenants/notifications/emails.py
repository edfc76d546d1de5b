"""E-mails to a provider when one of its invoices changes status: in French, plain text, one per change."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.french import de
from pdp.tenants.providers.models import Provider

# The statuses a supplier wants to hear about (the others are steps of the same journey).
LABELS = {
    "deposited": "déposée sur Chorus Pro",
    "delivered": "mise à disposition de l'acheteur public",
    "suspended": "suspendue par l'acheteur : des pièces sont demandées",
    "to_recycle": "renvoyée pour correction des données d'acheminement",
    "rejected": "rejetée",
    "payment_sent": "mise en paiement",
    "failed": "non déposée : une intervention est nécessaire",
}


def _amount(invoice: InvoiceRecord) -> str:
    whole = f"{invoice.total_incl_tax:,.2f}".replace(",", " ").replace(".", ",")
    return f"{whole} {invoice.currency}"


def status_email(
    invoice: InvoiceRecord, provider: Provider, *, tenant_name: str, status: str, detail: dict[str, Any]
) -> EmailMessage:
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
    if status in ("suspended", "to_recycle", "failed"):
        lines += ["", f"{tenant_name} vous indiquera la marche à suivre."]
    lines += [
        "",
        f"Référence : {invoice.id}",
        "",
        f"Cet e-mail vous est envoyé par pdp pour le compte {de(tenant_name)}, qui dépose vos factures sur Chorus Pro",
        "en vertu du mandat que vous lui avez donné.",
    ]
    message = EmailMessage()
    message["To"] = provider.email
    message["Subject"] = f"[{tenant_name}] Facture {invoice.number} {label}"
    message["X-PDP-Invoice"] = invoice.id
    message.set_content("\n".join(lines))
    return message
