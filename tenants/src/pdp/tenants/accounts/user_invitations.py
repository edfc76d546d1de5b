"""Inviting someone to a provider's team on the portal: an administrator names an e-mail address and a role, pdp
e-mails a single-use link, the invitee sets a name and a password (or, with an account already, just joins) and
is signed in. Callers own the transaction.

The invitation is a ``user_invitation`` link (:mod:`pdp.tenants.accounts.sessions`) naming the provider and the
role. Its row is written with the invitation, so the team page lists it and it can be withdrawn at once; the
secret the e-mail carries is made only by the job that sends it (a new one at each attempt), so no link that
works is ever stored anywhere, the outbox included.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.mail.client import open_mailer
from pdp.platform import clock, ids, outbox
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import Conflict, NotFound, ValidationFailed
from pdp.platform.settings import Settings
from pdp.tenants.accounts import passwords, sessions
from pdp.tenants.accounts.models import Membership, PortalToken, PortalUser, Tenant
from pdp.tenants.accounts.portal_repository import PortalUserRepository
from pdp.tenants.accounts.repository import MembershipRepository, TenantsRepository
from pdp.tenants.accounts.service import create_portal_user, grant_membership
from pdp.tenants.accounts.team import administered, role_of
from pdp.tenants.accounts.team_repository import INVITATION, InvitationRepository, TeamRepository
from pdp.tenants.common import finding, normalize_email
from pdp.tenants.french import de
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository

LINK_LIFETIME = timedelta(days=7)
PENDING_MAX = 20  # per provider: each one is an e-mail pdp sends to an address an administrator typed
INVITE_JOB = "portal.invite_user"
ROLE_WORDS = {
    PortalRole.ADMIN: "administrateur (gestion des utilisateurs et des mandats, dépôt, consultation)",
    PortalRole.DEPOSITOR: "déposant (dépôt et suivi des factures, consultation)",
    PortalRole.VIEWER: "gestionnaire (consultation et téléchargement)",
}


def invitation_path(tenant_id: str, token: str) -> str:
    return f"/portal/{tenant_id}/invitation-utilisateur/{token}"


# --- inviting (an administrator of the provider) --------------------------------------------------------------------


async def invite(
    session: AsyncSession, caller: PortalUserCaller, provider_id: str, email: str, role: str
) -> PortalToken:
    """Invite ``email`` to the provider with ``role``; the e-mail is sent by a job after the commit. An earlier
    invitation of the same address to this provider stops working (the new one supersedes it)."""
    invited_role = role_of(role)
    provider = await administered(session, caller, provider_id)
    address = normalize_email(email)
    members = await TeamRepository(session).members_of(provider.id)
    if any(user.email == address for user, _ in members):
        raise Conflict(f"{address} already belongs to this provider.", code="portal_user_already_member")
    invitations = InvitationRepository(session)
    now = clock.now()
    others = [i for i in await invitations.pending(provider.id, now) if i.email != address]
    if len(others) >= PENDING_MAX:
        raise Conflict(
            f"This provider has {PENDING_MAX} invitations awaiting an answer: withdraw one, or wait for it to expire.",
            code="too_many_invitations",
            limit=PENDING_MAX,
        )
    for superseded in await invitations.pending_for(provider.id, address, now):
        superseded.expires_at = now
    invitation = await invitations.add(
        PortalToken(
            id=ids.new_id("portal_token"),
            purpose=INVITATION,
            # The digest of a secret nobody keeps: the link works once the job has e-mailed a secret of its own.
            token_sha256=sessions.digest(secrets.token_urlsafe(32)),
            email=address,
            provider_id=provider.id,
            role=invited_role.value,
            expires_at=now + LINK_LIFETIME,
        )
    )
    await AuditRepository(session).append(
        caller.actor,
        "portal_user.invited",
        "portal_token",
        invitation.id,
        {"provider_id": provider.id, "email": address, "role": invited_role.value},
    )
    outbox.add(session, INVITE_JOB, invitation_id=invitation.id, invited_by=caller.user_id)
    return invitation


async def withdraw(session: AsyncSession, caller: PortalUserCaller, provider_id: str, invitation_id: str) -> None:
    """The invitation's link stops working (as if expired); audited ``portal_user.invitation_withdrawn``."""
    provider = await administered(session, caller, provider_id)
    invitation = await InvitationRepository(session).pending_one(provider.id, invitation_id, clock.now())
    if invitation is None:
        raise NotFound(f"No pending invitation {invitation_id} to this provider.")
    invitation.expires_at = clock.now()
    await session.flush()
    await AuditRepository(session).append(
        caller.actor, "portal_user.invitation_withdrawn", "portal_token", invitation.id, {"provider_id": provider.id}
    )


# --- the e-mail (a job, after the invitation committed) -------------------------------------------------------------


