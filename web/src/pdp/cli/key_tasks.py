"""``pdp keys rotate``: every stored secret re-wrapped under the newest master key, tenant by tenant."""

from __future__ import annotations

from typing import Any

from pdp.platform.audit import Actor
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.envelopes.repository import tenants_with_sealed
from pdp.tenants.envelopes.rotation import SEALED, RotationReport, rotate_tenant

OPERATOR = Actor("staff", "cli")


async def rotate_keys(settings: Settings, tenant_id: str | None = None) -> dict[str, Any]:
    """Re-wrap (every tenant's secrets, or ``tenant_id``'s), then the counts: JSON-ready. Each tenant in its own
    transaction, as the app role under RLS."""
    if not settings.master_keys:
        raise ValueError("PDP_MASTER_KEYS is empty: there is no key to rotate to")
    envelope = Envelope(settings.master_keys)
    # Finding the tenants that hold secrets crosses tenants: the owner connection; the work itself does not.
    owner = create_engine(settings.owner_url, pool_size=1)
    engine = create_engine(settings.database_url, pool_size=1)
    total, tenants = RotationReport(), 0
    try:
        async with create_sessionmaker(owner)() as session:
            tenant_ids = await tenants_with_sealed(session, tuple(SEALED))
        sessionmaker = create_sessionmaker(engine)
        for one in tenant_ids if tenant_id is None else [t for t in tenant_ids if t == tenant_id]:
            async with unit_of_work(sessionmaker, tenant_id=one) as session:
                total.add(await rotate_tenant(session, envelope, OPERATOR))
            tenants += 1
    finally:
        await owner.dispose()
        await engine.dispose()
    return {
        "key_id": envelope.primary,
        "tenants": tenants,
        "rewrapped": total.rewrapped,
        "current": total.current,
        "changed_meanwhile": total.changed,
        "unreadable": total.unreadable,
    }
