"""The back-office console's pages (``/console``): search and operations across tenants, and a tenant, provider
or invoice under a grant.

The search reads routing data only (``pdp_staff_search``); a tenant's page shows the form that opens a grant
until the staff member has one on that tenant, then reads under it (:mod:`pdp.web.console.auth`). The actions
are in :mod:`pdp.web.console.actions`, the routers in :mod:`pdp.web.console.routes`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.db.session import unit_of_work
from pdp.platform.ops_tallies import checkpoint_runs, last_seen, refusals
from pdp.tenants.staff import auth
from pdp.tenants.staff.operations import chorus_failures, job_queue, open_cases
from pdp.tenants.staff.reads import invoice_story, provider_story, tenant_overview
from pdp.tenants.staff.search import Found, search
from pdp.web.console.auth import (
    BASE,
    clear_cookie,
    open_grant_on,
    read_under_grant,
    session_token,
    staff_of,
)
from pdp.web.console.sign_in import SIGN_IN
from pdp.web.resources import Resources


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


async def tenant_found(session: AsyncSession, staff_id: str, tenant_id: str) -> Found:
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
    found = await tenant_found(session, staff.staff_id, tenant_id)
    grant = await open_grant_on(resources, staff, tenant_id)
    if grant is None:
        return grant_form(found, data={"minutes": "60", "next": request.url.path})
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


def grant_form(found: Found, error: str | None = None, data: dict[str, str] | None = None) -> Template:
    return Template(
        "console/grant.html.jinja2", context={"tenant": found, "error": error, "data": data or {"minutes": "60"}}
    )


PAGE_OF_ACTION = re.compile(rf"{BASE}/tenants/[^/]+(/(invoices|providers)/[^/]+)?")


@post("/deconnexion", status_code=303)
async def sign_out(request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Response[Any]:
    await auth.sign_out(session, session_token(request.scope))
    response: Response[Any] = Redirect(SIGN_IN, status_code=303)
    clear_cookie(response)
    return response
