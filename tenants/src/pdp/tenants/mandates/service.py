"""Mandate use cases: create (render, archive, invite), revoke (by the tenant or the provider), expire, and the
deposit check. Invitation and acceptance, where the provider proves who it is, are in ``invitations``.

Callers own the transaction.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import siret as siret_number

from pdp.platform import clock, ids, outbox
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import Conflict, Forbidden, ValidationFailed
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.archive import service as archive
from pdp.tenants.archive.store import Archive
from pdp.tenants.common import finding
from pdp.tenants.events.service import emit
from pdp.tenants.mandates.document import MandateTerms, render_pdf
from pdp.tenants.mandates.models import Mandate
from pdp.tenants.mandates.repository import MandateRepository, PlatformOfSiret, flag_contested_siret
from pdp.tenants.mandates.repository import platforms_for_siret as _platforms_for_siret
from pdp.tenants.mandates.schemas import MandateCreate, MandateRead, MandateScope
from pdp.tenants.providers.models import Provider
from pdp.tenants.providers.repository import ProviderRepository

# How long the provider has to accept, from the invitation: also the life of the e-mailed link.
ACCEPTANCE_PERIOD = timedelta(days=14)
INVITE_JOB = "mandates.invite"
REASON_MAX = 500


class MandateRequired(Forbidden):
    default_code = "mandate_required"
    title = "No active mandate of this provider covers this deposit"


_KINDS = {"invoice": "an invoice", "credit_note": "a credit note"}


def to_read(mandate: Mandate) -> MandateRead:
    return MandateRead(
        id=mandate.id,
        provider_id=mandate.provider_id,
        status=mandate.status,  # type: ignore[arg-type]
        scope=MandateScope(recipients=mandate.scope_recipients, invoice_types=mandate.scope_invoice_types),  # type: ignore[arg-type]
        valid_from=mandate.valid_from,
        valid_until=mandate.valid_until,
        contest_days=mandate.contest_days,
        document_sha256=mandate.document_sha256,
        invited_at=mandate.invited_at,
        acceptance_expires_at=mandate.token_expires_at if mandate.status == "pending" else None,
        accepted_at=mandate.accepted_at,
        accepted_by=mandate.accepted_by,
        revoked_at=mandate.revoked_at,
        revoked_by=mandate.revoked_by,  # type: ignore[arg-type]
        refusal_reason=mandate.refusal_reason,
        created_at=mandate.created_at,
    )


def event_data(mandate: Mandate) -> dict[str, str]:
    return {"mandate_id": mandate.id, "provider_id": mandate.provider_id, "status": mandate.status}


def terms_of(mandate: Mandate, tenant_name: str, provider: Provider) -> MandateTerms:
    return MandateTerms(
        mandate.id,
        tenant_name,
        provider.name,
        provider.siret,
        mandate.scope_recipients,
        mandate.scope_invoice_types,
        mandate.valid_from,
        mandate.valid_until,
        mandate.contest_days,
    )


def _check(data: MandateCreate) -> None:
    problems = []
    if data.valid_until is not None and data.valid_until < data.valid_from:
        problems.append(
            finding(
                "PDP-MANDATE-DATES", "valid_until is before valid_from.", "La fin précède le début.", "$.valid_until"
            )
        )
    for index, siret in enumerate(data.scope.recipients or []):
        if not siret_number.is_valid(siret):
            problems.append(
                finding(
                    "PDP-SIRET-INVALID",
                    f"'{siret}' is not a valid SIRET.",
                    f"« {siret} » n'est pas un SIRET valide.",
                    f"$.scope.recipients[{index}]",
                )
            )
    if problems:
        raise ValidationFailed("The mandate is not valid.", errors=problems)


async def _room_for_one_more(session: AsyncSession, provider_id: str, max_pending: int) -> None:
    """At most ``max_pending`` of a provider's mandates await acceptance at once: each one locks a PDF in the
    archive for years, so an unbounded number would be an unbounded, undeletable write."""
    pending = await MandateRepository(session).pending_count(provider_id, clock.now())
    if pending >= max_pending:
        raise Conflict(
            f"This provider has {pending} mandates awaiting acceptance, the most allowed: revoke one, or wait for "
            "it to be accepted or for its invitation to expire.",
            code="too_many_pending_mandates",
            pending=pending,
            limit=max_pending,
        )


async def create(
    session: AsyncSession,
    bucket: Archive,
    provider_id: str,
    data: MandateCreate,
    actor: Actor,
    *,
    retention_days: int,
    max_pending: int,
) -> Mandate:
    """A pending mandate, its PDF archived, and pdp's invitation to the provider's contact staged (sent by a job
    after the commit). The tenant never gets a link: only the provider's signatory, once it has proved that it
    acts for the provider's SIRET, can accept. A SIRET another tenant also asks a mandate for opens a staff case."""
    _check(data)
    provider = await ProviderRepository(session).get(provider_id)
    if provider.status != "active":
        raise Conflict("The provider is inactive.", code="provider_inactive")
    await _room_for_one_more(session, provider.id, max_pending)
    tenant = await TenantsRepository(session).current()
    mandate_id = ids.new_id("mandate")
    scope = data.scope
    terms = MandateTerms(
        mandate_id=mandate_id,
        tenant_name=tenant.name,
        provider_name=provider.name,
        provider_siret=provider.siret,
        recipients=sorted(set(scope.recipients)) if scope.recipients else None,
        invoice_types=sorted(set(scope.invoice_types)) if scope.invoice_types else None,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        contest_days=data.contest_days,
    )
    pdf = await asyncio.to_thread(render_pdf, terms)
    document = await archive.store(
        session,
        bucket,
        archive.NewDocument(mandate_id, "mandate", f"mandat-{mandate_id}.pdf", "application/pdf", pdf, provider.id),
        retention_days=retention_days,
    )
    mandate = await MandateRepository(session).add(
        Mandate(
            id=mandate_id,
            provider_id=provider.id,
            status="pending",
            scope_recipients=terms.recipients,
            scope_invoice_types=terms.invoice_types,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            contest_days=data.contest_days,
            document_id=document.id,
            document_sha256=document.sha256,
            # The acceptance deadline. token_sha256 stays empty: the link is a portal token e-mailed to the provider.
            token_expires_at=clock.now() + ACCEPTANCE_PERIOD,
        )
    )
    await session.refresh(mandate)
    audit = AuditRepository(session)
    await audit.append(
        actor, "mandate.created", "mandate", mandate.id, {"provider_id": provider.id, "sha256": document.sha256}
    )
    outbox.add(session, INVITE_JOB, mandate_id=mandate.id)
    contested = await flag_contested_siret(session, provider.siret, ids.new_id("staff_case"))
    if contested is not None:
        # Another platform holds or asks for this SIRET's mandate: support looks at it (the staff queue), and the
        # provider sees every such platform once signed in. The tenant is not told who the others are.
        await audit.append(
            actor,
            "mandate.siret_contested",
            "mandate",
            mandate.id,
            {"siret": provider.siret, "case_id": contested.case_id, "other_tenants": contested.other_tenants},
        )
    return mandate


