"""Business answers reach pdp's client with HTTP 200 or 400: it reads both the same way.

Chorus answers a search that finds nothing with HTTP 200 and ``codeRetour`` 20000, and other refusals with 400
(docs/chorus-pro-api.md §5); the emulator's ``business_status`` fault sends each with the other status, so both
paths of the client run on every such answer.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pdp.connectors.chorus_pro import paths
from pdp.connectors.chorus_pro.errors import ChorusRejected, ChorusUnexpectedAnswer
from pdp.connectors.chorus_pro.schemas import factures as f
from tests.contract.chorus_pro.conftest import Target
from tests.sandbox.flows import deposit_and_integrate
from tests.sandbox.harness import RunningSandbox, ubl
from tests.sandbox.raw import post_raw

UNKNOWN_SIRET = "35600000000048"
UNKNOWN_FLUX = "CPP0011110000000000000001"


async def test_nothing_found_is_an_empty_result(target: Target, http: httpx.AsyncClient) -> None:
    client = target.client(http)
    request = f.RechercherFournisseurRequest(numero_facture="PDP-NEVER-DEPOSITED")
    assert [one async for one in client.iter_supplier_invoices(target.account, request)] == []
    assert await client.find_structure(target.account, UNKNOWN_SIRET) is None
    with pytest.raises(ChorusRejected) as one_page:  # the raw one-page call still says what Chorus said
        await client.search_supplier_invoices(target.account, request)
    assert one_page.value.chorus_code == "20000" and one_page.value.no_result


async def test_a_refusal_is_rejected(target: Target, http: httpx.AsyncClient) -> None:
    with pytest.raises(ChorusRejected) as caught:
        await target.client(http).flux_report(target.account, UNKNOWN_FLUX)
    assert caught.value.chorus_code == "20001" and not caught.value.no_result and not caught.value.transient


@pytest.mark.emulator_only
@pytest.mark.parametrize("status", [200, 400])
async def test_nothing_found_whichever_status(target: Target, http: httpx.AsyncClient, status: int) -> None:
    sandbox = _emulator(target)
    client = target.client(http)
    await client.vat_rates(target.account)  # the token first: the fault must reach the searches
    since = _last_seq(sandbox)
    sandbox.control("POST", "faults", {"kind": "business_status", "status": status, "path_prefix": "/cpro"})
    request = f.RechercherFournisseurRequest(numero_facture="PDP-NEVER-DEPOSITED")
    assert [one async for one in client.iter_supplier_invoices(target.account, request)] == []
    assert await client.find_structure(target.account, UNKNOWN_SIRET) is None
    answered = [(one["path"], one["status"], one["code_retour"]) for one in _ledger(sandbox, since)]
    assert answered == [
        (paths.RECHERCHER_FOURNISSEUR, status, 20000),
        (paths.STRUCTURES_RECHERCHER, status, 20000),
    ]


@pytest.mark.emulator_only
@pytest.mark.parametrize("status", [200, 400])
async def test_a_refusal_whichever_status(target: Target, http: httpx.AsyncClient, status: int) -> None:
    sandbox = _emulator(target)
    client = target.client(http)
    await client.vat_rates(target.account)
    sandbox.control("POST", "faults", {"kind": "business_status", "status": status})
    with pytest.raises(ChorusRejected) as caught:
        await client.flux_report(target.account, UNKNOWN_FLUX)
    assert caught.value.http_status == status and caught.value.chorus_code == "20001"
    assert caught.value.detail == "POQ_MSG_01.003 - Flux introuvable."


@pytest.mark.emulator_only
async def test_works_invoice_no_result_code_is_an_empty_result_too(target: Target, http: httpx.AsyncClient) -> None:
    # PASTELL breaks out of rechercheFactureTravaux on 20007 (GFT_MSG_01.075) read from an HTTP 200 body.
    sandbox = _emulator(target)
    client = target.client(http)
    await client.vat_rates(target.account)
    nothing = {"codeRetour": 20007, "libelle": "GFT_MSG_01.075 - La recherche n'a retourné aucun résultat"}
    sandbox.control("POST", "faults", {"kind": "answer", "status": 200, "body": nothing, "count": 1})
    assert [one async for one in client.iter_supplier_invoices(target.account, f.RechercherFournisseurRequest())] == []
    sandbox.control("POST", "faults", {"kind": "answer", "status": 200, "body": {**nothing, "codeRetour": 20008}})
    with pytest.raises(ChorusRejected) as other:  # any other code stays a refusal
        [one async for one in client.iter_supplier_invoices(target.account, f.RechercherFournisseurRequest())]
    assert other.value.chorus_code == "20008"


@pytest.mark.emulator_only
async def test_one_item_lists_sent_as_objects(target: Target, http: httpx.AsyncClient) -> None:
    sandbox = _emulator(target)
    client = target.client(http)
    flux, _ = await deposit_and_integrate(sandbox, client, target.account, ubl("CT-ONE-1", means=None))
    sandbox.control("POST", "faults", {"kind": "one_as_object"})
    raw = await post_raw(sandbox, http, paths.CONSULTER_CR_DETAILLE, {"numeroFluxDepot": flux})
    assert isinstance(raw.json()["listeErreurDP"], dict)  # the fault is on: Chorus's published rendering
    report = await client.flux_report(target.account, flux)
    assert report.etat_courant_depot_flux == "IN_REJETE" and len(report.errors_dp) == 1
    assert "obligatoire" in (report.errors_dp[0].libelle_erreur_dp or "")
    found = await client.find_structure(target.account, target.recipient_siret or "")
    assert found is not None and found.identifiant_structure == target.recipient_siret
    services = [one async for one in client.iter_services(target.account, found.id_structure_cpp or 0)]
    assert services  # whatever their number: a one-service answer would be an object too


@pytest.mark.emulator_only
async def test_an_answer_that_fits_no_struct_is_permanent(target: Target, http: httpx.AsyncClient) -> None:
    sandbox = _emulator(target)
    client = target.client(http)
    await client.vat_rates(target.account)
    odd = {"codeRetour": 0, "libelle": "TRA_MSG_00.000", "listeStructures": "aucune"}
    sandbox.control("POST", "faults", {"kind": "answer", "status": 200, "body": odd, "count": 1})
    with pytest.raises(ChorusUnexpectedAnswer) as caught:
        await client.find_structure(target.account, UNKNOWN_SIRET)
    assert not caught.value.transient and caught.value.ambiguous and caught.value.http_status == 200
    refused = {"codeRetour": "20001", "libelle": "GDP_MSG_11.010 - La structure est inconnue du système.", "x": {}}
    sandbox.control("POST", "faults", {"kind": "answer", "status": 200, "body": refused, "count": 1})
    with pytest.raises(ChorusRejected) as rejected:  # a refusal is read before the rest of the body
        await client.get_structure(target.account, 1)
    assert rejected.value.chorus_code == "20001" and rejected.value.http_status == 200


def _emulator(target: Target) -> RunningSandbox:
    assert target.sandbox is not None
    return target.sandbox


def _last_seq(sandbox: RunningSandbox) -> int:
    entries: list[dict[str, Any]] = sandbox.control("GET", "ledger")
    return int(entries[-1]["seq"]) if entries else 0


def _ledger(sandbox: RunningSandbox, since: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = sandbox.control("GET", f"ledger?since={since}")
    return [one for one in entries if one["seq"] > since and one["path"] != paths.TOKEN]
