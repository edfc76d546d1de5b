"""How pdp's client reads PISTE's own answers where the emulator cannot stand in: a real host's name, a challenge
that blames the account although a new token cures the call, a 403 carrying Chorus's answer, and the shapes
``dateExpirationMotPasseCompteTech`` may take."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from pdp.connectors.chorus_pro.auth import PisteApplication, PisteTokens, TechnicalAccount
from pdp.connectors.chorus_pro.client import ChorusProClient
from pdp.connectors.chorus_pro.errors import ChorusApiNotSubscribed, ChorusForbidden
from pdp.connectors.chorus_pro.passwords import PARIS, parse_chorus_time

ACCOUNT = TechnicalAccount("TECH_1_73282932000074@cpro.fr", "secret")
ACCOUNT_CHALLENGE = 'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
ATTACHED = b'{"codeRetour": 0, "libelle": "TRA_MSG_00.000", "listeStructureRattachement": []}'


def _client(answer: Callable[[httpx.Request, str], httpx.Response], api_url: str) -> tuple[ChorusProClient, list[str]]:
    """A client whose PISTE hands out numbered tokens; ``answer`` gets each API request and the token it bore."""
    issued: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/oauth/token":
            issued.append(f"token-{len(issued) + 1}")
            return httpx.Response(200, json={"access_token": issued[-1], "token_type": "Bearer", "expires_in": 3600})
        return answer(request, request.headers["Authorization"].removeprefix("Bearer "))

    http = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    tokens = PisteTokens(http, "https://oauth.example/api/oauth/token", PisteApplication("id", "secret"))
    return ChorusProClient(http, api_url=api_url, tokens=tokens), issued


async def test_a_401_blaming_the_account_is_still_retried_with_a_new_token() -> None:
    def answer(request: httpx.Request, token: str) -> httpx.Response:
        if token == "token-1":  # revoked early; this gateway words every refusal the same way
            return httpx.Response(401, headers={"WWW-Authenticate": ACCOUNT_CHALLENGE})
        return httpx.Response(200, content=ATTACHED)

    client, issued = _client(answer, "https://sandbox-api.piste.gouv.fr")
    assert (await client.my_structures(ACCOUNT)).code_retour == 0
    assert issued == ["token-1", "token-2"]


async def test_a_403_with_a_chorus_answer_is_a_refusal_for_the_account() -> None:
    def answer(request: httpx.Request, token: str) -> httpx.Response:
        return httpx.Response(403, json={"codeRetour": 20010, "libelle": "Droits insuffisants"})

    client, issued = _client(answer, "https://api.piste.gouv.fr")
    with pytest.raises(ChorusForbidden) as refused:
        await client.my_structures(ACCOUNT)
    assert not isinstance(refused.value, ChorusApiNotSubscribed)
    assert (refused.value.code, refused.value.chorus_code, refused.value.detail) == (
        "chorus_forbidden",
        "20010",
        "Droits insuffisants",
    )
    assert issued == ["token-1"]  # a 403 is not a token problem


@pytest.mark.parametrize(
    ("api_url", "body", "environment"),
    [
        ("https://api.piste.gouv.fr", b"", "production"),
        ("https://sandbox-api.piste.gouv.fr", b"<html><body>Forbidden</body></html>", "sandbox"),
    ],
)
async def test_a_403_without_a_chorus_answer_names_the_api_and_the_environment(
    api_url: str, body: bytes, environment: str
) -> None:
    def answer(request: httpx.Request, token: str) -> httpx.Response:
        return httpx.Response(403, content=body)

    client, _ = _client(answer, api_url)
    with pytest.raises(ChorusApiNotSubscribed) as refused:
        await client.get_structure(ACCOUNT, 26_300_001)
    detail = str(refused.value.detail)
    assert refused.value.code == "chorus_api_not_subscribed" and not refused.value.transient
    assert "the Structures API" in detail and f"for {environment}." in detail
    assert ("an empty body" in detail) == (body == b"")


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2027-03-01T00:00:00.000+01:00", datetime(2027, 3, 1, tzinfo=PARIS)),
        ("2027-03-01T10:30:00Z", datetime(2027, 3, 1, 10, 30, tzinfo=UTC)),
        ("2027-03-01 10:30", datetime(2027, 3, 1, 10, 30, tzinfo=PARIS)),
        ("2027-03-01", datetime(2027, 3, 1, tzinfo=PARIS)),
        (1_803_855_600_000, datetime(2027, 2, 28, 23, 0, tzinfo=UTC)),
        ("31/12/2027", None),
        ("", None),
        (None, None),
    ],
)
def test_password_expiry_shapes(written: str | int | None, read: datetime | None) -> None:
    assert parse_chorus_time(written) == read
