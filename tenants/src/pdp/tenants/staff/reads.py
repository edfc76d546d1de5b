"""What a staff member reads of a tenant under an access grant, in a session bound to their
:class:`~pdp.platform.callers.StaffCaller` (so the staff role's policies apply to every row)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.accounts.models import ApiKey, Tenant
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.webhooks.models import WebhookEndpoint


async def tenant_overview(session: AsyncSession) -> dict[str, Any]:
    """The tenant page: status, API keys (last four characters, scopes, revoked), webhook endpoints, invoices by
    status. Nothing here carries an amount or a document."""
    tenant = (await session.execute(select(Tenant))).scalar_one_or_none()
    if tenant is None:
        return {}
    keys = (await session.execute(select(ApiKey).order_by(ApiKey.created_at))).scalars()
    endpoints = (await session.execute(select(WebhookEndpoint).order_by(WebhookEndpoint.created_at))).scalars()
    statuses = await session.execute(
        select(InvoiceRecord.status, func.count()).group_by(InvoiceRecord.status).order_by(InvoiceRecord.status)
    )
    return {
        "tenant_id": tenant.id,
        "name": tenant.name,
        "status": tenant.status,
        "suspension_reason": tenant.suspension_reason,
        "api_keys": [
            {
                "id": k.id,
                "name": k.name,
                "last4": k.last4,
                "mode": k.mode,
                "scopes": list(k.scopes),
                "revoked": k.revoked_at is not None,
            }
            for k in keys
        ],
        "webhook_endpoints": [{"id": e.id, "url": e.url, "events": list(e.events)} for e in endpoints],
        "invoices_by_status": {status: count for status, count in statuses},
    }
