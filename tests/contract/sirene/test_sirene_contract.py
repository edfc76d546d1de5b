"""What pdp relies on in the API Recherche d'entreprises, asserted alike on pdp's stand-in and on the real API."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from pdp.connectors.sirene.client import SireneClient, Spacing
from pdp.connectors.sirene.errors import SireneRateLimited
from pdp.connectors.sirene.fake import SireneFake
from tests.contract.sirene.conftest import Target
from tests.sandbox.harness import RunningSandbox

UNKNOWN_SIRET = "00000000000000"  # well-formed, Luhn-valid, never assigned


async def _search(http: httpx.AsyncClient, throttle: Spacing, target: Target, **params: str) -> httpx.Response:
    await throttle()
    return await http.get(f"{target.base_url}/search", params=params)


async def test_a_known_siret_has_a_mailable_registered_address(sirene: SireneClient, target: Target) -> None:
    found = await sirene.registered_establishment(target.known_siret)

    assert found is not None
    assert found.siret == target.known_siret
    assert found.name and found.active and found.mailable and not found.address_withheld
    assert re.fullmatch(r"\d{5}", found.postcode) and found.city
    assert found.country_code == "FR" and found.address_lines


async def test_spaces_in_the_siret_are_ignored(sirene: SireneClient, target: Target) -> None:
    spaced = " ".join(re.findall(r"\d{1,3}", target.known_siret))
    found = await sirene.registered_establishment(spaced)
    assert found is not None and found.siret == target.known_siret


async def test_an_unknown_siret_is_none(sirene: SireneClient) -> None:
    assert await sirene.registered_establishment(UNKNOWN_SIRET) is None


async def test_a_siret_search_answers_that_establishment_alone(
    http: httpx.AsyncClient, throttle: Spacing, target: Target
) -> None:
    response = await _search(http, throttle, target, q=target.known_siret)

    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["total_results"] >= 1 and {"page", "per_page", "total_pages"} <= body.keys()
    [result] = [one for one in body["results"] if one["siren"] == target.known_siret[:9]]
    assert [one["siret"] for one in result["matching_etablissements"]] == [target.known_siret]
    assert result["siege"]["siret"].startswith(target.known_siret[:9]) and result["nom_complet"]
    establishment = result["matching_etablissements"][0]
    assert establishment["etat_administratif"] == "A"
    assert establishment["code_postal"] in establishment["adresse"]


async def test_a_siren_search_answers_the_unit_and_no_matching_establishment(
    http: httpx.AsyncClient, throttle: Spacing, target: Target
) -> None:
    response = await _search(http, throttle, target, q=target.known_siret[:9])

    assert response.status_code == 200
    [result] = [one for one in response.json()["results"] if one["siren"] == target.known_siret[:9]]
    assert result["matching_etablissements"] == []
    assert result["siege"]["siret"][:9] == target.known_siret[:9]


async def test_a_search_without_q_is_refused_with_a_reason(
    http: httpx.AsyncClient, throttle: Spacing, target: Target
) -> None:
    response = await _search(http, throttle, target)

    assert response.status_code == 400
    assert isinstance(response.json()["erreur"], str) and response.json()["erreur"]


# -- the stand-in's seed -----------------------------------------------------------------------------------------


@pytest.mark.fake_only
async def test_the_demo_supplier_is_registered_where_the_walk_through_puts_it(sirene: SireneClient) -> None:
    found = await sirene.registered_establishment("73282932000074")

    assert found is not None
    assert (found.name, found.address_lines, found.postcode, found.city) == (
        "ATELIER DUPONT SARL",
        ["12 RUE DES ARTISANS"],  # infra/examples/facture-demo.xml: 12 rue des Artisans, 69002 Lyon
        "69002",
        "LYON",
    )


@pytest.mark.fake_only
async def test_every_chorus_emulator_supplier_has_a_registered_address(
    sirene: SireneClient, sandbox: RunningSandbox
) -> None:
    for supplier in sandbox.info["suppliers"]:
        found = await sirene.registered_establishment(supplier["siret"])
        assert found is not None and found.mailable, supplier


@pytest.mark.fake_only
async def test_a_closed_establishment_is_found_but_not_mailable(sirene: SireneClient) -> None:
    found = await sirene.registered_establishment("73282932000058")

    assert found is not None and not found.active and not found.mailable
    assert found.address_lines == ["3 IMP DU FOUR"]


@pytest.mark.fake_only
async def test_a_withheld_address_is_reported_not_printed(sirene: SireneClient) -> None:
    found = await sirene.registered_establishment("81234567600017")

    assert found is not None and found.address_withheld and not found.mailable
    assert (found.name, found.address_lines, found.postcode, found.city) == ("", [], "", "AIX-LES-BAINS")


@pytest.mark.fake_only
async def test_cedex_and_special_delivery_make_the_postal_lines(sirene: SireneClient) -> None:
    found = await sirene.registered_establishment("51234567900017")

    assert found is not None
    assert (found.address_lines, found.postcode, found.city) == (
        ["14 AV DE LA REPUBLIQUE", "BP 120"],
        "33001",
        "BORDEAUX CEDEX",
    )


@pytest.mark.fake_only
async def test_the_stand_in_limits_each_address_to_seven_requests_a_second() -> None:
    fake = SireneFake()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=fake), base_url="http://sirene") as http:
        statuses = [(await http.get("/search", params={"q": "73282932000074"})).status_code for _ in range(8)]
        assert statuses == [200] * 7 + [429]
        unthrottled = SireneClient(http, base_url="http://sirene", throttle=_no_throttle)
        with pytest.raises(SireneRateLimited) as limited:
            await unthrottled.registered_establishment("73282932000074")
    assert limited.value.retry_after == 1.0 and limited.value.transient


async def _no_throttle() -> None:
    return None
