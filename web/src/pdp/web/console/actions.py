"""The console's actions (POST, then back to the page): opening and closing a grant, and what staff do to a tenant
under it — each through :mod:`pdp.tenants.staff.actions`, in the tenant's transaction, checked and audited there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import StaffCaller
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import ValidationFailed
from pdp.tenants.staff import actions, grants
from pdp.tenants.staff.operations import resolve_case
from pdp.web.console.auth import (
    BASE,
    open_grant_on,
    staff_of,
)
from pdp.web.console.pages import PAGE_OF_ACTION, grant_form, tenant_found
from pdp.web.portal.routing import Form
from pdp.web.resources import Resources


@post("/tenants/{tenant_id:str}/invoices/{invoice_id:str}/relance", status_code=303)
async def redrive_invoice(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    invoice_id: FromPath[str],
    resources: NamedDependency[Resources],
) -> Response[Any]:
    return await _act(
        resources,
        request,
        tenant_id,
        lambda session, caller: actions.redrive(session, caller, invoice_id),
        back=_invoice_page(tenant_id, invoice_id),
    )


@post("/tenants/{tenant_id:str}/acces", status_code=303)
async def open_access(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    data: Form,
    session: NamedDependency[AsyncSession],
    resources: NamedDependency[Resources],
) -> Response[Any]:
    staff = staff_of(request)
    found = await tenant_found(session, staff.staff_id, tenant_id)
    minutes = data.get("minutes", "60")
    try:
        async with unit_of_work(resources.sessionmaker, tenant_id=tenant_id) as granting:
            await grants.open_grant(
                granting,
                await grants.staff_member(granting, staff.staff_id),
                grants.Purpose(data.get("reason", ""), data.get("ticket", "")),
                duration=timedelta(minutes=int(minutes) if minutes.isdigit() else 0),
            )
    except ValidationFailed as exc:
        messages = [error["message"] for error in exc.errors] or [exc.detail]
        return grant_form(found, " ".join(messages), data)
    # Back to the page that asked for the grant (the invoice the supplier called about), if it is this tenant's.
    asked = PAGE_OF_ACTION.fullmatch(data.get("next", ""))
    tenant_page = f"{BASE}/tenants/{tenant_id}"
    if asked and (asked.group(0) == tenant_page or asked.group(0).startswith(f"{tenant_page}/")):
        return Redirect(asked.group(0), status_code=303)
    return Redirect(tenant_page, status_code=303)


async def _act(
    resources: Resources, request: Request[Any, Any, Any], tenant_id: str, act: Any, *, back: str | None = None
) -> Response[Any]:
    """Run ``act(session, caller)`` under the staff member's open grant on the tenant, then back to ``back``
    (default: the tenant's page)."""
    grant = await open_grant_on(resources, staff_of(request), tenant_id)
    if grant is None:
        raise grants.GrantClosed()
    async with unit_of_work(resources.sessionmaker, tenant_id=tenant_id) as session:
        await act(session, grants.caller_of(grant))
    return Redirect(back or f"{BASE}/tenants/{tenant_id}", status_code=303)


def _invoice_page(tenant_id: str, invoice_id: str) -> str:
    return f"{BASE}/tenants/{tenant_id}/invoices/{invoice_id}"


@post("/tenants/{tenant_id:str}/acces/fermeture", status_code=303)
async def close_access(
    request: Request[Any, Any, Any], tenant_id: FromPath[str], resources: NamedDependency[Resources]
) -> Response[Any]:
    """Close the grant before it expires: the case is done, nothing more is read."""
    return await _act(resources, request, tenant_id, grants.revoke, back=f"{BASE}/")


@post("/tenants/{tenant_id:str}/suspension", status_code=303)
async def suspend_tenant(
    request: Request[Any, Any, Any], tenant_id: FromPath[str], data: Form, resources: NamedDependency[Resources]
) -> Response[Any]:
    reason = data.get("reason", "")
    return await _act(resources, request, tenant_id, lambda session, caller: actions.suspend(session, caller, reason))


@post("/tenants/{tenant_id:str}/reactivation", status_code=303)
async def reactivate_tenant(
    request: Request[Any, Any, Any], tenant_id: FromPath[str], resources: NamedDependency[Resources]
) -> Response[Any]:
    return await _act(resources, request, tenant_id, actions.reactivate)


@post("/tenants/{tenant_id:str}/keys/{key_id:str}/revocation", status_code=303)
async def revoke_key(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    key_id: FromPath[str],
    resources: NamedDependency[Resources],
) -> Response[Any]:
    return await _act(
        resources, request, tenant_id, lambda session, caller: actions.revoke_key(session, caller, key_id)
    )


@post("/tenants/{tenant_id:str}/invoices/{invoice_id:str}/deliveries/{delivery_id:str}/replay", status_code=303)
async def replay_delivery(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    invoice_id: FromPath[str],
    delivery_id: FromPath[str],
    resources: NamedDependency[Resources],
) -> Response[Any]:
    return await _act(
        resources,
        request,
        tenant_id,
        lambda s, caller: actions.replay_webhook(s, caller, delivery_id),
        back=_invoice_page(tenant_id, invoice_id),
    )


@post("/tenants/{tenant_id:str}/invoices/{invoice_id:str}/suivi", status_code=303)
async def follow_up(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    invoice_id: FromPath[str],
    data: Form,
    resources: NamedDependency[Resources],
) -> Response[Any]:
    note = data.get("note", "")
    return await _act(
        resources,
        request,
        tenant_id,
        lambda s, caller: actions.mark_for_follow_up(s, caller, invoice_id, note),
        back=_invoice_page(tenant_id, invoice_id),
    )


@post("/tenants/{tenant_id:str}/webhook-endpoints/{endpoint_id:str}/rotation", status_code=303)
async def rotate_webhook_secret(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    endpoint_id: FromPath[str],
    data: Form,
    resources: NamedDependency[Resources],
) -> Response[Any]:
    hours = data.get("previous_valid_hours", "0")
    envelope = resources.require_envelope()

    async def rotate(session: AsyncSession, caller: StaffCaller) -> None:
        await actions.rotate_webhook_secret(
            session, caller, endpoint_id, envelope, previous_valid_hours=int(hours) if hours.isdigit() else -1
        )

    return await _act(resources, request, tenant_id, rotate)


@post("/tenants/{tenant_id:str}/invoices/{invoice_id:str}/courriel", status_code=303)
async def resend_email(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    invoice_id: FromPath[str],
    resources: NamedDependency[Resources],
) -> Response[Any]:
    return await _act(
        resources,
        request,
        tenant_id,
        lambda s, caller: actions.resend_status_email(s, caller, invoice_id),
        back=_invoice_page(tenant_id, invoice_id),
    )


@post("/cas/{case_id:str}/resolution", status_code=303)
async def resolve(
    request: Request[Any, Any, Any], case_id: FromPath[str], data: Form, session: NamedDependency[AsyncSession]
) -> Response[Any]:
    await resolve_case(session, staff_of(request).staff_id, case_id, data.get("resolution", ""))
    return Redirect(f"{BASE}/", status_code=303)
