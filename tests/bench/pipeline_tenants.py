"""Many tenants for ``bench_pipeline.py``: one real tenant built through the API, cloned in SQL thousands of times.

The template tenant gets its providers and mandates the way a platform would (``POST /v1/providers``, mandates
accepted on their page); every clone copies its tenant-owned rows under a new ``tenant_id`` (primary keys are
``(tenant_id, id)``, so row ids may repeat across tenants) with an API key of its own. Only a superuser writes
them: row-level security keeps ``pdp_app`` out of the way, as it should.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
from stdnum.fr import siren
from tests.conftest import TenantFixture
from tests.factories import provider_payload, siret
from tests.invoices.validation.test_engine import SELLER, structured
from tests.journeys import active_mandate

from pdp.einvoice.formats.json_input import JsonSeller, to_invoice
from pdp.platform import ids
from pdp.platform.db import admin
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.security import apikeys
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts

# Rows that are history or plumbing, not the tenant's set-up: not cloned.
NOT_CLONED = ("api_keys", "outbox", "idempotency_keys", "audit_events", "events", "webhook_deliveries")


@dataclass(frozen=True)
class Seller:
    provider_id: str
    identity: JsonSeller


@dataclass
class Population:
    template: TenantFixture
    sellers: list[Seller]
    keys: list[str]  # one API key per tenant, the template's first

    def pick(self, rng: random.Random) -> tuple[str, Seller]:
        """A tenant's key and a provider, at random (the invoices of the ones Chorus does not know get rejected
        there, which intake does not see)."""
        return rng.choice(self.keys), rng.choice(self.sellers)


def new_seller() -> JsonSeller:
    number = siret()
    return JsonSeller(name=f"Fournisseur {number}", siret=number, vat_number="FR" + siren.to_tva(number[:9]))


async def template_tenant(settings: Settings, api_url: str, providers: int) -> tuple[TenantFixture, list[Seller]]:
    engine = create_engine(settings.database_url, pool_size=1)
    sessionmaker = create_sessionmaker(engine)
    async with unit_of_work(sessionmaker, tenant_id=ids.new_id("tenant")) as session:
        tenant, issued = await accounts.create_tenant(session, "Bench platform")
    fixture = TenantFixture(tenant.id, issued.secret, issued.key.id)
    sellers = []
    async with httpx.AsyncClient(base_url=api_url, timeout=60) as client:
        for n in range(providers):
            # The first is the emulator's seeded supplier: Chorus accepts only the invoices of a supplier it knows.
            identity = SELLER if n == 0 else new_seller()
            payload = provider_payload(siret=identity.siret, name=identity.name)
            created = await client.post("/v1/providers", json=payload, headers=fixture.headers)
            assert created.status_code == 201, created.text
            # Accepted as its signatory does it: the invitation, a ProConnect proof (the world's stand-in), the form.
            await active_mandate(client, fixture, created.json()["id"], sessionmaker=sessionmaker, settings=settings)
            sellers.append(Seller(created.json()["id"], identity))
    await engine.dispose()
    return fixture, sellers


async def clone(admin_url: str, template: TenantFixture, count: int) -> list[str]:
    """``count`` more tenants like ``template``; returns their API keys."""
    conn = await asyncpg.connect(admin.plain_url(admin_url))
    try:
        tenant_ids = [ids.new_id("tenant") for _ in range(count)]
        keys = [apikeys.generate("test") for _ in range(count)]
        await conn.execute(
            "INSERT INTO tenants (id, name, status, created_at) "
            "SELECT t, 'Bench clone', status, created_at FROM tenants, unnest($1::text[]) AS t WHERE id = $2",
            tenant_ids,
            template.id,
        )
        await conn.execute(
            "INSERT INTO api_keys (tenant_id, id, created_at, name, mode, scopes, key_sha256, last4) "
            "SELECT t.tenant_id, k.id, k.created_at, k.name, k.mode, k.scopes, t.digest, t.last4 FROM api_keys k, "
            "unnest($1::text[], $2::text[], $3::text[]) AS t(tenant_id, digest, last4) WHERE k.tenant_id = $4",
            tenant_ids,
            [apikeys.digest(key) for key in keys],
            [apikeys.hint(key) for key in keys],
            template.id,
        )
        for table in await _tenant_tables(conn):
            columns = await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
                table,
            )
            names = [row["column_name"] for row in columns]
            chosen = ", ".join("t" if name == "tenant_id" else f"s.{name}" for name in names)
            await conn.execute(
                f'INSERT INTO "{table}" ({", ".join(names)}) '
                f'SELECT {chosen} FROM "{table}" s, unnest($1::text[]) AS t WHERE s.tenant_id = $2',
                tenant_ids,
                template.id,
            )
        await conn.execute("ANALYZE")
        return keys
    finally:
        await conn.close()


async def _tenant_tables(conn: Any) -> list[str]:
    rows = await conn.fetch(
        "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t "
        "USING (table_schema, table_name) WHERE c.column_name = 'tenant_id' AND c.table_schema = 'public' "
        "AND t.table_type = 'BASE TABLE' ORDER BY c.table_name"
    )
    # Parents before children, for the foreign keys: providers and documents before mandates.
    order = {"providers": 0, "documents": 1}
    tables = [row["table_name"] for row in rows if row["table_name"] not in NOT_CLONED]
    return sorted(tables, key=lambda name: (order.get(name, 2), name))


def population(admin_url: str, settings: Settings, api_url: str, *, tenants: int, providers: int) -> Population:
    template, sellers = asyncio.run(template_tenant(settings, api_url, providers))
    keys = asyncio.run(clone(admin_url, template, tenants - 1)) if tenants > 1 else []
    return Population(template, sellers, [template.api_key, *keys])


def invoice_for(seller: Seller, number: str, recipient: dict[str, Any]) -> Any:
    return to_invoice(structured(number=number, recipient=recipient), seller=seller.identity)