async def resend_invitation(session: AsyncSession, mandate_id: str, actor: Actor, *, max_pending: int) -> Mandate:
    """E-mail the provider a new invitation (to its current contact e-mail), its acceptance period starting again.
    Only a pending mandate is invited; links sent before keep working until they expire."""
    mandate = await MandateRepository(session).for_update(mandate_id)
    if mandate.status != "pending":
        raise Conflict(f"The mandate is {mandate.status}: only a pending one is invited.", code="mandate_not_pending")
    now = clock.now()
    if mandate.token_expires_at is not None and mandate.token_expires_at <= now:
        await _room_for_one_more(session, mandate.provider_id, max_pending)  # it counts as pending again
    mandate.token_expires_at = now + ACCEPTANCE_PERIOD
    await session.flush()
    outbox.add(session, INVITE_JOB, mandate_id=mandate.id)
    await AuditRepository(session).append(actor, "mandate.invitation_resent", "mandate", mandate.id)
    return mandate


async def get(session: AsyncSession, mandate_id: str) -> Mandate:
    return await MandateRepository(session).get(mandate_id)


async def revoke(
    session: AsyncSession, mandate_id: str, actor: Actor, *, by: str = "tenant", reason: str | None = None
) -> Mandate:
    """Revoke a pending or active mandate; revoking it again changes nothing. ``by``: who revoked (tenant or
    provider); ``reason``, the provider's own words, is kept with it."""
    mandate = await MandateRepository(session).for_update(mandate_id)
    if mandate.status == "revoked":
        return mandate
    if mandate.status == "expired":
        raise Conflict("The mandate has expired already.", code="mandate_not_revocable")
    refused = mandate.status == "pending"
    mandate.status, mandate.revoked_at, mandate.revoked_by = "revoked", clock.now(), by
    if reason:
        mandate.refusal_reason = " ".join(reason.split())[:REASON_MAX]
    await session.flush()
    await AuditRepository(session).append(
        actor, "mandate.revoked", "mandate", mandate.id, {"by": by, "refused": refused and by == "provider"}
    )
    await emit(session, "mandate.revoked", mandate.id, {**event_data(mandate), "revoked_by": by})
    return mandate


