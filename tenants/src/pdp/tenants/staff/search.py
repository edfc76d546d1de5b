"""The console's search across tenants, before any grant: only what routes a case to the right tenant.

``pdp_staff_search`` (migration 0024) runs as the owner and returns, for an active staff member and a query of
three characters or more, the tenants, providers and invoices it matches — by tenant id or name, provider id,
SIRET, SIREN or name, invoice id or number, Chorus flux number or invoice id, webhook event id, or a portal
user's e-mail — with tenant name, provider SIRET and name, invoice number and status and flux number only:
never an amount, a document or a person's data. Reading more needs an access grant (:mod:`.grants`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class Found:
    tenant_id: str
    tenant_name: str
    provider_id: str | None
    provider_siret: str | None
    provider_name: str | None
    invoice_id: str | None
    invoice_number: str | None
    invoice_status: str | None
    flux_number: str | None
    matched: str  # what the query matched: tenant, provider, invoice, event or e-mail


async def search(session: AsyncSession, staff_id: str, query: str) -> list[Found]:
    rows = await session.execute(
        text("SELECT * FROM pdp_staff_search(:staff, :query)"), {"staff": staff_id, "query": query}
    )
    return [Found(*row) for row in rows]
