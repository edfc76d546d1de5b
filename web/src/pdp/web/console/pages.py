"""The back-office console's pages (``/console``): sign-in, search across tenants, and a tenant under a grant.

The sign-in pages are the only ones outside the shared unit of work (nobody is signed in yet: they open their
own transaction). Every other page runs in it, with a :class:`~pdp.platform.callers.StaffMember` as the caller:
the search reads routing data only (``pdp_staff_search``); a tenant page shows the form that opens a grant
until the staff member has one on that tenant, then reads under it (:mod:`pdp.web.console.auth`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import StaffCaller
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import AppError, ValidationFailed
from pdp.platform.ops_tallies import checkpoint_runs, last_seen, refusals
from pdp.platform.settings import Settings
from pdp.tenants.staff import actions, auth, grants
from pdp.tenants.staff.operations import chorus_failures, job_queue, open_cases, resolve_case
from pdp.tenants.staff.reads import invoice_story, provider_story, tenant_overview
from pdp.tenants.staff.search import Found, search
from pdp.web.console.auth import (
    BASE,
    ConsoleAuthenticator,
    clear_cookie,
    open_grant_on,
    read_under_grant,
    session_token,
    staff_of,
)
from pdp.web.console.sign_in import SIGN_IN, sign_in, sign_in_form
from pdp.web.console.team import TEAM_PAGES
from pdp.web.deps import provide_session
from pdp.web.errors import EXCEPTION_HANDLERS, problem_for
from pdp.web.portal.routing import FORM_BODY_LIMIT, Form
from pdp.web.resources import Resources
from pdp.web.uow import UnitOfWorkMiddleware


@get("/", name="console_home")
async def home(
    request: Request[Any, Any, Any],
    session: NamedDependency[AsyncSession],
    resources: NamedDependency[Resources],
    q: FromQuery[str] = "",
) -> Template:
    """Search, the staff queue's open cases and the job queue: nothing here needs a grant."""
    staff = staff_of(request)
    results: list[Found] = await search(session, staff.staff_id, q) if q.strip() else []
    context = {
        "q": q,
        "results": results,
        "staff": staff,
        "cases": await open_cases(session, staff.staff_id),
        "jobs": await job_queue(resources.redis),
        "chorus_failures": await chorus_failures(session, staff.staff_id),
        "refusals": await refusals(resources.redis),
        "checkpoints": await checkpoint_runs(resources.redis),
    }
    return Template("console/home.html.jinja2", context=context)


async def _tenant_found(session: AsyncSession, staff_id: str, tenant_id: str) -> Found:
    found = [row for row in await search(session, staff_id, tenant_id) if row.tenant_id == tenant_id]
    if not found:
        raise NotFoundException("No such tenant.")
    return found[0]


async def _page_under_grant(
    request: Request[Any, Any, Any],
    tenant_id: str,
    session: AsyncSession,
    resources: Resources,
    *,
    template: str,
    read: Callable[[AsyncSession], Awaitable[dict[str, Any]]],
) -> Template:
    """A page of tenant data: the form that opens a grant until the staff member has one on the tenant, then the
    read (audited and counted first) as the staff role, rendered with ``found`` (the tenant's routing data)."""
    staff = staff_of(request)
    found = await _tenant_found(session, staff.staff_id, tenant_id)
    grant = await open_grant_on(resources, staff, tenant_id)
    if grant is None:
        return _grant_form(found, data={"minutes": "60", "next": request.url.path})
    caller = await read_under_grant(resources, grant, request.url.path)
    async with unit_of_work(resources.sessionmaker, caller=caller) as reading:
        context = await read(reading)
    return Template(template, context={**context, "found": found, "grant": grant, "staff": staff})


