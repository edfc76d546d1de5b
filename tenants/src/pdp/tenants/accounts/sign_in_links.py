"""The e-mail of a sign-in link: written by a job, out of the request that asked for it.

The request only stages the job (:func:`pdp.tenants.accounts.sign_in.request_sign_in_link`), whatever the address:
the job looks the address up, and only for an active user issues the link (stored by its digest) and writes the
e-mail, in the user's language. The link is committed before the e-mail is sent; a job run twice (the outbox
delivers at least once) sends a second link, each valid once.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.connectors.mail.client import open_mailer
from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.accounts import sessions
from pdp.tenants.accounts.portal_repository import PortalUserRepository
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.french import de


def sign_in_link_url(settings: Settings, tenant_id: str, token: str, suite: str = "") -> str:
    url = f"{settings.public_url.rstrip('/')}/portal/{tenant_id}/connexion/lien/{token}"
    return f"{url}?suite={quote(suite, safe='/')}" if suite else url


def _message(to: str, tenant_name: str, url: str, minutes: int, locale: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = to
    if locale == "en":
        message["Subject"] = f"[{tenant_name}] Your sign-in link"
        lines = [
            "Hello,",
            "",
            f"To sign in to your {tenant_name} supplier space, open this link (it works once, for {minutes} minutes):",
            "",
            url,
            "",
            "If you did not ask for it, ignore this e-mail: nobody can sign in without it.",
        ]
    else:
        message["Subject"] = f"[{tenant_name}] Votre lien de connexion"
        lines = [
            "Bonjour,",
            "",
            f"Pour vous connecter à votre espace fournisseur {de(tenant_name)}, ouvrez ce lien (il ne sert qu'une "
            f"fois, pendant {minutes} minutes) :",
            "",
            url,
            "",
            "Si vous n'avez rien demandé, ignorez cet e-mail : personne ne peut se connecter sans ce lien.",
        ]
    message.set_content("\n".join(lines))
    return message


async def prepare_sign_in_link(
    session: AsyncSession, settings: Settings, email: str, suite: str
) -> EmailMessage | None:
    """The e-mail to send, its link issued in ``session`` (commit before sending); None when no active user has
    ``email``."""
    user = await PortalUserRepository(session).by_email(email)
    if user is None or user.status != "active":
        return None
    minutes = settings.portal_sign_in_link_minutes
    token = await sessions.issue_link(session, "sign_in", email, timedelta(minutes=minutes), user_id=user.id)
    tenant = await TenantsRepository(session).current()
    url = sign_in_link_url(settings, tenant.id, token, suite)
    return _message(user.email, tenant.name, url, minutes, user.locale)


async def email_sign_in_link(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, tenant_id: str, email: str, suite: str
) -> str:
    """The job's work: issue and commit the link, then send its e-mail (at least once)."""
    mailer = open_mailer(settings)
    if mailer is None:
        return "mail off"
    # Committed before the e-mail leaves: never a link in an inbox that the database does not know.
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        message = await prepare_sign_in_link(session, settings, email, suite)
    if message is None:
        return "no such user"
    await mailer.send(message)
    return "sent"
