"""A provider and its mandate accepted through a real ``pdp serve`` process, as a browser on loopback would."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.journeys import BROWSER, portal_path


async def pending_mandate(http: httpx.AsyncClient, tenant: TenantFixture) -> dict[str, Any]:
    provider = await http.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert provider.status_code == 201, provider.text
    mandate = await http.post(
        f"/v1/providers/{provider.json()['id']}/mandates", json={"valid_from": "2026-01-01"}, headers=tenant.headers
    )
    assert mandate.status_code == 201, mandate.text
    return dict(mandate.json())


async def accept(http: httpx.AsyncClient, acceptance_url: str, headers: dict[str, str] | None = None) -> None:
    page_path = portal_path(acceptance_url)
    sent = {"user-agent": BROWSER, **(headers or {})}
    page = await http.get(page_path, headers=sent)
    assert page.status_code == 200, page.text
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found
    form = {"_csrf_token": found.group(1), "full_name": "Jeanne Dupont", "consent": "yes"}
    accepted = await http.post(page_path, data=form, headers=sent)
    assert accepted.status_code == 200, accepted.text
