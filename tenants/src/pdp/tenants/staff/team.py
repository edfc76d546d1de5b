"""Staff accounts, managed by an admin from the console: create, change a role, reset a TOTP secret, disable.

The app role cannot write ``staff_users``; these go through ``pdp_staff_account_change`` (migrations 0024, 0025:
``pdp_staff_admin``, and the change recorded in ``staff_activity``), which acts only
for an active admin and never on the admin's own account: another admin resets your code or changes your role.
A new account's first password and TOTP secret, and a reset secret, are shown once and never stored in clear.
"""

from __future__ import annotations

import pyotp
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.errors import ValidationFailed
from pdp.platform.logging import get_logger
from pdp.platform.security.envelope import Envelope
from pdp.tenants.accounts.models import STAFF_ROLES, StaffUser
from pdp.tenants.staff import auth
from pdp.tenants.staff.actions import StaffRoleRequired, require_role

log = get_logger("pdp.staff")


async def members(session: AsyncSession) -> list[StaffUser]:
    return list((await session.execute(select(StaffUser).order_by(StaffUser.created_at))).scalars())


async def _admin(session: AsyncSession, admin: StaffUser, action: str, target_id: str, **values: str | None) -> None:
    require_role(admin, "admin")
    done = await session.scalar(
        text(
            "SELECT pdp_staff_account_change("
            ":admin, :action, :target, :email, :full_name, :role, :password_hash, :totp)"
        ),
        {
            "admin": admin.id,
            "action": action,
            "target": target_id,
            "email": values.get("email"),
            "full_name": values.get("full_name"),
            "role": values.get("role"),
            "password_hash": values.get("password_hash"),
            "totp": values.get("totp_secret_enc"),
        },
    )
    if not done:
        raise StaffRoleRequired("An admin manages other staff accounts, never their own.", needed_role="admin")
    log.info("staff.admin", admin_id=admin.id, action=action, target_id=target_id, role=values.get("role"))


def _role(role: str) -> str:
    if role not in STAFF_ROLES:
        raise ValidationFailed(f"A staff role is one of {', '.join(STAFF_ROLES)}.", code="staff_role_invalid")
    return role


async def create_member(
    session: AsyncSession, admin: StaffUser, envelope: Envelope, *, email: str, full_name: str, role: str
) -> auth.NewStaff:
    if "@" not in email or not full_name.strip():
        raise ValidationFailed("Give the person's e-mail address and name.", code="staff_member_invalid")
    made = await auth.new_staff(email, full_name, _role(role), envelope)
    staff = made.staff
    await _admin(
        session,
        admin,
        "create",
        staff.id,
        email=staff.email,
        full_name=staff.full_name,
        role=staff.role,
        password_hash=staff.password_hash,
        totp_secret_enc=staff.totp_secret_enc,
    )
    return made


async def set_role(session: AsyncSession, admin: StaffUser, target_id: str, role: str) -> None:
    await _admin(session, admin, "role", target_id, role=_role(role))


async def reset_totp(session: AsyncSession, admin: StaffUser, envelope: Envelope, target_id: str) -> str:
    """A new TOTP secret for another staff member (their phone was lost): shown once, their sessions ended."""
    secret = pyotp.random_base32()
    await _admin(session, admin, "reset_totp", target_id, totp_secret_enc=auth.seal_totp(target_id, secret, envelope))
    return secret


async def disable(session: AsyncSession, admin: StaffUser, target_id: str) -> None:
    await _admin(session, admin, "disable", target_id)
