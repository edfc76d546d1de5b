"""The provider's side of a mandate: pdp invites its contact, the signatory proves that it acts for the provider's
SIRET, reads the mandate, and accepts it (typed name and consent) or refuses it.

The invitation is a single-use ``mandate_invitation`` link (:mod:`pdp.tenants.accounts.sessions`) that pdp e-mails
to the provider's contact and to nobody else: the tenant that asked never holds a link that accepts by itself.
Holding the link is not enough either: accepting or refusing needs a verified proof of identity
(:mod:`pdp.tenants.identity`) for *this* provider's SIRET, so a tenant that registered someone else's SIRET, with
its own address as the contact, gets an invitation it cannot use. The signatory becomes an administrator of the
provider on the portal, signed in by the channel it proved itself with.

Callers own the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.mail.client import open_mailer
from pdp.platform import clock
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.callers import PortalRole
from pdp.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pdp.platform.settings import Settings
from pdp.tenants.accounts import sessions
from pdp.tenants.accounts.models import Membership, PortalToken, PortalUser, Tenant
from pdp.tenants.accounts.portal_repository import PortalUserRepository
from pdp.tenants.accounts.repository import MembershipRepository, TenantsRepository
from pdp.tenants.accounts.service import create_portal_user, grant_membership
from pdp.tenants.archive import service as archive
from pdp.tenants.archive.store import Archive
from pdp.tenants.common import finding, normalize_email
from pdp.tenants.events.service import emit
from pdp.tenants.identity import proofs
from pdp.tenants.identity.models import IdentityProof
from pdp.tenants.identity.repository import IdentityProofRepository
from pdp.tenants.mandates.document import clauses
from pdp.tenants.mandates.invitation_email import invitation_email
from pdp.tenants.mandates.models import Mandate
from pdp.tenants.mandates.repository import MandateRepository
from pdp.tenants.mandates.service import event_data, revoke_by_provider, terms_of
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository

PURPOSE = "mandate_invitation"
CONSENT_TEXT = "J'ai lu le mandat ci-dessus, dont l'empreinte SHA-256 est affichée, et je l'accepte au nom du mandant."
# A proof serves the acceptance that follows it, not one weeks later: past this, the signatory proves again.
PROOF_VALID_FOR = timedelta(hours=24)


class InvitationGone(sessions.LinkGone):
    """The invitation link was used (accepted or refused) or its time is over (``reason``: used, expired)."""

    default_code = "invitation_gone"


class MandateClosed(sessions.LinkGone):
    """The invitation's mandate is no longer pending (``reason``: active, revoked or expired)."""

    default_code = "mandate_not_pending"
    title = "This mandate can no longer be accepted"


class ProofRequired(Forbidden):
    default_code = "identity_proof_required"
    title = "Prove that you act for the provider's SIRET first"


def invitation_path(tenant_id: str, token: str) -> str:
    return f"/portal/{tenant_id}/invitation/{token}"


# --- the invitation e-mail -----------------------------------------------------------------------------------------


async def prepare_invitation(session: AsyncSession, settings: Settings, mandate_id: str) -> EmailMessage | None:
    """A new link for the mandate, valid until its acceptance deadline, and the e-mail carrying it to the
    provider's contact (the caller sends it, then commits); ``None`` when the mandate no longer awaits acceptance."""
    mandate = await MandateRepository(session).for_update(mandate_id)
    now = clock.now()
    deadline = mandate.token_expires_at
    if mandate.status != "pending" or deadline is None or deadline <= now:
        return None
    provider = await ProviderRepository(session).get(mandate.provider_id)
    tenant = await TenantsRepository(session).current()
    token = await sessions.issue_link(
        session, PURPOSE, provider.email, deadline - now, provider_id=provider.id, mandate_id=mandate.id
    )
    mandate.invited_at = now
    await session.flush()
    await AuditRepository(session).append(
        Actor("system", "mandates.invite"), "mandate.invited", "mandate", mandate.id, {"email": provider.email}
    )
    channels = tuple(part.strip() for part in settings.portal_identity_channels.split(",") if part.strip())
    link = settings.public_url.rstrip("/") + invitation_path(tenant.id, token)
    return invitation_email(
        provider, mandate_id=mandate.id, tenant_name=tenant.name, link=link, expires_at=deadline, channels=channels
    )


