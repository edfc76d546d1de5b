"""The e-mail to a provider's contact when its own Chorus Pro technical account's password is about to expire, or
has expired (events ``provider.chorus_password_expiring`` and ``provider.chorus_password_expired``): in French,
plain text, once per warning. The provider's structure renews it on Chorus Pro; the tenant then sets it in pdp."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.chorus_pro.passwords import PARIS
from pdp.connectors.mail.client import open_mailer
from pdp.platform.settings import Settings
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.events.service import EventRepository
from pdp.tenants.french import de
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository

# How Chorus Pro's help page tells the main manager to renew a technical account's password.
RENEWAL_STEPS = [
    "Pour le renouveler, le gestionnaire principal de votre structure se connecte à Chorus Pro, ouvre l'espace",
    "« Activité du gestionnaire », choisit la structure, clique sur l'utilisateur technique dans la liste des",
    "utilisateurs rattachés et réinitialise son mot de passe (Chorus Pro l'exige tous les 424 jours).",
]


def password_email(provider: Provider, *, tenant_name: str, event_type: str, data: dict[str, Any]) -> EmailMessage:
    """To the provider's contact of record (``providers.email``)."""
    expires_at = datetime.fromisoformat(str(data["expires_at"])).astimezone(PARIS)
    day = f"{expires_at:%d/%m/%Y}"
    login = data.get("login") or provider.chorus_login
    if event_type == "provider.chorus_password_expired":
        subject = f"[{tenant_name}] Le mot de passe de votre compte technique Chorus Pro a expiré"
        what = [
            f"Le mot de passe du compte technique Chorus Pro {login}, avec lequel {tenant_name} dépose vos factures,",
            f"a expiré le {day}. Chorus Pro refuse désormais ce compte.",
        ]
    else:
        left = int(data.get("days_left", 0))
        when = "aujourd'hui" if left == 0 else ("demain" if left == 1 else f"dans {left} jours")
        subject = f"[{tenant_name}] Le mot de passe de votre compte technique Chorus Pro expire le {day}"
        what = [
            f"Le mot de passe du compte technique Chorus Pro {login}, avec lequel {tenant_name} dépose vos factures,",
            f"expire le {day} ({when}).",
        ]
    lines = [
        "Bonjour,",
        "",
        *what,
        "",
        *RENEWAL_STEPS,
        f"Communiquez ensuite le nouveau mot de passe à {tenant_name}, qui l'enregistrera dans pdp.",
        "",
        f"Structure : {provider.name} (SIRET {provider.siret})",
        f"Référence : {provider.id}",
        "",
        f"Cet e-mail vous est envoyé par pdp pour le compte {de(tenant_name)}, qui dépose vos factures sur Chorus Pro",
        "en vertu du mandat que vous lui avez donné.",
    ]
    message = EmailMessage()
    message["To"] = provider.email
    message["Subject"] = subject
    message["X-PDP-Provider"] = provider.id
    message.set_content("\n".join(lines))
    return message


async def send_password_email(session: AsyncSession, settings: Settings, event_id: str) -> str:
    """Send the e-mail of one password event (at least once: a crash mid-send may repeat it)."""
    mailer = open_mailer(settings)
    if mailer is None:
        return "mail off"
    event = await EventRepository(session).get(event_id)
    provider = await ProviderRepository(session).get(event.subject_id)
    tenant = await TenantsRepository(session).current()
    await mailer.send(password_email(provider, tenant_name=tenant.name, event_type=event.type, data=event.data))
    return "sent"
