"""``/v1/staff-access``: every time pdp's support staff opened access to the tenant's data, why, and how much
they read — as Stripe and GitHub show "support accessed your account"."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.tenants.staff.grants import GrantRepository
from pdp.tenants.staff.models import StaffAccessGrant
from pdp.web.api.pagination import Limit, ListResponse, StartingAfter
from pdp.web.api.problems import problems


class StaffAccessRead(msgspec.Struct, kw_only=True):
    id: str
    staff_name: str  # the staff member, by name: their e-mail and id stay pdp's
    reason: str
    ticket: str
    provider_id: str | None  # narrowed to one provider (or one of its invoices), else the whole account
    invoice_id: str | None
    opened_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool  # open now: neither expired nor revoked
    pages_read: int
    object: str = "staff_access"


def staff_access_read(grant: StaffAccessGrant) -> StaffAccessRead:
    return StaffAccessRead(
        id=grant.id,
        staff_name=grant.staff_name,
        reason=grant.reason,
        ticket=grant.ticket,
        provider_id=grant.provider_id,
        invoice_id=grant.invoice_id,
        opened_at=grant.created_at,
        expires_at=grant.expires_at,
        revoked_at=grant.revoked_at,
        active=grant.revoked_at is None and grant.expires_at > clock.now(),
        pages_read=grant.reads,
    )


class StaffAccessController(Controller):
    path = "/v1/staff-access"
    tags = ["Account"]

    @get("/", responses=problems(422), summary="List support staff's accesses to the account, newest first")
    async def list(
        self, *, session: NamedDependency[AsyncSession], limit: Limit = 10, starting_after: StartingAfter = None
    ) -> ListResponse[StaffAccessRead]:
        """Each access grant a pdp staff member opened on this account: who, why (reason and ticket), when, until
        when, and how many pages they read under it. Every read is also in pdp's audit log."""
        grants = await GrantRepository(session).newest(limit + 1, starting_after)
        return ListResponse([staff_access_read(g) for g in grants[:limit]], len(grants) > limit)
