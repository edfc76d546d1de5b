"""One-shot operator tasks behind CLI commands."""

from __future__ import annotations

from pdp.platform import ids
from pdp.platform.audit import VerifyResult, tenants_with_events, verify
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts


async def create_tenant(settings: Settings, name: str, mode: str) -> tuple[str, str]:
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant_id=ids.new_id("tenant")) as session:
            tenant, issued = await accounts.create_tenant(session, name, key_mode=mode)
        return tenant.id, issued.secret
    finally:
        await engine.dispose()


async def verify_audit(settings: Settings, tenant_id: str | None) -> list[tuple[str, VerifyResult]]:
    # Listing tenants crosses tenants: it needs the owner connection, the app role would see none.
    owner = create_engine(settings.owner_url, pool_size=1)
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        if tenant_id:
            tenants = [tenant_id]
        else:
            async with create_sessionmaker(owner)() as session:
                tenants = await tenants_with_events(session)
        results = []
        for tid in tenants:
            async with unit_of_work(create_sessionmaker(engine), tenant_id=tid) as session:
                results.append((tid, await verify(session)))
        return results
    finally:
        await owner.dispose()
        await engine.dispose()
