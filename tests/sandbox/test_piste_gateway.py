"""The PISTE gateway's own answers, through pdp's client over real sockets: any 401 costs one token refresh and a
second 401 decides; a 403 without a Chorus answer means the application is not subscribed to the API; a technical
account's password expires on the virtual clock, and Chorus answers as for a wrong password afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from pdp.connectors.chorus_pro.errors import ChorusApiNotSubscribed, ChorusAuthError
from pdp.connectors.chorus_pro.passwords import read_password_expiry
from tests.sandbox import harness as h

ALL_BUT_STRUCTURES = ["factures", "utilisateurs", "transverses", "engagementsJuridiques"]


def _requests(sandbox: h.RunningSandbox, path_part: str) -> list[dict[str, Any]]:
    return [entry for entry in sandbox.control("GET", "ledger") if path_part in entry["path"]]


def _subscribe(sandbox: h.RunningSandbox, apis: list[str]) -> None:
    piste = sandbox.info["piste"]
    application = {"client_id": piste["client_id"], "client_secret": piste["client_secret"], "apis": apis}
    sandbox.control("POST", "directory", {"applications": [application]})


def _clock(sandbox: h.RunningSandbox) -> datetime:
    return datetime.fromisoformat(sandbox.control("GET", "clock")["now"])


async def test_a_refused_account_costs_one_token_refresh_then_is_refused(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = sandbox.client(http)
    with pytest.raises(ChorusAuthError) as refused:
        await client.my_structures(h.TechnicalAccount("TECH_1_00000000000000@cpro.fr", "nope"))
    assert refused.value.code == "chorus_account_refused" and refused.value.http_status == 401
    assert "login or password incorrects" in (refused.value.chorus_code or "")  # the challenge words the error
    assert client._tokens.fetched == 2  # the 401 said "login or password", and the token was replaced all the same
    assert [entry["status"] for entry in _requests(sandbox, "rattachements")] == [401, 401]


async def test_a_401_without_any_challenge_is_cured_by_a_new_token(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    await client.my_structures(account)
    sandbox.control("POST", "faults", {"kind": "server_error", "status": 401, "count": 1})
    answer = await client.my_structures(account)  # the gateway's 401 named nothing: the token is replaced anyway
    assert answer.liste_structure_rattachement[0].identifiant_structure == h.SUPPLIER
    assert client._tokens.fetched == 2


async def test_a_health_check_refused_twice_blames_the_token(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = sandbox.client(http)
    sandbox.control("POST", "faults", {"kind": "server_error", "status": 401, "count": 2})
    with pytest.raises(ChorusAuthError) as refused:
        await client.health_check()  # no technical account was sent: only the PISTE application can be at fault
    assert refused.value.code == "chorus_token_refused"
    assert client._tokens.fetched == 2


async def test_an_api_the_application_is_not_subscribed_to_answers_403_empty(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    _subscribe(sandbox, ALL_BUT_STRUCTURES)
    client, account = sandbox.client(http), sandbox.account()
    await client.my_structures(account)  # Utilisateurs: subscribed
    with pytest.raises(ChorusApiNotSubscribed) as refused:
        await client.find_structure(account, h.NO_PARAMS)
    error = refused.value
    assert (error.code, error.http_status, error.transient) == ("chorus_api_not_subscribed", 403, False)
    assert "Structures API" in str(error.detail) and "CGU" in str(error.detail)
    assert "/cpro/structures/v1/rechercher" in str(error.detail)
    assert [entry["status"] for entry in _requests(sandbox, "structures/v1/rechercher")] == [403]  # not retried
    token = await client._tokens.token()
    raw = await http.post(
        sandbox.base_url + "/cpro/structures/v1/rechercher",
        json={"structure": {"identifiantStructure": h.NO_PARAMS}},
        headers={"Authorization": f"Bearer {token}", "cpro-account": account.header},
    )
    assert (raw.status_code, raw.content, raw.headers.get("content-type")) == (403, b"", None)


async def test_a_subscription_is_per_api(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    _subscribe(sandbox, ["structures"])
    client, account = sandbox.client(http), sandbox.account()
    assert await client.find_structure(account, h.NO_PARAMS) is not None
    with pytest.raises(ChorusApiNotSubscribed) as refused:
        await client.vat_rates(account)
    assert "Transverses API" in str(refused.value.detail)


async def test_the_own_structure_tells_when_the_password_expires(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    assert (await read_password_expiry(client, account)) is not None
    assert (await read_password_expiry(client, account)).expires_at is None  # type: ignore[union-attr]
    sandbox.control("POST", f"accounts/{account.login}/password", {"expires_in_days": 10})
    expected = _clock(sandbox) + timedelta(days=10)
    read = await read_password_expiry(client, account, siret=h.SUPPLIER)
    assert read is not None and read.siret == h.SUPPLIER and read.structure_id == sandbox.supplier_id()
    assert read.expires_at is not None and abs((read.expires_at - expected).total_seconds()) < 5
    own = await client.get_structure(account, sandbox.supplier_id())
    written = own.information_generales.date_expiration_mot_passe_compte_tech  # type: ignore[union-attr]
    assert isinstance(written, str) and written[10] == "T" and written[-6:] in ("+01:00", "+02:00")
    other = await client.get_structure(account, sandbox.supplier_id(h.SUPPLIER_2))
    assert other.information_generales.date_expiration_mot_passe_compte_tech is None  # type: ignore[union-attr]
    assert await read_password_expiry(client, account, siret=h.SUPPLIER_2) is None


async def test_an_expired_password_is_refused_like_a_wrong_one_until_renewed(
    sandbox: h.RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, account = sandbox.client(http), sandbox.account()
    sandbox.control("POST", f"accounts/{account.login}/password", {"expires_in_days": 2})
    await client.my_structures(account)
    sandbox.control("POST", "clock/advance", {"days": 3})
    with pytest.raises(ChorusAuthError) as refused:
        await client.my_structures(account)
    assert refused.value.code == "chorus_account_refused"
    assert "login or password incorrects" in (refused.value.chorus_code or "")
    await client.my_structures(sandbox.account(h.SUPPLIER_2))  # other accounts are unaffected
    renewed = sandbox.control("POST", f"accounts/{account.login}/password", {"password": "Renewed-Tech-1!"})
    with pytest.raises(ChorusAuthError):
        await client.my_structures(account)  # the old password is gone
    fresh = h.TechnicalAccount(account.login, "Renewed-Tech-1!")
    read = await read_password_expiry(client, fresh)
    assert read is not None and read.expires_at == datetime.fromisoformat(renewed["password_expires"])
    assert timedelta(days=423) < read.expires_at - _clock(sandbox) <= timedelta(days=424)


async def test_a_seeded_expiry_and_bad_password_changes(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    account = sandbox.account(h.SUPPLIER_2)
    seed = {
        "suppliers": [
            {
                "siret": h.SUPPLIER_2,
                "name": "Boulangerie Martin SAS",
                "technical_accounts": [
                    {"login": account.login, "password": account.password, "password_expires": "2020-01-01T00:00:00"}
                ],
            }
        ]
    }
    sandbox.control("POST", "directory", seed)
    with pytest.raises(ChorusAuthError):
        await sandbox.client(http).my_structures(account)  # expired in 2020, Paris time
    for body in ({"expires_in_days": "soon"}, {"unknown": 1}, {"password": ""}):
        answer = await http.post(f"{sandbox.base_url}/_sandbox/accounts/{account.login}/password", json=body)
        assert answer.status_code == 400, body
    never = {"never_expires": True}
    unknown = await http.post(f"{sandbox.base_url}/_sandbox/accounts/nobody@cpro.fr/password", json=never)
    assert unknown.status_code == 400 and "nobody@cpro.fr" in unknown.json()["error"]
    cleared = sandbox.control("POST", f"accounts/{account.login}/password", {"never_expires": True})
    assert cleared["password_expires"] is None
    await sandbox.client(http).my_structures(account)
