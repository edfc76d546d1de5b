"""Operator tasks on tenants behind ``pdp tenant list|show|revoke-key``: answers are JSON-ready dicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pdp.cli.admin_tasks import unit_of_work_in_tenant_of
from pdp.platform.audit import Actor
from pdp.platform.db.session import create_engine, create_sessionmaker
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.accounts.branding import set_brand as set_tenant_brand
from pdp.tenants.accounts.models import ApiKey
from pdp.tenants.accounts.repository import every_tenant, existing_tenant, tenant_of_api_key

# Whoever runs the command line on the platform's machines: an operator, recorded as such in the tenant's audit log.
OPERATOR = Actor("staff", "cli")


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def _key(key: ApiKey, last_action_at: datetime | None = None) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "hint": f"pdp_{key.mode}_…{key.last4}",  # the secret is never stored: its prefix and last 4 characters
        "mode": key.mode,
        "scopes": list(key.scopes),
        "created_at": _when(key.created_at),
        "last_action_at": _when(last_action_at),
        "revoked_at": _when(key.revoked_at),
    }


async def list_tenants(settings: Settings) -> list[dict[str, Any]]:
    """Every tenant (the owner connection: listing crosses tenants). Not audited: tenants' names and counts only,
    and the audit log has no platform-wide chain to record it in."""
    owner = create_engine(settings.owner_url, pool_size=1)
    try:
        async with create_sessionmaker(owner)() as session:
            tenants = await every_tenant(session)
    finally:
        await owner.dispose()
    return [
        {
            "tenant_id": t.id,
            "name": t.name,
            "status": t.status,
            "created_at": _when(t.created_at),
            "active_api_keys": t.active_keys,
        }
        for t in tenants
    ]


async def show_tenant(settings: Settings, tenant_id: str) -> dict[str, Any]:
    """A tenant and every API key it has had; audited as ``tenant.inspected``."""
    locate = unit_of_work_in_tenant_of(
        settings, lambda owner: existing_tenant(owner, tenant_id), f"No tenant {tenant_id}."
    )
    async with locate as session:
        tenant, keys = await accounts.inspect_tenant(session, OPERATOR)
    return {
        "tenant_id": tenant.id,
        "name": tenant.name,
        "status": tenant.status,
        "created_at": _when(tenant.created_at),
        "api_keys": [_key(use.key, use.last_action_at) for use in keys],
    }


async def revoke_key(settings: Settings, key_id: str) -> dict[str, Any]:
    """Revoke any tenant's API key (a leaked one, say); audited as ``api_key.revoked`` by the operator."""
    locate = unit_of_work_in_tenant_of(
        settings, lambda owner: tenant_of_api_key(owner, key_id), f"No API key {key_id}."
    )
    async with locate as session:
        key = await accounts.revoke_api_key(session, key_id, OPERATOR)
        return {"tenant_id": key.tenant_id, "api_key": _key(key)}


async def set_brand(settings: Settings, tenant_id: str, *, colour: str | None, logo: bytes | None) -> dict[str, Any]:
    """A tenant's portal colour and/or logo (checked: #rrggbb; PNG or JPEG by its bytes, at most 200 KB);
    audited as ``tenant.brand_set`` by the operator."""
    locate = unit_of_work_in_tenant_of(
        settings, lambda owner: existing_tenant(owner, tenant_id), f"No tenant {tenant_id}."
    )
    async with locate as session:
        brand = await set_tenant_brand(session, OPERATOR, colour=colour, logo=logo)
    return {
        "tenant_id": brand.tenant_id,
        "colour": brand.colour,
        "text_colour": brand.text_colour,
        "logo_url": brand.logo_url,
    }
