"""A provider and its mandate accepted through a real ``pdp serve`` process, as a browser on loopback would: the
invitation link pdp e-mails, a ProConnect proof through the stand-in, the signed acceptance."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.settings import Settings
from tests.conftest import TenantFixture
from tests.journeys import accept_invitation, new_mandate, new_provider


async def pending_mandate(http: httpx.AsyncClient, tenant: TenantFixture) -> dict[str, Any]:
    """A pending mandate of a new provider."""
    return await new_mandate(http, tenant, (await new_provider(http, tenant))["id"])


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
