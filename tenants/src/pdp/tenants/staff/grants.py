"""Access grants: how a support staff member comes to read one tenant, and how the tenant sees that they did.

A grant is opened by a staff member (never by the tenant, never implicitly) for one tenant, narrowed to a provider
or an invoice when the case is, with a reason and a ticket reference, for a limited time (an hour unless said
otherwise, eight at most). Opening it, every page read under it and its revocation are written to the tenant's
hash-chained audit log, in the tenant's transaction, before anything is read. What is read then runs as the staff
database role (:class:`pdp.platform.callers.StaffCaller`), which PostgreSQL lets through only while the grant is
open: the check below and the database's agree, and a console bug that skipped this module would read nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock, ids
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.callers import StaffCaller
from pdp.platform.db.repository import TenantRepository
from pdp.platform.errors import Forbidden, NotFound, ValidationFailed
from pdp.tenants.accounts.models import StaffUser
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.providers.repository import ProviderRepository
from pdp.tenants.staff.models import StaffAccessGrant

DEFAULT_DURATION = timedelta(hours=1)
LONGEST = timedelta(hours=8)
TICKET_LENGTH = 100


class GrantClosed(Forbidden):
    """The grant has expired, was revoked, or is not this staff member's: open a new one."""

    default_code = "staff_grant_closed"
    title = "This access grant is closed; open a new one with a reason"


@dataclass(frozen=True, slots=True)
class Purpose:
    """Why a staff member reads a tenant: a sentence and the support ticket it answers."""

    reason: str
    ticket: str

    def checked(self) -> Purpose:
        reason, ticket = self.reason.strip(), self.ticket.strip()
        problems = []
        if not reason:
            problems.append({"field": "reason", "message": "Say why you need to read this tenant's data."})
        if not ticket or len(ticket) > TICKET_LENGTH:
            problems.append({"field": "ticket", "message": f"Give the support ticket (1 to {TICKET_LENGTH} chars)."})
        if problems:
            raise ValidationFailed("A grant needs a reason and a ticket.", code="grant_purpose", errors=problems)
        return Purpose(reason, ticket)


class GrantRepository(TenantRepository[StaffAccessGrant]):
    model = StaffAccessGrant
    provider_key = "provider_id"

    async def newest(self, limit: int, starting_after: str | None = None) -> list[StaffAccessGrant]:
        query = self.select().order_by(StaffAccessGrant.id.desc()).limit(limit)
        if starting_after is not None:
            query = query.where(StaffAccessGrant.id < starting_after)
        return list((await self.session.execute(query)).scalars())

    async def seen_by_providers(self, limit: int) -> list[StaffAccessGrant]:
        """The grants a provider-scoped caller is shown: those narrowed to its providers, and the tenant-wide ones,
        which reached its data too."""
        query = select(StaffAccessGrant).where(StaffAccessGrant.tenant_id == self.tenant_id)
        if self.provider_scope is not None:
            mine = StaffAccessGrant.provider_id.in_(self.provider_scope)
            query = query.where(StaffAccessGrant.provider_id.is_(None) | mine)
        return list((await self.session.execute(query.order_by(StaffAccessGrant.id.desc()).limit(limit))).scalars())

    async def open_of(self, staff_id: str) -> StaffAccessGrant | None:
        """The staff member's newest grant on the tenant that is still open."""
        query = (
            self.select()
            .where(
                StaffAccessGrant.staff_id == staff_id,
                StaffAccessGrant.revoked_at.is_(None),
                StaffAccessGrant.expires_at > clock.now(),
            )
            .order_by(StaffAccessGrant.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def for_update(self, grant_id: str) -> StaffAccessGrant | None:
        query = self.select().where(StaffAccessGrant.id == grant_id).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()


async def staff_member(session: AsyncSession, staff_id: str) -> StaffUser:
    """An active staff member (a disabled one opens nothing and reads nothing)."""
    found = (await session.execute(select(StaffUser).where(StaffUser.id == staff_id))).scalar_one_or_none()
    if found is None or found.disabled_at is not None:
        raise Forbidden("This staff account is unknown or disabled.", code="staff_disabled")
    return found


async def open_grant(
    session: AsyncSession,
    staff: StaffUser,
    purpose: Purpose,
    *,
    provider_id: str | None = None,
    invoice_id: str | None = None,
    duration: timedelta = DEFAULT_DURATION,
) -> StaffAccessGrant:
    """Open a grant on the session's tenant (the session is bound to it as pdp itself) and audit it."""
    purpose = purpose.checked()
    if not timedelta(minutes=1) <= duration <= LONGEST:
        raise ValidationFailed(f"A grant lasts between 1 minute and {LONGEST}.", code="grant_duration")
    if invoice_id is not None:
        invoice = await InvoiceRepository(session).get(invoice_id)  # another tenant's is not found
        if provider_id is not None and provider_id != invoice.provider_id:
            raise NotFound("No such invoice for this provider.")
        provider_id = invoice.provider_id
    elif provider_id is not None:
        await ProviderRepository(session).get(provider_id)
    repository = GrantRepository(session)
    now = clock.now()
    grant = StaffAccessGrant(
        tenant_id=repository.tenant_id,
        id=ids.new_id("staff_grant"),
        created_at=now,
        staff_id=staff.id,
        staff_name=staff.full_name,
        provider_id=provider_id,
        invoice_id=invoice_id,
        reason=purpose.reason,
        ticket=purpose.ticket,
        expires_at=now + duration,
        reads=0,
    )
    session.add(grant)
    await AuditRepository(session).append(
        Actor("staff", staff.id),
        "staff_access.opened",
        "staff_grant",
        grant.id,
        {
            "reason": purpose.reason,
            "ticket": purpose.ticket,
            "provider_id": provider_id,
            "invoice_id": invoice_id,
            "expires_at": grant.expires_at.isoformat(),
        },
    )
    return grant


async def record_read(session: AsyncSession, caller: StaffCaller, page: str) -> StaffAccessGrant:
    """Before a page is read under ``caller``'s grant: check it is open and the staff member's, count and audit
    the read (in the tenant's transaction, committed before the read runs as the staff role)."""
    grant = await require_open(session, caller)
    grant.reads += 1
    await AuditRepository(session).append(caller.actor, "staff_access.read", "staff_grant", grant.id, {"page": page})
    return grant


async def revoke(session: AsyncSession, caller: StaffCaller) -> StaffAccessGrant:
    """Close the grant before its expiry (the staff member is done)."""
    grant = await require_open(session, caller)
    grant.revoked_at = clock.now()
    await AuditRepository(session).append(caller.actor, "staff_access.revoked", "staff_grant", grant.id)
    return grant


async def require_open(session: AsyncSession, caller: StaffCaller) -> StaffAccessGrant:
    """The caller's grant, locked, if it is open and theirs; else :class:`GrantClosed`."""
    await staff_member(session, caller.staff_id)
    grant = await GrantRepository(session).for_update(caller.grant_id)
    if (
        grant is None
        or grant.staff_id != caller.staff_id
        or grant.revoked_at is not None
        or grant.expires_at <= clock.now()
    ):
        raise GrantClosed()
    return grant


def caller_of(grant: StaffAccessGrant) -> StaffCaller:
    """The caller a staff member reads as under ``grant``."""
    return StaffCaller(grant.tenant_id, grant.staff_id, grant.id, grant.provider_id)


__all__ = [
    "DEFAULT_DURATION",
    "GrantClosed",
    "GrantRepository",
    "Purpose",
    "caller_of",
    "open_grant",
    "record_read",
    "require_open",
    "revoke",
    "staff_member",
]
