"""``GET /v1/providers/{id}/mandates``: the provider's mandates, newest first, paginated, tenant-scoped."""

from __future__ import annotations

from typing import Any

from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.journeys import deposit_cii, seller_provider


async def _provider(client: Any, tenant: TenantFixture) -> str:
    response = await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _mandate(client: Any, tenant: TenantFixture, provider_id: str) -> str:
    body = {"valid_from": "2026-01-01"}
    response = await client.post(f"/v1/providers/{provider_id}/mandates", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_a_providers_mandates_are_listed_page_by_page(client: Any, tenant: TenantFixture) -> None:
    provider_id = await _provider(client, tenant)
    other_provider_id = await _provider(client, tenant)
    made = [await _mandate(client, tenant, provider_id) for _ in range(3)]
    await _mandate(client, tenant, other_provider_id)
    url = f"/v1/providers/{provider_id}/mandates"

    first = await client.get(f"{url}?limit=2", headers=tenant.headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["object"], body["has_more"]) == ("list", True)
    assert [m["id"] for m in body["data"]] == made[::-1][:2]
    # No link to accept is ever handed to the tenant: pdp e-mails the provider's contact itself.
    assert [sorted(m).count("acceptance_url") for m in body["data"]] == [0, 0]
    second = await client.get(f"{url}?limit=2&starting_after={made[1]}", headers=tenant.headers)
    assert ([m["id"] for m in second.json()["data"]], second.json()["has_more"]) == ([made[0]], False)

    await client.post(f"/v1/mandates/{made[2]}/revoke", headers=tenant.headers)
    revoked = await client.get(f"{url}?status=revoked", headers=tenant.headers)
    assert [m["id"] for m in revoked.json()["data"]] == [made[2]]


async def test_another_tenants_provider_is_404(client: Any, tenant: TenantFixture, other_tenant: TenantFixture) -> None:
    provider_id = await _provider(client, tenant)
    await _mandate(client, tenant, provider_id)
    foreign = await client.get(f"/v1/providers/{provider_id}/mandates", headers=other_tenant.headers)
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
    unknown = await client.get("/v1/providers/prv_01JABCDEFGHJKMNPQRSTVWXYZ0/mandates", headers=tenant.headers)
    assert unknown.status_code == 404
    bad_limit = await client.get(f"/v1/providers/{provider_id}/mandates?limit=0", headers=tenant.headers)
    assert bad_limit.status_code == 422


async def test_a_refused_deposit_says_which_kind_of_invoice_no_mandate_covers(
    client: Any, tenant: TenantFixture
) -> None:
    provider = await seller_provider(client, tenant)
    refused = await deposit_cii(client, tenant, provider["id"])
    assert (refused.status_code, refused.json()["code"]) == (403, "mandate_required")
    assert "covers an invoice to " in refused.json()["detail"]
