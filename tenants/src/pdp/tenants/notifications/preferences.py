"""Which e-mails a portal user gets about the providers they belong to: their own choice, else their role's.

The choices are kept in ``portal_users.notifications`` (JSONB): ``{"invoice_status": [statuses], "mandate_events":
bool}``. A key the user never set follows the defaults of their role on the provider the e-mail is about, so an
administrator hears of everything, a depositor of the deposits and what needs action, a viewer (the supplier's
bookkeeper, often) of what needs action and of payments. The provider's contact e-mail (``providers.email``, the
contact of record the tenant declared) gets every status e-mail whatever its users choose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.callers import PortalRole
from pdp.platform.errors import ValidationFailed
from pdp.tenants.accounts.models import PortalUser

# The status e-mails, grouped as the page offers them (every status notifications.emails.LABELS names).
GROUPS: dict[str, tuple[str, ...]] = {
    "progress": ("deposited", "delivered"),
    "action": ("suspended", "to_recycle", "rejected", "failed", "stalled"),
    "payment": ("payment_sent",),
}
NOTIFIED_STATUSES = frozenset(status for statuses in GROUPS.values() for status in statuses)


@dataclass(frozen=True, slots=True)
class Choices:
    invoice_statuses: frozenset[str]
    mandate_events: bool

    def wants_status(self, status: str) -> bool:
        return status in self.invoice_statuses

    @property
    def groups(self) -> frozenset[str]:
        """The groups every status of which the user gets."""
        return frozenset(name for name, statuses in GROUPS.items() if set(statuses) <= self.invoice_statuses)


def _statuses(*groups: str) -> frozenset[str]:
    return frozenset(status for group in groups for status in GROUPS[group])


ROLE_DEFAULTS: Mapping[PortalRole, Choices] = {
    PortalRole.ADMIN: Choices(_statuses("progress", "action", "payment"), mandate_events=True),
    PortalRole.DEPOSITOR: Choices(_statuses("progress", "action"), mandate_events=False),
    PortalRole.VIEWER: Choices(_statuses("action", "payment"), mandate_events=False),
}


def choices_of(stored: Mapping[str, Any], role: PortalRole) -> Choices:
    """What a user with ``stored`` choices and ``role`` on a provider gets about that provider."""
    default = ROLE_DEFAULTS[role]
    statuses = stored.get("invoice_status")
    mandates = stored.get("mandate_events")
    return Choices(
        frozenset(statuses) & NOTIFIED_STATUSES if isinstance(statuses, list) else default.invoice_statuses,
        mandates if isinstance(mandates, bool) else default.mandate_events,
    )


def highest(roles: Iterable[PortalRole]) -> PortalRole:
    """The role whose defaults the page shows a user who has several (administrator, depositor, viewer)."""
    held = set(roles)
    return next((role for role in (PortalRole.ADMIN, PortalRole.DEPOSITOR) if role in held), PortalRole.VIEWER)


def customised(stored: Mapping[str, Any]) -> bool:
    """Whether the user has chosen, rather than following their role's defaults."""
    return "invoice_status" in stored or "mandate_events" in stored


async def choose(
    session: AsyncSession, user: PortalUser, groups: Iterable[str], mandate_events: bool, actor: Actor
) -> Choices:
    """Store ``user``'s choice (every group, so later changes to the role defaults no longer apply to them);
    audited ``portal_user.notifications_changed``."""
    chosen = set(groups)
    unknown = chosen - set(GROUPS)
    if unknown:
        raise ValidationFailed(f"Unknown e-mail groups: {', '.join(sorted(unknown))}.", code="notification_unknown")
    statuses = sorted(_statuses(*chosen))
    # A new dict: SQLAlchemy sees an assignment, not an in-place change of the JSONB value.
    user.notifications = {"invoice_status": statuses, "mandate_events": mandate_events}
    await session.flush()
    await AuditRepository(session).append(
        actor,
        "portal_user.notifications_changed",
        "portal_user",
        user.id,
        {"groups": sorted(chosen), "mandate_events": mandate_events},
    )
    return choices_of(user.notifications, PortalRole.VIEWER)


async def follow_role(session: AsyncSession, user: PortalUser, actor: Actor) -> None:
    """Forget ``user``'s choice: their role's defaults apply again; audited."""
    user.notifications = {}
    await session.flush()
    await AuditRepository(session).append(
        actor, "portal_user.notifications_changed", "portal_user", user.id, {"defaults": True}
    )
