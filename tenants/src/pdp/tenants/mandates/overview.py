"""The mandates as a supplier sees them on its portal: this tenant's mandates of each provider in view, with their
scope, validity and how they were accepted; every other platform that holds or asks for a mandate of the same
SIRET; and the administrator's two answers, revoking an active mandate or refusing a pending one. Callers own the
transaction.

Another platform's mandate is shown, never changed from here: this portal's session is bound to this tenant, and a
write in another tenant's rows would need a cross-tenant path the database deliberately does not offer. The
supplier signs in to that platform's own portal (ProConnect works everywhere) to refuse or revoke it there.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import PortalUserCaller
from pdp.platform.errors import Conflict
from pdp.tenants.accounts.shell import ProviderNames
from pdp.tenants.accounts.team import administered
from pdp.tenants.identity.models import IdentityProof
from pdp.tenants.identity.repository import IdentityProofRepository
from pdp.tenants.mandates import service
from pdp.tenants.mandates.models import Mandate
from pdp.tenants.mandates.repository import MandateRepository, PlatformOfSiret
from pdp.tenants.providers.models import Provider

LISTED = 100  # a provider's mandates on one page: a handful in practice (the pending ones are capped)


@dataclass(frozen=True, slots=True)
class Acceptance:
    """How a mandate was accepted, as the page summarises it (the whole evidence is the archived JSON)."""

    accepted_by: str | None
    accepted_at: datetime | None
    channel: str | None  # proconnect | chorus_account | postal_code; None: accepted before proofs existed
    proof_email: str | None
    proof_subject: str | None
    verified_at: datetime | None


@dataclass(frozen=True, slots=True)
class MandateLine:
    mandate: Mandate
    acceptance: Acceptance | None  # None: never accepted

    @property
    def state(self) -> str:
        """pending | active | refused (by the provider, never active) | revoked | expired."""
        mandate = self.mandate
        if mandate.status == "revoked" and mandate.revoked_by == "provider" and mandate.accepted_at is None:
            return "refused"
        return mandate.status

    @property
    def answerable(self) -> bool:
        """Whether the provider may still say no here: refuse a pending mandate, revoke an active one."""
        return self.mandate.status in ("pending", "active")


@dataclass(frozen=True, slots=True)
class OtherPlatform:
    tenant_id: str
    name: str
    mandates: list[PlatformOfSiret]  # oldest request first

    @property
    def portal_path(self) -> str:
        return f"/portal/{self.tenant_id}/"


@dataclass(frozen=True, slots=True)
class ProviderMandates:
    provider: Provider
    mandates: list[MandateLine]  # newest first
    other_platforms: list[OtherPlatform]


def _acceptance(mandate: Mandate, proof: IdentityProof | None) -> Acceptance | None:
    if mandate.accepted_at is None:
        return None
    return Acceptance(
        mandate.accepted_by,
        mandate.accepted_at,
        proof.channel if proof else None,
        proof.email if proof else None,
        proof.subject if proof else None,
        proof.verified_at if proof else None,
    )


def _others(rows: list[PlatformOfSiret], own_tenant: str) -> list[OtherPlatform]:
    grouped: dict[str, OtherPlatform] = {}
    for row in rows:
        if row.tenant_id == own_tenant:
            continue
        grouped.setdefault(row.tenant_id, OtherPlatform(row.tenant_id, row.tenant_name, [])).mandates.append(row)
    return list(grouped.values())


async def overview(session: AsyncSession, providers: Collection[str]) -> list[ProviderMandates]:
    """Each provider in view (among the caller's) with its mandates here and its other platforms."""
    mandates, proofs = MandateRepository(session), IdentityProofRepository(session)
    shown = []
    for provider in await ProviderNames(session).in_scope():
        if provider.id not in providers:
            continue
        page = await mandates.search(provider_id=provider.id, status=None, limit=LISTED, starting_after=None)
        lines = []
        for mandate in page.items:
            proof = await proofs.find(mandate.identity_proof_id) if mandate.identity_proof_id else None
            lines.append(MandateLine(mandate, _acceptance(mandate, proof)))
        platforms = await service.platforms_for_siret(session, provider.siret)
        shown.append(ProviderMandates(provider, lines, _others(platforms, mandates.tenant_id)))
    return shown


async def answerable(session: AsyncSession, caller: PortalUserCaller, mandate_id: str) -> MandateLine:
    """A mandate its provider's administrator may still refuse or revoke: 404 when the caller cannot see it, 403
    when the caller may only read it, 409 ``mandate_not_revocable`` once revoked or expired."""
    mandate = await MandateRepository(session).get(mandate_id)
    await administered(session, caller, mandate.provider_id)
    line = MandateLine(mandate, None)
    if not line.answerable:
        raise Conflict(f"The mandate is {mandate.status}: nothing left to refuse.", code="mandate_not_revocable")
    return line


@dataclass(frozen=True, slots=True)
class Answer:
    mandate: Mandate
    refused: bool  # a pending mandate refused, rather than an active one revoked


async def say_no(session: AsyncSession, caller: PortalUserCaller, mandate_id: str, reason: str | None) -> Answer:
    """The provider's administrator refuses a pending mandate or revokes an active one, with an optional reason:
    deposits under it stop at once (:func:`pdp.tenants.mandates.service.revoke_by_provider`)."""
    line = await answerable(session, caller, mandate_id)
    refused = line.state == "pending"
    said = (reason or "").strip() or None
    return Answer(await service.revoke_by_provider(session, line.mandate.id, caller.actor, reason=said), refused)
