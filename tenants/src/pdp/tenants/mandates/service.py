"""Mandate use cases: create (render, archive, link), accept (evidence), revoke, expire, and the deposit check.

Callers own the transaction. The acceptance link carries a 256-bit random token; only its SHA-256 is stored,
it works once, and for 14 days.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import siret as siret_number

from pdp.platform import clock, ids
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.errors import AppError, Conflict, Forbidden, NotFound, ValidationFailed
from pdp.tenants.accounts.repository import TenantsRepository
from pdp.tenants.archive import service as archive
from pdp.tenants.archive.store import Archive
from pdp.tenants.common import finding
from pdp.tenants.events.service import emit
from pdp.tenants.mandates.document import MandateTerms, clauses, render_pdf
from pdp.tenants.mandates.models import Mandate
from pdp.tenants.mandates.repository import MandateRepository, bind_by_token
from pdp.tenants.mandates.schemas import MandateCreate, MandateRead, MandateScope
from pdp.tenants.providers.repository import ProviderRepository

ACCEPTANCE_LINK_TTL = timedelta(days=14)
CONSENT_TEXT = "J'ai lu le mandat ci-dessus, dont l'empreinte SHA-256 est affichée, et je l'accepte au nom du mandant."


class LinkGone(AppError):
    """The acceptance link was used already, has expired, or its mandate is no longer pending (``reason``: used,
    expired: the page tells the signatory which)."""

    default_code = "acceptance_link_gone"
    status = 410
    title = "This acceptance link can no longer be used"


class MandateRequired(Forbidden):
    default_code = "mandate_required"
    title = "No active mandate of this provider covers this deposit"


_KINDS = {"invoice": "an invoice", "credit_note": "a credit note"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def to_read(mandate: Mandate, acceptance_url: str | None = None) -> MandateRead:
    return MandateRead(
        id=mandate.id,
        provider_id=mandate.provider_id,
        status=mandate.status,  # type: ignore[arg-type]
        scope=MandateScope(recipients=mandate.scope_recipients, invoice_types=mandate.scope_invoice_types),  # type: ignore[arg-type]
        valid_from=mandate.valid_from,
        valid_until=mandate.valid_until,
        contest_days=mandate.contest_days,
        document_sha256=mandate.document_sha256,
        acceptance_url=acceptance_url,
        acceptance_expires_at=mandate.token_expires_at if mandate.status == "pending" else None,
        accepted_at=mandate.accepted_at,
        accepted_by=mandate.accepted_by,
        revoked_at=mandate.revoked_at,
        created_at=mandate.created_at,
    )


def _event_data(mandate: Mandate) -> dict[str, str]:
    return {"mandate_id": mandate.id, "provider_id": mandate.provider_id, "status": mandate.status}


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


async def create(
    session: AsyncSession,
    bucket: Archive,
    provider_id: str,
    data: MandateCreate,
    actor: Actor,
    *,
    public_url: str,
    retention_days: int,
    max_pending: int,
) -> tuple[Mandate, str]:
    """A pending mandate, its PDF archived; returns it with its single-use acceptance URL. At most
    ``max_pending`` of a provider's mandates await acceptance at once: each one locks a PDF in the archive for
    years, so an unbounded number would be an unbounded, undeletable write."""
    _check(data)
    provider = await ProviderRepository(session).get(provider_id)
    if provider.status != "active":
        raise Conflict("The provider is inactive.", code="provider_inactive")
    pending = await MandateRepository(session).pending_count(provider.id, clock.now())
    if pending >= max_pending:
        raise Conflict(
            f"This provider has {pending} mandates awaiting acceptance, the most allowed: revoke one, or wait for "
            "it to be accepted or for its link to expire.",
            code="too_many_pending_mandates",
            pending=pending,
            limit=max_pending,
        )
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
    token = secrets.token_urlsafe(32)
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
            token_sha256=_digest(token),
            token_expires_at=clock.now() + ACCEPTANCE_LINK_TTL,
        )
    )
    await session.refresh(mandate)
    await AuditRepository(session).append(
        actor, "mandate.created", "mandate", mandate.id, {"provider_id": provider.id, "sha256": document.sha256}
    )
    return mandate, f"{public_url.rstrip('/')}/portal/mandates/accept/{token}"


async def get(session: AsyncSession, mandate_id: str) -> Mandate:
    return await MandateRepository(session).get(mandate_id)


async def revoke(session: AsyncSession, mandate_id: str, actor: Actor, *, by: str = "tenant") -> Mandate:
    """Revoke a pending or active mandate; revoking it again changes nothing."""
    mandate = await MandateRepository(session).for_update(mandate_id)
    if mandate.status == "revoked":
        return mandate
    if mandate.status == "expired":
        raise Conflict("The mandate has expired already.", code="mandate_not_revocable")
    mandate.status, mandate.revoked_at, mandate.revoked_by = "revoked", clock.now(), by
    await session.flush()
    await AuditRepository(session).append(actor, "mandate.revoked", "mandate", mandate.id, {"by": by})
    await emit(session, "mandate.revoked", mandate.id, {**_event_data(mandate), "revoked_by": by})
    return mandate


@dataclass(frozen=True, slots=True)
class AcceptancePage:
    mandate: Mandate
    provider_name: str
    provider_siret: str
    tenant_name: str
    clauses: list[tuple[str, str]]
    consent_text: str = CONSENT_TEXT


async def open_link(session: AsyncSession, token: str) -> AcceptancePage:
    """What the acceptance page shows; binds the session to the mandate's tenant. 404 unknown, 410 gone."""
    mandate_id = await bind_by_token(session, _digest(token))
    if mandate_id is None:
        raise NotFound("This acceptance link is unknown.", code="acceptance_link_unknown")
    mandate = await MandateRepository(session).for_update(mandate_id)
    if mandate.accepted_at is not None or mandate.status != "pending":
        raise LinkGone("This mandate was accepted, revoked or has expired already.", reason="used")
    if mandate.token_expires_at is not None and mandate.token_expires_at < clock.now():
        raise LinkGone("This acceptance link has expired; ask the platform for a new mandate.", reason="expired")
    provider = await ProviderRepository(session).get(mandate.provider_id)
    tenant = await TenantsRepository(session).current()
    terms = MandateTerms(
        mandate.id,
        tenant.name,
        provider.name,
        provider.siret,
        mandate.scope_recipients,
        mandate.scope_invoice_types,
        mandate.valid_from,
        mandate.valid_until,
        mandate.contest_days,
    )
    return AcceptancePage(mandate, provider.name, provider.siret, tenant.name, clauses(terms))


