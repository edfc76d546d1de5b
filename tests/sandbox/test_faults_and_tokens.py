"""Fault knobs, token refresh, the rate limit and the ledger, seen through pdp's client over real sockets."""

from __future__ import annotations

import asyncio
import base64
import time

import httpx
import pytest

from pdp.connectors.chorus_pro.errors import (
    ChorusAuthError,
    ChorusConnectionError,
    ChorusRateLimited,
    ChorusTransientError,
)
from tests.sandbox import harness as h


async def test_latency_fault_delays(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    sandbox.control("POST", "faults", {"kind": "latency", "latency_ms": 300, "count": 1})
    started = time.monotonic()
    await client.my_structures(account)
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    await client.my_structures(account)
    assert time.monotonic() - started < 0.3


async def test_429_fault_carries_retry_after(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    sandbox.control("POST", "faults", {"kind": "rate_limit", "retry_after": 7, "count": 1})
    with pytest.raises(ChorusRateLimited) as caught:
        await client.my_structures(account)
    assert caught.value.retry_after == 7.0 and not caught.value.ambiguous
    await client.my_structures(account)  # the count is spent


async def test_500_fault_for_a_duration_and_path(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    sandbox.control("POST", "faults", {"kind": "server_error", "path_prefix": "/cpro/utilisateurs", "duration_s": 0.3})
    with pytest.raises(ChorusTransientError) as caught:
        await client.my_structures(account)
    assert caught.value.http_status == 500 and caught.value.ambiguous
    await client.vat_rates(account)  # another path is unaffected
    await asyncio.sleep(0.35)
    await client.my_structures(account)


async def test_drop_before_processing_deposits_nothing(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    await client.my_structures(account)  # fetch the token first: the fault targets deposits
    sandbox.control("POST", "faults", {"kind": "drop_before", "path_prefix": "/cpro/factures/v1/deposer", "count": 1})
    with pytest.raises(ChorusConnectionError):
        await client.deposit_flux(account, h.deposit_request(h.ubl("F-DROP-1")))
    assert sandbox.app.state.fluxes == {}


async def test_drop_after_processing_loses_the_answer(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    await client.my_structures(account)
    sandbox.control("POST", "faults", {"kind": "drop_after", "path_prefix": "/cpro/factures", "count": 1})
    with pytest.raises(ChorusConnectionError) as caught:
        await client.deposit_flux(account, h.deposit_request(h.ubl("F-DROP-2")))
    assert caught.value.ambiguous  # the flux exists: the caller must reconcile before depositing again
    assert len(sandbox.app.state.fluxes) == 1
    ledger = sandbox.control("GET", "ledger")
    assert ledger[-1]["fault"] == "drop_after" and ledger[-1]["deposited"] == [[h.SUPPLIER, "F-DROP-2"]]


async def test_expired_tokens_are_refreshed_once(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    tokens = client._tokens
    await client.my_structures(account)
    assert tokens.fetched == 1
    sandbox.control("POST", "tokens/expire")
    await client.my_structures(account)
    assert tokens.fetched == 2
    sandbox.control("POST", "clock/advance", {"hours": 2})  # past expires_in on the virtual clock
    await client.my_structures(account)
    assert tokens.fetched == 3


async def test_auth_refusals(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    with pytest.raises(ChorusAuthError) as bad_client:
        await sandbox.client(http, client_secret="wrong").my_structures(sandbox.account())
    assert bad_client.value.http_status == 400 and bad_client.value.chorus_code == "invalid_client"
    client = sandbox.client(http)
    with pytest.raises(ChorusAuthError) as bad_account:
        await client.my_structures(h.TechnicalAccount("TECH_1_00000000000000@cpro.fr", "nope"))
    assert bad_account.value.code == "chorus_account_refused"
    assert "login or password incorrects" in (bad_account.value.chorus_code or "")
    assert client._tokens.fetched == 2  # any 401 is retried once with a new token, whatever its wording


async def test_malformed_bodies_are_400(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client = sandbox.client(http)
    token = await client._tokens.token()
    headers = {
        "Authorization": f"Bearer {token}",
        "cpro-account": sandbox.account().header,
        "Content-Type": "application/json;charset=utf-8",
    }
    url = sandbox.base_url + "/cpro/factures/v1/deposer/flux"
    assert (await http.post(url, content=b"{not json", headers=headers)).status_code == 400
    assert (await http.post(url, content=b'{"fichierFlux": 12}', headers=headers)).status_code == 400
    wrong = b'{"fichierFlux": "%%%", "nomFichier": "a.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"}'
    assert (await http.post(url, content=wrong, headers=headers)).status_code == 400
    health = await http.get(sandbox.base_url + "/cpro/transverses/v1/health-check", headers=headers)
    assert health.json() == {
        "statusCodeValue": 200,
        "statusCode": "OK",
        "body": "L'API CPRO est actuellement disponible et fonctionnel.",
    }


async def test_rate_limit_and_ledger_summary(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    sandbox.control("POST", "settings", {"rate_limit": 5})
    client, account = sandbox.client(http), sandbox.account()
    limited = 0
    for _ in range(8):
        try:
            await client.vat_rates(account)
        except ChorusRateLimited as exc:
            assert exc.retry_after == 1.0
            limited += 1
    assert limited >= 3
    summary = sandbox.control("GET", "ledger/summary")
    assert summary["rate_limited"] == limited
    assert summary["max_requests_in_1s"] >= 8
    assert summary["duplicate_deposits"] == []


async def test_unknown_flux_and_empty_search(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    from pdp.connectors.chorus_pro.errors import ChorusRejected
    from pdp.connectors.chorus_pro.schemas import factures as f

    client, account = sandbox.client(http), sandbox.account()
    with pytest.raises(ChorusRejected) as unknown:
        await client.flux_report(account, "CPP0011110000000000009999")
    assert unknown.value.chorus_code == "20001" and unknown.value.detail == "POQ_MSG_01.003 - Flux introuvable."
    with pytest.raises(ChorusRejected) as empty:
        await client.search_supplier_invoices(account, f.RechercherFournisseurRequest(numero_facture="NONE"))
    assert empty.value.chorus_code == "20000"
    assert [i async for i in client.iter_supplier_invoices(account, f.RechercherFournisseurRequest())] == []


def test_basic_header_shape() -> None:
    assert base64.b64decode(h.TechnicalAccount("a", "b").header) == b"a:b"