async def send_invitation(session: AsyncSession, settings: Settings, mandate_id: str) -> str:
    """The invitation job: the link is stored only if the e-mail left (a failed send rolls it back and the job is
    retried; a crash after sending leaves the provider a link that never worked, and a new one is sent)."""
    mailer = open_mailer(settings)
    if mailer is None:
        return "mail off"
    message = await prepare_invitation(session, settings, mandate_id)
    if message is None:
        return "not pending"
    await mailer.send(message)
    return "sent"


# --- the invitation page -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invitation:
    link: PortalToken
    mandate: Mandate
    provider: Provider
    tenant: Tenant
    clauses: list[tuple[str, str]]
    consent_text: str = CONSENT_TEXT


async def open_invitation(session: AsyncSession, token: str) -> Invitation:
    """What the invitation page shows (the link's row and its mandate locked): 404 ``invitation_unknown``, 410
    ``invitation_gone`` (used, expired) or ``mandate_not_pending``."""
    try:
        link = await sessions.peek_link(session, token, PURPOSE)
    except NotFound as unknown:
        raise NotFound("This invitation link is unknown.", code="invitation_unknown") from unknown
    except sessions.LinkGone as gone:
        raise InvitationGone(gone.detail, reason=gone.extra.get("reason")) from gone
    if link.mandate_id is None:
        raise InvitationGone("This link names no mandate.", reason="used")
    mandate = await MandateRepository(session).for_update(link.mandate_id)
    if mandate.status != "pending":
        raise MandateClosed(f"This mandate is {mandate.status}: it can no longer be accepted.", reason=mandate.status)
    if mandate.token_expires_at is not None and mandate.token_expires_at <= clock.now():
        raise InvitationGone("The time to accept this mandate is over; ask the platform again.", reason="expired")
    provider = await ProviderRepository(session).get(mandate.provider_id)
    tenant = await TenantsRepository(session).current()
    return Invitation(link, mandate, provider, tenant, clauses(terms_of(mandate, tenant.name, provider)))


async def usable_proof(session: AsyncSession, proof_id: str | None, invitation: Invitation) -> IdentityProof | None:
    """The proof this browser holds, if it still serves this invitation: verified lately, for this provider's
    SIRET, and not spent on another mandate."""
    if not proof_id:
        return None
    proof = await IdentityProofRepository(session).find(proof_id)
    if (
        proof is None
        or proof.status != "verified"
        or proof.verified_at is None
        or proof.verified_at < clock.now() - PROOF_VALID_FOR
        or proof.provider_id != invitation.provider.id
        or proof.siret != invitation.provider.siret
        or proof.mandate_id not in (None, invitation.mandate.id)
    ):
        return None
    return proof


async def require_proof(session: AsyncSession, proof_id: str | None, invitation: Invitation) -> IdentityProof:
    proof = await usable_proof(session, proof_id, invitation)
    if proof is None:
        raise ProofRequired(
            f"Prove that you act for SIRET {invitation.provider.siret} (ProConnect, the company's Chorus Pro "
            "account, or a code sent by post) before accepting or refusing its mandate."
        )
    return proof


# --- accepting and refusing ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signature:
    full_name: str
    consent: bool
    ip: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class Accepted:
    mandate: Mandate
    user: PortalUser
    session_token: str  # the signatory's new portal session, for the cookie (shown once, stored hashed)


def _signed_name(signature: Signature) -> str:
    name = " ".join(signature.full_name.split())
    problems = []
    if not 3 <= len(name) <= 200:
        problems.append(
            finding("PDP-SIGNATORY-NAME", "Type your full name.", "Saisissez vos nom et prénom.", "full_name")
        )
    if not signature.consent:
        problems.append(finding("PDP-CONSENT", "Tick the consent box.", "Cochez la case d'accord.", "consent"))
    if problems:
        raise ValidationFailed("The acceptance form is incomplete.", errors=problems)
    return name


