"""The SIRENE client's failures: each becomes an error that says whether asking again later can help."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from pdp.connectors.sirene.client import USER_AGENT, SireneClient, Spacing, normalize_siret, sirene_client
from pdp.connectors.sirene.errors import SireneError, SireneRateLimited, SireneTimeout, SireneUnavailable
from pdp.connectors.sirene.schemas import Establishment
from pdp.platform.settings import load_settings

SIRET = "73282932000074"
EMPTY = b'{"results": [], "total_results": 0, "page": 1, "per_page": 10, "total_pages": 0}'


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _unthrottled() -> None:
    return None


def _client(
    handler: Callable[[httpx.Request], httpx.Response], requests: list[httpx.Request], clock: FakeClock | None = None
) -> SireneClient:
    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return handler(request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(record))
    return SireneClient(http, base_url="https://sirene.test/", throttle=_unthrottled, clock=clock or FakeClock())


async def test_the_question_is_the_bare_siret_with_a_user_agent() -> None:
    requests: list[httpx.Request] = []
    client = _client(lambda _: httpx.Response(200, content=EMPTY), requests)

    assert await client.registered_establishment("732 829 320 00074") is None
    [request] = requests
    assert str(request.url) == f"https://sirene.test/search?q={SIRET}"
    assert request.headers["User-Agent"] == USER_AGENT


@pytest.mark.parametrize("siret", ["7328293200007", "ATELIER DUPONT", "7328293200007A", ""])
async def test_anything_but_14_digits_is_refused_unasked(siret: str) -> None:
    requests: list[httpx.Request] = []
    client = _client(lambda _: httpx.Response(200, content=EMPTY), requests)
    with pytest.raises(ValueError, match="14 digits"):
        await client.registered_establishment(siret)
    assert requests == []


def test_la_postes_sirets_are_well_formed_though_not_luhn_valid() -> None:
    assert normalize_siret("356 000 000 00048") == "35600000000048"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_a_server_error_is_transient(status: int) -> None:
    client = _client(lambda _: httpx.Response(status, headers={"Retry-After": "30"}), [])
    with pytest.raises(SireneUnavailable) as failed:
        await client.registered_establishment(SIRET)
    assert failed.value.transient and failed.value.http_status == status and failed.value.retry_after == 30


async def test_a_timeout_is_transient() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    with pytest.raises(SireneTimeout) as failed:
        await _client(slow, []).registered_establishment(SIRET)
    assert failed.value.transient and failed.value.code == "sirene_timeout"


async def test_an_unreachable_api_is_transient() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(SireneUnavailable) as failed:
        await _client(down, []).registered_establishment(SIRET)
    assert failed.value.transient


async def test_a_refused_question_is_not_transient_and_says_why() -> None:
    refusal = httpx.Response(400, json={"erreur": "Veuillez indiquer au moins un paramètre de recherche."})
    with pytest.raises(SireneError) as failed:
        await _client(lambda _: refusal, []).registered_establishment(SIRET)
    assert not failed.value.transient and "au moins un paramètre" in str(failed.value.detail)


async def test_a_page_that_is_not_json_is_transient_and_another_shape_is_not() -> None:
    html = _client(lambda _: httpx.Response(200, text="<html>maintenance</html>"), [])
    with pytest.raises(SireneUnavailable):
        await html.registered_establishment(SIRET)
    reshaped = _client(lambda _: httpx.Response(200, json={"results": [{"siege": "nowhere"}]}), [])
    with pytest.raises(SireneError) as failed:
        await reshaped.registered_establishment(SIRET)
    assert not failed.value.transient


async def test_after_a_429_nothing_is_asked_until_retry_after_has_passed() -> None:
    clock = FakeClock()
    answers = [httpx.Response(429, headers={"Retry-After": "5"}), httpx.Response(200, content=EMPTY)]
    requests: list[httpx.Request] = []
    client = _client(lambda _: answers.pop(0), requests, clock)

    with pytest.raises(SireneRateLimited) as limited:
        await client.registered_establishment(SIRET)
    assert limited.value.retry_after == 5 and limited.value.http_status == 429

    clock.now += 1  # 4 s left: longer than the client waits, so it refuses without asking
    with pytest.raises(SireneRateLimited) as held:
        await client.registered_establishment(SIRET)
    assert held.value.retry_after == pytest.approx(4) and held.value.http_status is None
    assert len(requests) == 1

    clock.now += 3.8  # 0.2 s left: waited out, then asked
    assert await client.registered_establishment(SIRET) is None
    assert len(requests) == 2


async def test_spacing_keeps_requests_apart() -> None:
    throttle = Spacing(per_second=20)
    started = time.monotonic()
    for _ in range(4):
        await throttle()
    assert time.monotonic() - started >= 3 / 20 * 0.95


def test_the_default_rate_stays_under_the_apis_seven_per_second() -> None:
    from pdp.connectors.sirene import client

    assert client.RATE_PER_SECOND < 7


def test_the_client_asks_the_configured_api() -> None:
    settings = load_settings({"PDP_SIRENE_API_URL": "http://127.0.0.1:8090/sirene"})
    client = sirene_client(settings, httpx.AsyncClient())
    assert client._url == "http://127.0.0.1:8090/sirene/search"
    assert load_settings({}).sirene_api_url == "https://recherche-entreprises.api.gouv.fr"


@pytest.mark.parametrize(
    ("changes", "mailable"),
    [
        ({}, True),
        ({"active": False}, False),
        ({"address_withheld": True, "address_lines": [], "postcode": ""}, False),
        ({"country_code": ""}, False),
        ({"address_lines": []}, False),
    ],
)
def test_mailable_needs_an_active_published_french_address(changes: dict[str, object], mailable: bool) -> None:
    fields: dict[str, object] = {
        "siret": SIRET,
        "name": "ATELIER DUPONT SARL",
        "active": True,
        "address_lines": ["12 RUE DES ARTISANS"],
        "postcode": "69002",
        "city": "LYON",
    }
    assert Establishment(**(fields | changes)).mailable is mailable  # type: ignore[arg-type]
