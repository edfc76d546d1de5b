"""``pdp staff …``: the console's actions from the command line, through the same services, grants and audit.

Only ``create`` uses the owner connection (staff accounts are made by an operator; the app role cannot). Every
other command runs as the app role and, for tenant data, as the staff role under a grant: a staff member signs in
once (``pdp staff sign-in``, password and TOTP code), and the commands take the session it prints from
``PDP_STAFF_SESSION``, as the console's cookie would be.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import jobs
from pdp.platform.callers import StaffCaller
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.ops_tallies import checkpoint_runs, refusals
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.accounts.models import StaffUser, Tenant
from pdp.tenants.staff import actions, auth, grants
from pdp.tenants.staff.operations import chorus_failures, job_queue, open_cases, resolve_case, staff_activity
from pdp.tenants.staff.reads import invoice_story, tenant_overview
from pdp.tenants.staff.search import search


def sealing_envelope(settings: Settings) -> Envelope:
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
    made = await auth.new_staff(email, full_name, role, sealing_envelope(settings))
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
                sealing_envelope(settings),
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
        staff_id = await _signed_in(sessions, settings, token)
        async with unit_of_work(sessions, tenant_id=tenant_id) as session:
            grant = await grants.open_grant(
                session,
                await grants.staff_member(session, staff_id),
                grants.Purpose(reason, ticket),
                provider_id=provider_id,
                invoice_id=invoice_id,
                duration=timedelta(minutes=minutes),
            )
    return {"grant_id": grant.id, "tenant_id": tenant_id, "expires_at": grant.expires_at.isoformat()}


async def _signed_in(sessions: async_sessionmaker[AsyncSession], settings: Settings, token: str) -> str:
    """The signed-in staff member's id, in a transaction of its own (the session's idle clock is renewed)."""
    async with unit_of_work(sessions) as session:
        return (await _staff(session, settings, token)).id


async def act(
    settings: Settings, token: str, tenant_id: str, grant_id: str, action: Callable[[AsyncSession, StaffCaller], Any]
) -> Any:
    """``action(session, caller)`` under the staff member's grant on the tenant, in the tenant's transaction: the
    console's actions go through the same function (:mod:`pdp.tenants.staff.actions`), checks and audit."""
    async with _app(settings) as sessions:
        caller = StaffCaller(tenant_id, await _signed_in(sessions, settings, token), grant_id)
        async with unit_of_work(sessions, tenant_id=tenant_id) as session:
            return await action(session, caller)


async def read(
    settings: Settings, token: str, tenant_id: str, grant_id: str, *, page: str, reader: Callable[[AsyncSession], Any]
) -> Any:
    """A page under the grant: the read is audited and counted first, then ``reader`` runs as the staff role."""
    async with _app(settings) as sessions:
        caller = StaffCaller(tenant_id, await _signed_in(sessions, settings, token), grant_id)
        async with unit_of_work(sessions, tenant_id=tenant_id) as session:
            grant = await grants.record_read(session, caller, page)
        async with unit_of_work(sessions, caller=grants.caller_of(grant)) as session:
            return await reader(session)


async def show_tenant(settings: Settings, token: str, tenant_id: str, grant_id: str) -> dict[str, Any]:
    return dict(await read(settings, token, tenant_id, grant_id, page="pdp staff tenant", reader=tenant_overview))


async def show_invoice(settings: Settings, token: str, tenant_id: str, grant_id: str, invoice_id: str) -> Any:
    async def story(session: AsyncSession) -> dict[str, Any]:
        found = await invoice_story(session, invoice_id)
        invoice = found.pop("invoice")
        summary = {
            name: getattr(invoice, name)
            for name in ("id", "number", "status", "chorus_status", "chorus_flux_number", "chorus_invoice_id")
        }
        return {"invoice": {**summary, "last_error": invoice.last_error}, **found}

    return await read(settings, token, tenant_id, grant_id, page=f"pdp staff invoice {invoice_id}", reader=story)


async def lifecycle(
    settings: Settings, token: str, tenant_id: str, grant_id: str, reason: str | None
) -> dict[str, Any]:
    """Suspend the tenant (with ``reason``) or, without one, reactivate it: an admin's act under a grant."""

    async def change(session: AsyncSession, caller: StaffCaller) -> Tenant:
        if reason is None:
            return await actions.reactivate(session, caller)
        return await actions.suspend(session, caller, reason)

    tenant = await act(settings, token, tenant_id, grant_id, change)
    return {"tenant_id": tenant.id, "status": tenant.status, "suspension_reason": tenant.suspension_reason}


async def operations(settings: Settings, token: str) -> dict[str, Any]:
    """The console's operations view: open cases, waiting jobs, Chorus failures, refusals, audit checkpoints."""
    redis = await jobs.create_arq_redis(settings.redis_url)
    try:
        async with _app(settings) as sessions, unit_of_work(sessions) as session:
            staff_id = (await _staff(session, settings, token)).id
            cases, failures = await open_cases(session, staff_id), await chorus_failures(session, staff_id)
        return {
            "cases": [asdict(case) for case in cases],
            "jobs": [asdict(job) for job in await job_queue(redis)],
            "chorus_failures": [asdict(row) for row in failures],
            "refusals": [asdict(row) for row in await refusals(redis)],
            "audit_checkpoints": [asdict(run) for run in await checkpoint_runs(redis)],
        }
    finally:
        await redis.aclose()


async def resolve(settings: Settings, token: str, case_id: str, resolution: str) -> dict[str, Any]:
    async with _app(settings) as sessions, unit_of_work(sessions) as session:
        staff = await _staff(session, settings, token)
        await resolve_case(session, staff.id, case_id, resolution)
    return {"case_id": case_id, "resolved": True}


async def activity(settings: Settings, token: str) -> list[dict[str, Any]]:
    async with _app(settings) as sessions, unit_of_work(sessions) as session:
        staff = await _staff(session, settings, token)
        actions.require_role(staff, "admin")
        return [asdict(row) for row in await staff_activity(session, staff.id)]


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