@dataclass(frozen=True, slots=True)
class Signature:
    full_name: str
    consent: bool
    ip: str
    user_agent: str


async def accept(
    session: AsyncSession, bucket: Archive, token: str, signature: Signature, *, retention_days: int
) -> Mandate:
    """Activate the mandate behind ``token``; the evidence (who, when, IP, user agent, hash) is archived."""
    page = await open_link(session, token)
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
    mandate, accepted_at = page.mandate, clock.now()
    evidence = {
        "mandate_id": mandate.id,
        "document_id": mandate.document_id,
        "document_sha256": mandate.document_sha256,
        "accepted_by": name,
        "accepted_at": accepted_at.isoformat(),
        "ip": signature.ip,
        "user_agent": signature.user_agent[:500],
        "consent_text": CONSENT_TEXT,
        "provider_siret": page.provider_siret,
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
            mandate.provider_id,
        ),
        retention_days=retention_days,
    )
    mandate.status, mandate.accepted_at, mandate.accepted_by = "active", accepted_at, name
    mandate.evidence_document_id = stored.id
    await session.flush()
    await AuditRepository(session).append(
        Actor("signatory", mandate.provider_id),
        "mandate.activated",
        "mandate",
        mandate.id,
        {"accepted_by": name, "ip": signature.ip, "evidence": stored.id},
    )
    await emit(session, "mandate.activated", mandate.id, _event_data(mandate))
    return mandate


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
