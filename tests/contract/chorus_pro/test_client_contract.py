"""What pdp's client relies on, checked against whichever Chorus Pro the target is (emulator or PISTE)."""

from __future__ import annotations

import httpx
import pytest

from pdp.connectors.chorus_pro.auth import PisteApplication, TechnicalAccount
from pdp.connectors.chorus_pro.errors import ChorusAuthError, ChorusRejected
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas.transverses import FLUX_TERMINAL
from tests.contract.chorus_pro.conftest import Target
from tests.sandbox.harness import deposit_request, ubl

KNOWN_FLUX_STATES = FLUX_TERMINAL | {"IN_RECU", "IN_EN_COURS_TRAITEMENT_CPP", "IN_EN_ATTENTE_TRAITEMENT_CPP"}


async def test_health_check(target: Target, http: httpx.AsyncClient) -> None:
    health = await target.client(http).health_check()
    assert health.status_code_value == 200 and health.status_code == "OK"
    assert health.body == "L'API CPRO est actuellement disponible et fonctionnel."


async def test_credentials_check_names_the_structure(target: Target, http: httpx.AsyncClient) -> None:
    answer = await target.client(http).my_structures(target.account)
    assert answer.code_retour == 0
    assert answer.liste_structure_rattachement and answer.liste_structure_rattachement[0].identifiant_structure


async def test_bad_client_secret_is_invalid_client(target: Target, http: httpx.AsyncClient) -> None:
    wrong = PisteApplication(target.application.client_id, "not-the-secret")
    with pytest.raises(ChorusAuthError) as caught:
        await target.client(http, wrong).my_structures(target.account)
    assert caught.value.http_status == 400 and caught.value.chorus_code == "invalid_client"


async def test_bad_technical_account_is_refused_after_a_token_refresh(target: Target, http: httpx.AsyncClient) -> None:
    client = target.client(http)
    with pytest.raises(ChorusAuthError) as caught:
        await client.my_structures(TechnicalAccount("TECH_1_00000000000000@cpro.fr", "wrong"))
    assert caught.value.http_status == 401 and caught.value.code == "chorus_account_refused"
    assert client._tokens.fetched == 2  # any 401 is retried once with a fresh token before the account is blamed


async def test_unknown_flux(target: Target, http: httpx.AsyncClient) -> None:
    with pytest.raises(ChorusRejected) as caught:
        await target.client(http).flux_report(target.account, "CPP0011110000000000000001")
    assert caught.value.chorus_code == "20001" and "POQ_MSG_01.003" in (caught.value.detail or "")


async def test_reference_lists(target: Target, http: httpx.AsyncClient) -> None:
    client = target.client(http)
    assert (await client.vat_rates(target.account)).liste_taux_tva
    modes = await client.payment_modes(target.account)
    assert "VIREMENT" in {mode.mode_paiement for mode in modes.liste_mode_paiement}


async def test_recipient_lookup(target: Target, http: httpx.AsyncClient) -> None:
    if not target.recipient_siret:
        pytest.skip("PDP_CHORUS_SANDBOX_RECIPIENT_SIRET unset")
    client = target.client(http)
    found = await client.find_structure(target.account, target.recipient_siret)
    assert found and found.id_structure_cpp
    detail = await client.get_structure(target.account, found.id_structure_cpp)
    assert detail.parametres is not None


async def test_deposit_is_answered_at_once_then_reported(target: Target, http: httpx.AsyncClient) -> None:
    if not target.recipient_siret:
        pytest.skip("PDP_CHORUS_SANDBOX_RECIPIENT_SIRET unset")
    client = target.client(http)
    supplier = (await client.my_structures(target.account)).liste_structure_rattachement[0].identifiant_structure
    content = ubl("CT-0001", supplier=supplier or "", recipient=target.recipient_siret)
    answer = await client.deposit_flux(target.account, deposit_request(content))
    assert answer.libelle == "GCU_MSG_01_000" and (answer.numero_flux_depot or "").startswith("CPP")
    assert answer.date_depot and len(answer.date_depot) == 10
    report = await client.flux_report(target.account, answer.numero_flux_depot or "")
    assert report.etat_courant_depot_flux in KNOWN_FLUX_STATES


@pytest.mark.emulator_only
async def test_integrated_flux_lists_its_invoice(target: Target, http: httpx.AsyncClient) -> None:
    assert target.sandbox is not None
    client = target.client(http)
    answer = await client.deposit_flux(target.account, deposit_request(ubl("CT-0002")))
    target.sandbox.control("POST", "clock/advance", {"minutes": 1})
    report = await client.flux_report(target.account, answer.numero_flux_depot or "")
    assert report.etat_courant_depot_flux == "IN_INTEGRE" and report.errors_dp == []
    request = f.RechercherFournisseurRequest(numero_flux_depot=answer.numero_flux_depot)
    [invoice] = [one async for one in client.iter_supplier_invoices(target.account, request)]
    assert invoice.numero_facture == "CT-0002" and invoice.statut == "DEPOSEE"
