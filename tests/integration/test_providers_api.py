"""``/v1/providers``: creation with SIRET checks, conflicts, updates, lists, and clear errors."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import TenantFixture
from tests.factories import provider_payload, siret


async def _create(client: Any, tenant: TenantFixture, **overrides: object) -> dict[str, Any]:
    response = await client.post("/v1/providers", json=provider_payload(**overrides), headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_derives_siren_and_vat_number(client: Any, tenant: TenantFixture) -> None:
    created = await _create(
        client,
        tenant,
        siret="732 829 320 00074",
        name=" Acme ",
        email="Compta@Acme.FR",
        iban="fr76 3000 6000 0112 3456 7890 189",
        address={"city": "Lyon", "postal_code": "69001"},
    )
    assert created["id"].startswith("prv_")
    assert (created["siret"], created["siren"], created["vat_number"]) == (
        "73282932000074",
        "732829320",
        "FR44732829320",
    )
    assert created["name"] == "Acme"
    assert created["email"] == "compta@acme.fr"
    assert created["iban"] == "FR7630006000011234567890189"
    assert created["address"]["city"] == "Lyon"
    assert created["status"] == "active"
    fetched = await client.get(f"/v1/providers/{created['id']}", headers=tenant.headers)
    assert fetched.json() == created


async def test_same_siret_twice_in_a_tenant_is_409(
    client: Any, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    first = await _create(client, tenant, siret="73282932000074")
    again = await client.post("/v1/providers", json=provider_payload(siret="73282932000074"), headers=tenant.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "provider_exists"
    assert again.json()["existing_id"] == first["id"]
    # Another tenant may serve the same supplier: uniqueness is per tenant.
    await _create(client, other_tenant, siret="73282932000074")


async def test_bad_siret_is_422_with_the_rule(client: Any, tenant: TenantFixture) -> None:
    for bad in ("73282932000075", "1234", "7328293200007A", ""):
        response = await client.post("/v1/providers", json=provider_payload(siret=bad), headers=tenant.headers)
        assert response.status_code == 422, bad
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["code"] == "validation_failed"
        assert body["errors"][0]["rule"] == "PDP-SIRET-INVALID"
        assert body["errors"][0]["path"] == "$.siret"


async def test_request_shape_errors_have_stable_codes(client: Any, tenant: TenantFixture) -> None:
    unknown = await client.post("/v1/providers", json=provider_payload(colour="blue"), headers=tenant.headers)
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {
            "rule": "PDP-FIELD-UNKNOWN",
            "severity": "error",
            "message": "Object contains unknown field `colour`",
            "path": "$.colour",
        }
    ]

    missing = await client.post("/v1/providers", json={"siret": siret(), "name": "x"}, headers=tenant.headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["rule"] == "PDP-FIELD-MISSING"
    assert missing.json()["errors"][0]["path"] == "$.email"

    wrong_type = await client.post("/v1/providers", json=provider_payload(name=12), headers=tenant.headers)
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"][0]["rule"] == "PDP-FIELD-INVALID"

    malformed = await client.post(
        "/v1/providers", content=b'{"siret": ', headers={**tenant.headers, "content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "malformed_json"

    bad_email = await client.post("/v1/providers", json=provider_payload(email="nope"), headers=tenant.headers)
    assert bad_email.status_code == 422
    assert bad_email.json()["errors"][0]["rule"] == "PDP-EMAIL-INVALID"

    bad_iban = await client.post("/v1/providers", json=provider_payload(iban="FR76 0000"), headers=tenant.headers)
    assert bad_iban.status_code == 422
    assert bad_iban.json()["errors"][0]["rule"] == "PDP-IBAN-INVALID"

    bad_limit = await client.get("/v1/providers?limit=1000", headers=tenant.headers)
    assert bad_limit.status_code == 422
    assert bad_limit.json()["errors"][0]["path"] == "query.limit"

    no_route = await client.get("/v1/nothing-here", headers=tenant.headers)
    assert no_route.status_code == 404
    assert no_route.json()["code"] == "not_found"


async def test_patch_changes_only_what_is_sent(client: Any, tenant: TenantFixture) -> None:
    created = await _create(client, tenant, external_id="seller-42")
    response = await client.patch(
        f"/v1/providers/{created['id']}", json={"name": "New name", "status": "inactive"}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["status"], updated["external_id"]) == ("New name", "inactive", "seller-42")
    assert updated["email"] == created["email"]
    assert updated["updated_at"] > created["updated_at"]

    cleared = await client.patch(f"/v1/providers/{created['id']}", json={"external_id": None}, headers=tenant.headers)
    assert cleared.json()["external_id"] is None

    siret_change = await client.patch(f"/v1/providers/{created['id']}", json={"siret": siret()}, headers=tenant.headers)
    assert siret_change.status_code == 422
    assert siret_change.json()["errors"][0]["rule"] == "PDP-FIELD-UNKNOWN"

    bad_status = await client.patch(f"/v1/providers/{created['id']}", json={"status": "gone"}, headers=tenant.headers)
    assert bad_status.status_code == 422


async def test_external_id_is_unique_per_tenant(client: Any, tenant: TenantFixture) -> None:
    first = await _create(client, tenant, external_id="ext-1")
    clash = await client.post("/v1/providers", json=provider_payload(external_id="ext-1"), headers=tenant.headers)
    assert clash.status_code == 409
    assert clash.json()["code"] == "provider_external_id_exists"
    second = await _create(client, tenant)
    patch = await client.patch(f"/v1/providers/{second['id']}", json={"external_id": "ext-1"}, headers=tenant.headers)
    assert patch.status_code == 409
    assert patch.json()["existing_id"] == first["id"]


async def test_cursor_pagination_walks_every_provider_once(client: Any, tenant: TenantFixture) -> None:
    created = [(await _create(client, tenant))["id"] for _ in range(5)]
    seen: list[str] = []
    cursor = ""
    while True:
        query = "?limit=2" + (f"&starting_after={cursor}" if cursor else "")
        page = (await client.get(f"/v1/providers{query}", headers=tenant.headers)).json()
        assert page["object"] == "list"
        assert len(page["data"]) <= 2
        seen += [p["id"] for p in page["data"]]
        if not page["has_more"]:
            break
        cursor = page["data"][-1]["id"]
    assert seen == list(reversed(created))  # newest first, no gaps, no repeats


async def test_list_filters(client: Any, tenant: TenantFixture) -> None:
    kept = await _create(client, tenant, external_id="filter-me")
    await _create(client, tenant)
    by_external = (await client.get("/v1/providers?external_id=filter-me", headers=tenant.headers)).json()
    assert [p["id"] for p in by_external["data"]] == [kept["id"]]
    by_siret = (await client.get(f"/v1/providers?siret={kept['siret']}", headers=tenant.headers)).json()
    assert [p["id"] for p in by_siret["data"]] == [kept["id"]]
    await client.patch(f"/v1/providers/{kept['id']}", json={"status": "inactive"}, headers=tenant.headers)
    inactive = (await client.get("/v1/providers?status=inactive", headers=tenant.headers)).json()
    assert [p["id"] for p in inactive["data"]] == [kept["id"]]


async def test_control_characters_and_malformed_ids_are_refused_cleanly(client: Any, tenant: TenantFixture) -> None:
    nul = await client.post("/v1/providers", json=provider_payload(name="Acme\u0000"), headers=tenant.headers)
    assert nul.status_code == 422
    assert nul.json()["errors"][0]["path"] == "$.name"
    key = await client.post("/v1/api-keys", json={"name": "\u0000"}, headers=tenant.headers)
    assert key.status_code == 422
    for bad_id in ("prv_%00", "x", "prv_" + "I" * 26, "PRV_01M8DY36RNVA2V8CPZ4FHTQPZ8"):
        response = await client.get(f"/v1/providers/{bad_id}", headers=tenant.headers)
        assert response.status_code == 404, bad_id
    bad_cursor = await client.get("/v1/providers?starting_after=%00", headers=tenant.headers)
    assert bad_cursor.status_code == 422
    bad_filter = await client.get("/v1/providers?external_id=%00", headers=tenant.headers)
    assert bad_filter.status_code == 422


async def test_concurrent_creations_of_one_siret_give_one_201_and_409s(client: Any, tenant: TenantFixture) -> None:
    payload = provider_payload()
    responses = await asyncio.gather(
        *(client.post("/v1/providers", json=payload, headers=tenant.headers) for _ in range(8))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 7
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"provider_exists"}


async def test_a_blank_name_is_refused(client: Any, tenant: TenantFixture) -> None:
    response = await client.post("/v1/providers", json=provider_payload(name="   "), headers=tenant.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["rule"] == "PDP-NAME-BLANK"
