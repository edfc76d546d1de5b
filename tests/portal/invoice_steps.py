"""Steps of the invoice pages' tests: a signed-in person of a provider, an active mandate without the invitation
journey (another slice tests it), a directory entry, invoices deposited through the API or seeded in SQL."""

from __future__ import annotations

import itertools
import re
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import ids
from pdp.platform.callers import PortalRole
from pdp.tenants.deposits.models import InvoiceRecord
from tests.conftest import TenantFixture
from tests.journeys import seller_provider
from tests.portal.accounts import BROWSER, PortalPerson, csrf_of, portal_user, sign_in
from tests.portal.invoices import invoice_row, pending_mandate

# Ids a millisecond apart, in the order the rows are made: ULIDs of one millisecond sort at random.
_MILLISECONDS = itertools.count(int(time.time() * 1000))


def row(provider_id: str, mandate_id: str, status: str, amount: str, **fields: Any) -> InvoiceRecord:
    """An invoice row to seed (tests.portal.invoices.invoice_row), with any column set; rows made later list first."""
    record = invoice_row(provider_id, mandate_id, status, amount, fields.pop("expected_payment_date", None))
    record.id = f"inv_{ids.ulid(next(_MILLISECONDS))}"
    for name, value in fields.items():
        setattr(record, name, value)
    return record


async def signed_in(
    client: Any, sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, roles: dict[str, PortalRole]
) -> PortalPerson:
    """A depositor or viewer (no second factor owed), signed in on ``client``."""
    person = await portal_user(sessionmaker, tenant_id, roles)
    answer = await sign_in(client, person)
    assert answer.status_code in (200, 303) and "/connexion" not in str(answer.url), answer.text
    return person


async def seller_with_mandate(
    client: Any, tenant: TenantFixture, owner_engine: AsyncEngine
) -> tuple[dict[str, Any], str]:
    """The seller of the test invoices (tests.journeys.seller_provider) and the id of its mandate, made active in SQL
    (its acceptance is the invitation slice's to test)."""
    provider = await seller_provider(client, tenant)
    mandate_id = await pending_mandate(client, tenant, provider["id"])
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE mandates SET status = 'active', accepted_at = now(), accepted_by = 'Jeanne Dupont' "
                "WHERE id = :id"
            ),
            {"id": mandate_id},
        )
    return provider, mandate_id


async def directory_entry(owner_engine: AsyncEngine, siret: str, name: str, **flags: bool) -> None:
    """What Chorus Pro's directory says of ``siret``, in pdp's cache (fresh: no lookup goes to Chorus)."""
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO chorus_recipients (siret, known, name, active, service_code_required, "
                "engagement_required, engagement_or_service_required, payment_status_hidden, address_line, "
                "postal_code, city, country_code, fetched_at) VALUES (:siret, true, :name, true, :service, "
                ":engagement, false, false, '139 rue de Bercy', '75012', 'Paris', 'FR', :now) "
                "ON CONFLICT (siret) DO UPDATE SET name = excluded.name, fetched_at = excluded.fetched_at, "
                "service_code_required = excluded.service_code_required"
            ),
            {
                "siret": siret,
                "name": name,
                "service": flags.get("service_code_required", False),
                "engagement": flags.get("engagement_required", False),
                "now": datetime.now(UTC),
            },
        )


async def form_post(client: Any, page_url: str, action: str, **fields: Any) -> Any:
    """Open ``page_url`` (its CSRF field), then post ``fields`` (urlencoded; a list repeats a field) to ``action``."""
    page = await client.get(page_url, headers=BROWSER)
    assert page.status_code == 200, page.text
    return await client.post(action, data={"_csrf_token": csrf_of(page), **fields}, headers=BROWSER)


async def upload_post(client: Any, page_url: str, action: str, files: list[tuple[str, Any]], **fields: str) -> Any:
    """Open ``page_url`` (its CSRF field), then post ``files`` and ``fields`` as multipart to ``action``."""
    page = await client.get(page_url, headers=BROWSER)
    assert page.status_code == 200, page.text
    return await client.post(action, data={"_csrf_token": csrf_of(page), **fields}, files=files, headers=BROWSER)


def hidden(page: Any, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page.text)
    assert found, f"no field {name} on the page"
    return found.group(1)


def listed_invoices(page: Any) -> list[str]:
    return re.findall(r'<tr data-invoice="(inv_\w+)"', page.text)
