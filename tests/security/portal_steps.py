"""A provider and its mandate accepted through a real ``pdp serve`` process, as a browser on loopback would: the
invitation link pdp e-mails, a ProConnect proof through the stand-in, the signed acceptance."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.settings import Settings
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.journeys import accept_invitation, invitation_path


async def pending_mandate(http: httpx.AsyncClient, tenant: TenantFixture) -> dict[str, Any]:
    provider = await http.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert provider.status_code == 201, provider.text
    mandate = await http.post(
        f"/v1/providers/{provider.json()['id']}/mandates", json={"valid_from": "2026-01-01"}, headers=tenant.headers
    )
    assert mandate.status_code == 201, mandate.text
    return dict(mandate.json())


async def pending_invitation(
    http: httpx.AsyncClient,
    tenant: TenantFixture,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    **provider: Any,
) -> tuple[dict[str, Any], str]:
    """A pending mandate of a new provider, and the path of its invitation link (as pdp's e-mail carries it)."""
    created = await http.post("/v1/providers", json=provider_payload(**provider), headers=tenant.headers)
    assert created.status_code == 201, created.text
    mandate = await http.post(
        f"/v1/providers/{created.json()['id']}/mandates", json={"valid_from": "2026-01-01"}, headers=tenant.headers
    )
    assert mandate.status_code == 201, mandate.text
    path = await invitation_path(http, tenant.id, mandate.json()["id"], sessionmaker=sessionmaker, settings=settings)
    return dict(mandate.json()), path


async def accept(
    http: httpx.AsyncClient,
    tenant: TenantFixture,
    mandate_id: str,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    headers: dict[str, str] | None = None,
) -> None:
    accepted = await accept_invitation(
        http, tenant, mandate_id, sessionmaker=sessionmaker, settings=settings, headers=headers
    )
    assert accepted.status_code == 303, accepted.text