@get("/tenants/{tenant_id:str}")
async def tenant_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    session: NamedDependency[AsyncSession],
    resources: NamedDependency[Resources],
) -> Template:
    async def read(reading: AsyncSession) -> dict[str, Any]:
        tenant = await tenant_overview(reading)
        used = await last_seen(resources.redis, [f"api_key:{key['id']}" for key in tenant.get("api_keys", [])])
        for key in tenant.get("api_keys", []):
            key["last_used_at"] = used.get(f"api_key:{key['id']}")
        return {"tenant": tenant}

    page = "console/tenant.html.jinja2"
    return await _page_under_grant(request, tenant_id, session, resources, template=page, read=read)


@get("/tenants/{tenant_id:str}/invoices/{invoice_id:str}")
async def invoice_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    invoice_id: FromPath[str],
    session: NamedDependency[AsyncSession],
    resources: NamedDependency[Resources],
) -> Template:
    followed = [case for case in await open_cases(session, staff_of(request).staff_id) if case.subject_id == invoice_id]

    async def read(reading: AsyncSession) -> dict[str, Any]:
        story = await invoice_story(reading, invoice_id)
        story["follow_up"] = next((case for case in followed if case.kind == "manual_follow_up"), None)
        return story

    page = "console/invoice.html.jinja2"
    return await _page_under_grant(request, tenant_id, session, resources, template=page, read=read)


@get("/tenants/{tenant_id:str}/providers/{provider_id:str}")
async def provider_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    provider_id: FromPath[str],
    session: NamedDependency[AsyncSession],
    resources: NamedDependency[Resources],
) -> Template:
    contested = [case for case in await open_cases(session, staff_of(request).staff_id) if case.siret]

    async def read(reading: AsyncSession) -> dict[str, Any]:
        story = await provider_story(reading, provider_id)
        siret = story["provider"].siret
        story["contested"] = next((case for case in contested if case.siret == siret), None)
        return story

    page = "console/provider.html.jinja2"
    return await _page_under_grant(request, tenant_id, session, resources, template=page, read=read)


@post("/tenants/{tenant_id:str}/invoices/{invoice_id:str}/relance", status_code=303)
async def redrive_invoice(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    invoice_id: FromPath[str],
    resources: NamedDependency[Resources],
) -> Response[Any]:
    await _act(resources, request, tenant_id, lambda session, caller: actions.redrive(session, caller, invoice_id))
    return Redirect(f"{BASE}/tenants/{tenant_id}/invoices/{invoice_id}", status_code=303)