async def _signatory_user(session: AsyncSession, invitation: Invitation, proof: IdentityProof, name: str) -> PortalUser:
    """The signatory's portal account (the proof's e-mail, else the invitation's), an administrator of the
    provider: created, or found and given that role."""
    actor = proofs.signatory(invitation.provider.id)
    email = normalize_email(proof.email or invitation.link.email)
    user = await PortalUserRepository(session).by_email(email)
    if user is None:
        user = await create_portal_user(session, email, name, actor)
    elif user.status == "disabled":
        raise Conflict("The portal account of this e-mail is disabled.", code="portal_user_inactive")
    user.status = "active"  # an invited user who has just proved who they are needs no other activation
    if proof.channel == "proconnect" and user.proconnect_sub is None:
        user.proconnect_sub = proof.subject
    memberships: list[Membership] = await MembershipRepository(session).for_user(user.id)
    current = next((m for m in memberships if m.provider_id == invitation.provider.id), None)
    if current is None:
        await grant_membership(session, user.id, invitation.provider.id, PortalRole.ADMIN, actor)
    elif current.role != PortalRole.ADMIN:
        current.role = PortalRole.ADMIN.value
        await AuditRepository(session).append(
            actor, "membership.changed", "membership", current.id, {"role": PortalRole.ADMIN.value}
        )
    await session.flush()
    return user


async def accept(
    session: AsyncSession,
    bucket: Archive,
    token: str,
    proof_id: str | None,
    signature: Signature,
    *,
    retention_days: int,
    lifetimes: sessions.Lifetimes,
) -> Accepted:
    """Activate the invitation's mandate in the proven signatory's name: the link is used up, the evidence
    archived, and the signatory signed in as an administrator of the provider."""
    invitation = await open_invitation(session, token)
    proof = await require_proof(session, proof_id, invitation)
    name = _signed_name(signature)
    mandate, provider, now = invitation.mandate, invitation.provider, clock.now()
    invitation.link.used_at = now
    user = await _signatory_user(session, invitation, proof, name)
    evidence = {
        "mandate_id": mandate.id,
        "document_id": mandate.document_id,
        "document_sha256": mandate.document_sha256,
        "provider_siret": provider.siret,
        "accepted_by": name,
        "accepted_at": now.isoformat(),
        "ip": signature.ip,
        "user_agent": signature.user_agent[:500],
        "consent_text": CONSENT_TEXT,
        "invitation_id": invitation.link.id,
        "invited_email": invitation.link.email,
        "portal_user_id": user.id,
        "identity": proofs.evidence(proof),
    }
    stored = await archive.store(
        session,
        bucket,
        archive.NewDocument(
            mandate.id,
            "mandate_evidence",
            f"acceptation-{mandate.id}.json",
            "application/json",
            msgspec.json.format(msgspec.json.encode(evidence), indent=2),
            provider.id,
        ),
        retention_days=retention_days,
    )
    mandate.status, mandate.accepted_at, mandate.accepted_by = "active", now, name
    mandate.evidence_document_id, mandate.identity_proof_id, mandate.accepted_by_user_id = stored.id, proof.id, user.id
    proof.mandate_id = mandate.id
    await session.flush()
    await AuditRepository(session).append(
        Actor("portal_user", user.id),
        "mandate.activated",
        "mandate",
        mandate.id,
        {
            "accepted_by": name,
            "ip": signature.ip,
            "evidence": stored.id,
            "identity_proof": proof.id,
            "channel": proof.channel,
        },
    )
    await emit(session, "mandate.activated", mandate.id, event_data(mandate))
    session_token = await sessions.open_session(
        session,
        user,
        proof.channel,
        lifetimes,
        ip=signature.ip,
        user_agent=signature.user_agent,
        second_factor=True,  # the signatory has just proved who it is through the channel
    )
    return Accepted(mandate, user, session_token)


async def refuse(session: AsyncSession, token: str, proof_id: str | None, reason: str | None) -> Mandate:
    """The proven signatory refuses the mandate: it is revoked by the provider, with its reason, and the link is
    used up."""
    invitation = await open_invitation(session, token)
    proof = await require_proof(session, proof_id, invitation)
    invitation.link.used_at = clock.now()
    proof.mandate_id = invitation.mandate.id
    return await revoke_by_provider(
        session, invitation.mandate.id, proofs.signatory(invitation.provider.id), reason=reason
    )
