"""``pdp staff …``: the console's actions from the command line, through the same services, grants and audit.

Only ``create`` uses the owner connection (staff accounts are made by an operator; the app role cannot). Every
other command runs as the app role and, for tenant data, as the staff role under a grant: a staff member signs in
once (``pdp staff sign-in``, password and TOTP code), and the commands take the session it prints from
``PDP_STAFF_SESSION``, as the console's cookie would be.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import jobs
from pdp.platform.callers import StaffCaller
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.accounts.models import StaffUser
from pdp.tenants.staff import actions, auth, grants
from pdp.tenants.staff.reads import tenant_overview
from pdp.tenants.staff.search import search


def _envelope(settings: Settings) -> Envelope:
    if not settings.master_keys:
        raise RuntimeError("PDP_MASTER_KEYS is unset: staff TOTP secrets cannot be sealed or read")
    return Envelope(settings.master_keys)


@asynccontextmanager
async def _app(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def create_staff(settings: Settings, email: str, full_name: str, role: str) -> dict[str, Any]:
    """A staff account with a first password and its TOTP secret, shown once."""
    made = await auth.new_staff(email, full_name, role, _envelope(settings))
    owner = create_engine(settings.owner_url, pool_size=1)
    try:
        async with create_sessionmaker(owner)() as session, session.begin():
            session.add(made.staff)
    finally:
        await owner.dispose()
    return {
        "staff_id": made.staff.id,
        "email": made.staff.email,
        "role": role,
        "password": made.password,
        "totp_secret": made.totp_secret,
        "totp_uri": made.totp_uri,
    }


async def sign_in(settings: Settings, email: str, password: str, code: str) -> dict[str, Any]:
    redis = await jobs.create_arq_redis(settings.redis_url)
    try:
        async with _app(settings) as sessions, unit_of_work(sessions) as session:
            token = await auth.sign_in(
                session,
                auth.StaffGuards.on(redis),
                _envelope(settings),
                email=email,
                password=password,
                code=code,
                address="cli",
            )
    finally:
        await redis.aclose()
    return {"session": token, "idle_minutes": settings.staff_idle_minutes}


async def _staff(session: AsyncSession, settings: Settings, token: str) -> StaffUser:
    return await auth.resume(session, token, timedelta(minutes=settings.staff_idle_minutes))


async def find(settings: Settings, token: str, query: str) -> list[dict[str, Any]]:
    async with _app(settings) as sessions, unit_of_work(sessions) as session:
        staff = await _staff(session, settings, token)
        return [asdict(found) for found in await search(session, staff.id, query)]


async def open_grant(
    settings: Settings,
    token: str,
    tenant_id: str,
    *,
    reason: str,
    ticket: str,
    provider_id: str | None,
    invoice_id: str | None,
    minutes: int,
) -> dict[str, Any]:
    async with _app(settings) as sessions:
        async with unit_of_work(sessions) as session:
            staff = await _staff(session, settings, token)
        async with unit_of_work(sessions, tenant_id=tenant_id) as session:
            grant = await grants.open_grant(
                session,
                await grants.staff_member(session, staff.id),
                grants.Purpose(reason, ticket),
                provider_id=provider_id,
                invoice_id=invoice_id,
                duration=timedelta(minutes=minutes),
            )
    return {"grant_id": grant.id, "tenant_id": tenant_id, "expires_at": grant.expires_at.isoformat()}


async def show_tenant(settings: Settings, token: str, tenant_id: str, grant_id: str) -> dict[str, Any]:
    """The tenant page under the grant: the read is audited and counted first, then read as the staff role."""
    async with _app(settings) as sessions:
        async with unit_of_work(sessions) as session:
            staff = await _staff(session, settings, token)
        async with unit_of_work(sessions, tenant_id=tenant_id) as session:
            grant = await grants.record_read(session, StaffCaller(tenant_id, staff.id, grant_id), "pdp staff tenant")
        async with unit_of_work(sessions, caller=grants.caller_of(grant)) as session:
            return await tenant_overview(session)


async def lifecycle(
    settings: Settings, token: str, tenant_id: str, grant_id: str, reason: str | None
) -> dict[str, Any]:
    """Suspend the tenant (with ``reason``) or, without one, reactivate it: an admin's act under a grant."""
    async with _app(settings) as sessions:
        async with unit_of_work(sessions) as session:
            staff = await _staff(session, settings, token)
        caller = StaffCaller(tenant_id, staff.id, grant_id)
        async with unit_of_work(sessions, tenant_id=tenant_id) as session:
            if reason is None:
                tenant = await actions.reactivate(session, caller)
            else:
                tenant = await actions.suspend(session, caller, reason)
    return {"tenant_id": tenant.id, "status": tenant.status, "suspension_reason": tenant.suspension_reason}


DEMO_STAFF_EMAIL = "support@pdp.localhost"


async def ensure_demo_staff(settings: Settings, saved: dict[str, Any] | None) -> dict[str, Any]:
    """``pdp dev``'s support account (role operator): the one ``saved`` from an earlier run if the database still
    has it, else a new one (its password and TOTP secret exist only in what this returns, kept in .pdp/)."""
    owner = create_engine(settings.owner_url, pool_size=1)
    try:
        async with create_sessionmaker(owner)() as session:
            found = await session.scalar(text("SELECT id FROM staff_users WHERE email = :e"), {"e": DEMO_STAFF_EMAIL})
    finally:
        await owner.dispose()
    if saved is not None and found is not None and saved.get("staff_id") == found:
        return saved
    if found is not None:  # its secrets were lost with the data folder's file: a new account under another e-mail
        raise RuntimeError(f"{DEMO_STAFF_EMAIL} exists but its password is not in .pdp/staff.json")
    return await create_staff(settings, DEMO_STAFF_EMAIL, "Support démo", "operator")