def _grant_form(found: Found, error: str | None = None, data: dict[str, str] | None = None) -> Template:
    return Template(
        "console/grant.html.jinja2", context={"tenant": found, "error": error, "data": data or {"minutes": "60"}}
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
    found = await _tenant_found(session, staff.staff_id, tenant_id)
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
        return _grant_form(found, " ".join(messages), data)
    # Back to the page that asked for the grant (the invoice the supplier called about), if it is this tenant's.
    asked = _PAGE_OF_ACTION.fullmatch(data.get("next", ""))
    tenant_page = f"{BASE}/tenants/{tenant_id}"
    if asked and (asked.group(0) == tenant_page or asked.group(0).startswith(f"{tenant_page}/")):
        return Redirect(asked.group(0), status_code=303)
    return Redirect(tenant_page, status_code=303)


async def _act(resources: Resources, request: Request[Any, Any, Any], tenant_id: str, act: Any) -> Response[Any]:
    """Run ``act(session, caller)`` under the staff member's open grant on the tenant, then back to its page."""
    grant = await open_grant_on(resources, staff_of(request), tenant_id)
    if grant is None:
        raise grants.GrantClosed()
    async with unit_of_work(resources.sessionmaker, tenant_id=tenant_id) as session:
        await act(session, grants.caller_of(grant))
    return Redirect(f"{BASE}/tenants/{tenant_id}", status_code=303)


@post("/tenants/{tenant_id:str}/acces/fermeture", status_code=303)
async def close_access(
    request: Request[Any, Any, Any], tenant_id: FromPath[str], resources: NamedDependency[Resources]
) -> Response[Any]:
    """Close the grant before it expires: the case is done, nothing more is read."""
    await _act(resources, request, tenant_id, grants.revoke)
    return Redirect(f"{BASE}/", status_code=303)


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
    await _act(resources, request, tenant_id, lambda s, caller: actions.replay_webhook(s, caller, delivery_id))
    return Redirect(f"{BASE}/tenants/{tenant_id}/invoices/{invoice_id}", status_code=303)


@post("/tenants/{tenant_id:str}/invoices/{invoice_id:str}/suivi", status_code=303)
async def follow_up(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[str],
    invoice_id: FromPath[str],
    data: Form,
    resources: NamedDependency[Resources],
) -> Response[Any]:
    note = data.get("note", "")
    await _act(resources, request, tenant_id, lambda s, caller: actions.mark_for_follow_up(s, caller, invoice_id, note))
    return Redirect(f"{BASE}/tenants/{tenant_id}/invoices/{invoice_id}", status_code=303)


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
    await _act(resources, request, tenant_id, lambda s, caller: actions.resend_status_email(s, caller, invoice_id))
    return Redirect(f"{BASE}/tenants/{tenant_id}/invoices/{invoice_id}", status_code=303)


@post("/cas/{case_id:str}/resolution", status_code=303)
async def resolve(
    request: Request[Any, Any, Any], case_id: FromPath[str], data: Form, session: NamedDependency[AsyncSession]
) -> Response[Any]:
    await resolve_case(session, staff_of(request).staff_id, case_id, data.get("resolution", ""))
    return Redirect(f"{BASE}/", status_code=303)


@post("/deconnexion", status_code=303)
async def sign_out(request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Response[Any]:
    await auth.sign_out(session, session_token(request.scope))
    response: Response[Any] = Redirect(SIGN_IN, status_code=303)
    clear_cookie(response)
    return response


_PAGE_OF_ACTION = re.compile(rf"{BASE}/tenants/[^/]+(/(invoices|providers)/[^/]+)?")


def _console_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """An ended session goes back to the sign-in page; a grant that closed meanwhile, to the tenant's page (its
    form); anything else is the app's usual answer."""
    code = exc.code if isinstance(exc, AppError) else None
    if code in (auth.SessionEnded.default_code, "staff_disabled"):
        response: Response[Any] = Redirect(SIGN_IN, status_code=303)
        clear_cookie(response)
        return response
    if code == grants.GrantClosed.default_code:
        return Redirect(request.url.path, status_code=303)
    if isinstance(exc, AppError) and 400 <= exc.status < 500 and exc.status != 404:
        # An action refused (bad input, wrong role, conflict): a page that says why, in the console's own words,
        # with the stable code, and the way back to the page the form was on.
        page = _PAGE_OF_ACTION.match(request.url.path)
        back = page.group(0) if page else f"{BASE}/"
        context = {"detail": exc.detail, "errors": exc.errors, "code": exc.code, "back": back, "staff": None}
        return Template("console/refused.html.jinja2", context=context, status_code=exc.status)
    return problem_for(request, exc)


def console_routers(settings: Settings) -> list[Router]:
    public = Router(
        path="/",
        route_handlers=[sign_in_form, sign_in],
        include_in_schema=False,
        request_max_body_size=FORM_BODY_LIMIT,
    )
    signed_in = Router(
        path=BASE,
        route_handlers=[
            home,
            tenant_page,
            invoice_page,
            provider_page,
            open_access,
            close_access,
            suspend_tenant,
            reactivate_tenant,
            redrive_invoice,
            revoke_key,
            replay_delivery,
            resend_email,
            follow_up,
            rotate_webhook_secret,
            resolve,
            *TEAM_PAGES,
            sign_out,
        ],
        middleware=[UnitOfWorkMiddleware(ConsoleAuthenticator(settings))],
        dependencies={"session": Provide(provide_session)},
        exception_handlers=dict.fromkeys(EXCEPTION_HANDLERS, _console_exception),
        include_in_schema=False,
        request_max_body_size=FORM_BODY_LIMIT,
    )
    return [public, signed_in]
