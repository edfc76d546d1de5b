"""What a portal user may do on one provider, by role: the page-level check before an action.

Roles nest: an administrator may do what a depositor may, who may do what a viewer may. Reading is the caller's
scope (repositories and RLS); these checks are for acting (depositing, inviting, revoking…), on the provider the
action is about. Refused: 403 ``portal_role_required``, shown as the portal's "Accès refusé" page.
"""

from __future__ import annotations

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.errors import Forbidden

RANK = {PortalRole.VIEWER: 0, PortalRole.DEPOSITOR: 1, PortalRole.ADMIN: 2}


def may(caller: PortalUserCaller, provider_id: str, role: PortalRole) -> bool:
    """Whether ``caller`` holds ``role`` (or a higher one) on ``provider_id``."""
    held = caller.role_on(provider_id)
    return held is not None and RANK[held] >= RANK[role]


def require_role(caller: PortalUserCaller, provider_id: str, role: PortalRole) -> None:
    """Raise 403 ``portal_role_required`` unless ``caller`` holds ``role`` (or higher) on ``provider_id``."""
    if not may(caller, provider_id, role):
        raise Forbidden(
            f"This action needs the {role.value} role on provider {provider_id}.",
            code="portal_role_required",
            needed_role=role.value,
        )
