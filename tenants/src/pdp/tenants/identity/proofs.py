"""What every channel shares: which channels a deployment offers, the SIRET rule, and the verified proof itself.

A proof is for one provider's SIRET: a channel that vouches for another SIRET proves nothing here, whatever the
person says. A verified proof keeps its evidence (the channel's subject and claims, the time, the IP address) and
is archived with the mandate it served; secrets (passwords, codes, tokens) are never part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock, ids
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import Forbidden, NotFound
from pdp.platform.settings import Settings
from pdp.tenants.identity.models import CHANNELS, IdentityProof
from pdp.tenants.identity.repository import IdentityProofRepository
from pdp.tenants.providers.models import Provider


class ChannelUnavailable(NotFound):
    default_code = "identity_channel_unavailable"
    title = "This way of proving your identity is not offered here"


class SiretMismatch(Forbidden):
    """The channel vouches for a person, but for another establishment than the provider's."""

    default_code = "identity_siret_mismatch"
    title = "This identity is not attached to the provider's SIRET"


@dataclass(frozen=True, slots=True)
class Availability:
    """What this process can run: a channel is offered when the setting allows it and its service is configured."""

    proconnect: bool
    chorus_account: bool
    postal_code: bool

    def offered(self, settings: Settings) -> tuple[str, ...]:
        allowed = {part.strip() for part in settings.portal_identity_channels.split(",") if part.strip()}
        return tuple(channel for channel in CHANNELS if channel in allowed and getattr(self, channel))

    def require(self, settings: Settings, channel: str) -> None:
        if channel not in self.offered(settings):
            raise ChannelUnavailable(f"The identity channel {channel} is not offered by this deployment.")


def signatory(provider_id: str) -> Actor:
    """Who acts before any portal account exists: the person proving they act for the provider."""
    return Actor("signatory", provider_id)


def require_siret(provider: Provider, vouched: str | None, channel: str) -> None:
    if vouched != provider.siret:
        raise SiretMismatch(
            f"{channel} vouches for SIRET {vouched or '(none)'}, not for the provider's {provider.siret}.",
            channel=channel,
            vouched_siret=vouched,
        )


async def record_verified(
    session: AsyncSession,
    provider: Provider,
    *,
    channel: str,
    subject: str,
    email: str | None,
    claims: dict[str, Any],
    ip: str | None,
    mandate_id: str | None,
) -> IdentityProof:
    """A verified proof that the person behind ``subject`` acts for ``provider``'s SIRET (checked by the caller)."""
    now = clock.now()
    proof = await IdentityProofRepository(session).add(
        IdentityProof(
            id=ids.new_id("identity_proof"),
            provider_id=provider.id,
            siret=provider.siret,
            channel=channel,
            status="verified",
            attempts=0,
            mandate_id=mandate_id,
            email=email,
            subject=subject[:255],
            claims=claims,
            verified_at=now,
            ip=ip,
        )
    )
    await audit_verified(session, proof)
    return proof


async def audit_verified(session: AsyncSession, proof: IdentityProof) -> None:
    await AuditRepository(session).append(
        signatory(proof.provider_id),
        "identity.verified",
        "identity_proof",
        proof.id,
        {"channel": proof.channel, "siret": proof.siret, "subject": proof.subject, "mandate_id": proof.mandate_id},
    )


async def record_refusal(
    session: AsyncSession, provider: Provider, *, channel: str, code: str, mandate_id: str | None, ip: str | None
) -> None:
    """A refused attempt, kept in the audit log: attempts at a SIRET one cannot prove are what support looks for."""
    await AuditRepository(session).append(
        signatory(provider.id),
        "identity.refused",
        "provider",
        provider.id,
        {"channel": channel, "code": code, "siret": provider.siret, "mandate_id": mandate_id, "ip": ip},
    )


def evidence(proof: IdentityProof) -> dict[str, Any]:
    """The proof as archived with a mandate's acceptance: no secret, only what the channel vouched for."""
    return {
        "proof_id": proof.id,
        "channel": proof.channel,
        "siret": proof.siret,
        "subject": proof.subject,
        "email": proof.email,
        "claims": proof.claims,
        "verified_at": proof.verified_at.isoformat() if proof.verified_at else None,
        "ip": proof.ip,
    }