async def revoke_by_provider(
    session: AsyncSession, mandate_id: str, actor: Actor, *, reason: str | None = None
) -> Mandate:
    """The provider withdraws its authorisation (a pending mandate: it refuses it). The caller has checked that
    ``actor`` acts for the mandate's provider: an administrator of it on the portal, or the signatory who proved
    its identity on the invitation. Deposits stop at once, as when the tenant revokes."""
    return await revoke(session, mandate_id, actor, by="provider", reason=reason)


async def platforms_for_siret(session: AsyncSession, siret: str) -> list[PlatformOfSiret]:
    """Every platform that holds or asks for a mandate of ``siret`` — this tenant's and others' — for a provider's
    signed-in user: empty unless ``session`` is bound to a portal user's scope holding a provider of that SIRET
    (a provider sees who else claims to act for it; a tenant never sees its competitors)."""
    return await _platforms_for_siret(session, siret)


async def expire_ended(session: AsyncSession, today: date) -> list[str]:
    expired = await MandateRepository(session).expire_ended(today)
    audit = AuditRepository(session)
    for mandate_id, provider_id in expired:
        await audit.append(Actor("system", "mandates.expire"), "mandate.expired", "mandate", mandate_id, {})
        await emit(session, "mandate.expired", mandate_id, {"mandate_id": mandate_id, "provider_id": provider_id})
    return [mandate_id for mandate_id, _ in expired]


def _covers(mandate: Mandate, recipient_siret: str | None, invoice_type: str) -> bool:
    recipients, kinds = mandate.scope_recipients, mandate.scope_invoice_types
    return (recipients is None or recipient_siret in recipients) and (kinds is None or invoice_type in kinds)


async def require_mandate(
    session: AsyncSession, provider_id: str, *, recipient_siret: str | None, invoice_type: str, on: datetime
) -> Mandate:
    """The active mandate covering this deposit, else 403 ``mandate_required`` (checked at intake and submission)."""
    for mandate in await MandateRepository(session).active_on(provider_id, on.date()):
        if _covers(mandate, recipient_siret, invoice_type):
            return mandate
    raise MandateRequired(
        f"No active mandate of provider {provider_id} covers {_KINDS.get(invoice_type, invoice_type)} "
        f"to {recipient_siret or 'this recipient'} on {on.date():%Y-%m-%d}."
    )