def invitation_email(
    invitation: PortalToken, provider: Provider, tenant: Tenant, inviter: PortalUser | None, link: str
) -> EmailMessage:
    role = PortalRole(invitation.role or PortalRole.VIEWER.value)
    who = f"{inviter.full_name} ({inviter.email})" if inviter is not None else "Un administrateur"
    lines = [
        "Bonjour,",
        "",
        f"{who} vous invite à rejoindre l'espace fournisseur {de(provider.name)} (SIRET {provider.siret})",
        f"sur le portail de {tenant.name}, avec le rôle {ROLE_WORDS[role]}.",
        "",
        "Pour accepter, ouvrez ce lien personnel, puis choisissez votre mot de passe :",
        "",
        f"  {link}",
        "",
        f"Il fonctionne une fois, jusqu'au {invitation.expires_at:%d/%m/%Y}. Si vous ne vous attendiez pas à cette",
        "invitation, ignorez ce message : sans votre réponse, aucun compte n'est créé.",
        "",
        f"Cet e-mail vous est envoyé par pdp, la plateforme de dépôt qu'utilise {tenant.name}.",
        "Ne transférez pas ce lien.",
        "",
        "--",
        f"You are invited to {provider.name}'s supplier space on {tenant.name}'s portal. Open the link above to choose",
        "a password and join.",
    ]
    message = EmailMessage()
    message["To"] = invitation.email
    message["Subject"] = f"[{tenant.name}] Invitation à l'espace fournisseur {de(provider.name)}"
    message.set_content("\n".join(lines))
    return message


async def send_invitation(session: AsyncSession, settings: Settings, invitation_id: str, invited_by: str) -> str:
    """The invitation job: a fresh secret for the invitation's link, e-mailed to the invitee. A failed send rolls
    the secret back and the job is retried with another; a crash after sending leaves the invitee a link that
    never worked, and the retry sends one that does."""
    mailer = open_mailer(settings)
    if mailer is None:
        return "mail off"
    invitation = await InvitationRepository(session).find(invitation_id)
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= clock.now():
        return "not pending"
    assert invitation.provider_id is not None  # every user invitation names its provider
    token = secrets.token_urlsafe(32)
    invitation.token_sha256 = sessions.digest(token)
    await session.flush()
    provider = await ProviderRepository(session).get(invitation.provider_id)
    tenant = await TenantsRepository(session).current()
    inviter = await PortalUserRepository(session).find(invited_by)
    link = settings.public_url.rstrip("/") + invitation_path(tenant.id, token)
    await mailer.send(invitation_email(invitation, provider, tenant, inviter, link))
    return "sent"


# --- the invitation page (public: holding the link is the proof) ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserInvitation:
    link: PortalToken
    provider: Provider
    role: PortalRole
    account: PortalUser | None  # the invitee's account in this portal, if they have one already

    @property
    def needs_password(self) -> bool:
        return self.account is None


async def open_invitation(session: AsyncSession, token: str) -> UserInvitation:
    """What the invitation page shows (its link locked): 404 ``link_unknown``, 410 ``link_gone`` (used, expired
    or withdrawn)."""
    link = await sessions.peek_link(session, token, INVITATION)
    if link.provider_id is None or link.role is None:
        raise NotFound("This link is unknown.", code="link_unknown")
    provider = await ProviderRepository(session).get(link.provider_id)
    account = await PortalUserRepository(session).by_email(link.email)
    return UserInvitation(link, provider, PortalRole(link.role), account)


@dataclass(frozen=True, slots=True)
class NewAccount:
    full_name: str
    password: str
    confirmation: str


@dataclass(frozen=True, slots=True)
class Joined:
    user: PortalUser
    provider: Provider
    session_token: str  # for the cookie: the invitee is signed in


def _full_name(value: str) -> str:
    name = " ".join(value.split())
    if not 3 <= len(name) <= 200:
        raise ValidationFailed(
            "Type your full name.",
            errors=[finding("PDP-NAME", "Type your full name.", "Saisissez vos nom et prénom.", "$.full_name")],
        )
    return name


async def _account(session: AsyncSession, invitation: UserInvitation, form: NewAccount | None) -> PortalUser:
    if invitation.account is not None:
        if invitation.account.status == "disabled":
            raise Conflict("The portal account of this e-mail is disabled.", code="portal_user_inactive")
        return invitation.account
    if form is None:
        raise ValidationFailed("Choose a password.", code="password_refused")
    name = _full_name(form.full_name)
    passwords.check_new_password(form.password, form.confirmation, invitation.link.email)
    user = await create_portal_user(session, invitation.link.email, name, Actor("system", "portal.user_invitation"))
    await passwords.set_password(session, user, form.password, Actor("portal_user", user.id))
    return user


async def accept(
    session: AsyncSession,
    token: str,
    form: NewAccount | None,
    *,
    lifetimes: sessions.Lifetimes,
    ip: str | None,
    user_agent: str | None,
) -> Joined:
    """Join the invitation's provider with its role: a new account (``form``: name and password) or the invitee's
    existing one; the link is used up and the invitee signed in."""
    invitation = await open_invitation(session, token)
    user = await _account(session, invitation, form)
    if user.status == "invited":
        user.status = "active"
    invitation.link.used_at = clock.now()
    actor = Actor("portal_user", user.id)
    memberships: list[Membership] = await MembershipRepository(session).for_user(user.id)
    current = next((m for m in memberships if m.provider_id == invitation.provider.id), None)
    if current is None:
        await grant_membership(session, user.id, invitation.provider.id, invitation.role, actor)
    elif current.role != invitation.role.value:
        previous, current.role = current.role, invitation.role.value
        await AuditRepository(session).append(
            actor, "membership.changed", "membership", current.id, {"role": current.role, "previous": previous}
        )
    await session.flush()
    await AuditRepository(session).append(
        actor,
        "portal_user.invitation_accepted",
        "portal_token",
        invitation.link.id,
        {"provider_id": invitation.provider.id, "role": invitation.role.value},
    )
    # An e-mailed link, like a sign-in link: an administrator still owes a second factor (pdp.web.portal.auth).
    session_token = await sessions.open_session(session, user, "invitation", lifetimes, ip=ip, user_agent=user_agent)
    return Joined(user, invitation.provider, session_token)
