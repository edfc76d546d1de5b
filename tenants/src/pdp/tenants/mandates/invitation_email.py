"""The e-mail pdp sends a provider's contact to ask for its mandate: French first, an English line, plain text."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from pdp.tenants.french import de
from pdp.tenants.providers.models import Provider

CHANNEL_WORDS = {
    "proconnect": "ProConnect (le compte professionnel de l'État)",
    "chorus_account": "le compte Chorus Pro de votre entreprise",
    "postal_code": "un code envoyé par courrier à l'adresse de votre établissement connue de l'INSEE (SIRENE)",
}


def invitation_email(
    provider: Provider,
    *,
    mandate_id: str,
    tenant_name: str,
    link: str,
    expires_at: datetime,
    channels: tuple[str, ...],
) -> EmailMessage:
    ways = [f"  - {CHANNEL_WORDS[channel]}" for channel in channels if channel in CHANNEL_WORDS]
    lines = [
        "Bonjour,",
        "",
        f"{tenant_name} demande à {provider.name} (SIRET {provider.siret}) un mandat de facturation : l'autorisation",
        "d'émettre et de déposer sur Chorus Pro, en votre nom, vos factures destinées aux acheteurs publics.",
        "",
        "Pour lire le mandat et l'accepter (ou le refuser), ouvrez ce lien personnel :",
        "",
        f"  {link}",
        "",
        f"Il fonctionne une fois, jusqu'au {expires_at:%d/%m/%Y}. Avant d'accepter, vous prouverez que vous agissez",
        f"pour le SIRET {provider.siret}, au choix avec :",
        *ways,
        "",
        f"Si vous ne connaissez pas {tenant_name}, ou ne souhaitez pas lui donner ce mandat, ignorez ce message :",
        "sans votre acceptation, aucune facture ne peut être déposée en votre nom.",
        "",
        f"Cet e-mail vous est envoyé par pdp, la plateforme de dépôt qu'utilise {tenant_name}, à l'adresse que",
        f"{tenant_name} a déclarée pour {provider.name}. Ne transférez pas ce lien.",
        "",
        "--",
        f"{tenant_name} asks {provider.name} for a billing mandate (to issue and file its invoices to public",
        "buyers on Chorus Pro). Open the link above to read it, prove that you act for the company, and accept",
        "or refuse it.",
    ]
    message = EmailMessage()
    message["To"] = provider.email
    message["Subject"] = f"[{tenant_name}] Mandat de facturation {de(provider.name)} à accepter"
    message["X-PDP-Mandate"] = mandate_id  # for mail filters and tools: which mandate the link answers
    message.set_content("\n".join(lines))
    return message
