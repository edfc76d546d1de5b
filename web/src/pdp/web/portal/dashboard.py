"""The dashboard (``/portal/{tenant_id}/``): where the invoices of the providers in view stand."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.tenants.deposits.dashboard import dashboard
from pdp.web.portal.shell import Shell
from pdp.web.resources import Resources


@get("/", name="portal_dashboard")
async def show_dashboard(
    shell: NamedDependency[Shell], session: NamedDependency[AsyncSession], resources: NamedDependency[Resources]
) -> Template:
    today = clock.now().date()  # the day the API counts late payments by (views.invoice_read): the same figures
    figures = await dashboard(session, shell.providers_in_view, resources.payment_terms(), today)
    return shell.page("portal/dashboard.html.jinja2", figures=figures, today=today)
