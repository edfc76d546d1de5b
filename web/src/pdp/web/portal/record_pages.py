"""The portal's mandates, archive, users and notifications pages, as lists for the routers of
:mod:`pdp.web.portal.site`: the signed-in pages, and the public page where an invited user joins a team."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from pdp.web.portal.archive import ArchiveController
from pdp.web.portal.notifications import NotificationsController
from pdp.web.portal.provider_mandates import MandatesController
from pdp.web.portal.user_invitation import UserInvitationController
from pdp.web.portal.users import UsersController

RECORD_PAGES: list[ControllerRouterHandler] = [
    MandatesController,
    ArchiveController,
    UsersController,
    NotificationsController,
]
RECORD_PUBLIC_PAGES: list[ControllerRouterHandler] = [UserInvitationController]
