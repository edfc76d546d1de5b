"""Seeds (file, control API), the info object, Factur-X deposits, and the PISTE token endpoint under faults."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pdp.cli.sandbox import sandbox_info_for
from pdp.connectors.chorus_pro.errors import ChorusTransientError
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.einvoice.formats.facturx_write import write_facturx
from pdp.einvoice.formats.json_input import to_invoice
from tests.sandbox import harness as h
from tests.sandbox.flows import deposit_and_integrate

NEW_RECIPIENT = "21750001600019"  # Ville de Paris's SIRET shape (valid Luhn), absent from the default seed
SEED = {
    "recipients": [
        {
            "siret": NEW_RECIPIENT,
            "name": "Mairie de démonstration",
            "service_code_required": True,
            "services": [{"code": "DEMO", "name": "Service démo"}],
        }
    ]
}


def test_info_describes_every_seeded_party(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(SEED | {"applications": [{"client_id": "id", "client_secret": "secret"}]}))
    info = sandbox_info_for("http://127.0.0.1:9999/", seed)
    assert info["token_url"] == "http://127.0.0.1:9999/api/oauth/token"
    assert info["control_url"] == "http://127.0.0.1:9999/_sandbox"
    assert info["piste"] == {"client_id": "id", "client_secret": "secret"}
    [recipient] = info["recipients"]
    assert recipient["requires"] == "service" and recipient["services"][0]["code"] == "DEMO"
    default = sandbox_info_for("http://x")
    requires = {r["requires"] for r in default["recipients"]}
    assert requires == {"nothing", "service", "engagement", "service_or_engagement", "service_and_engagement"}
    assert {r["scenario"] for r in default["recipients"]} == {"normal", "suspend", "recycle", "reject", "slow_payment"}
    assert all(a["login"] == f"TECH_1_{a['siret']}@cpro.fr" for a in default["technical_accounts"])


def test_seed_refuses_invalid_sirets_and_unknown_keys(sandbox: h.RunningSandbox) -> None:
    bad_siret = {"recipients": [{"siret": "12345678901234", "name": "x"}]}
    response = httpx.post(f"{sandbox.base_url}/_sandbox/directory", json=bad_siret)
    assert response.status_code == 400 and "SIRET" in response.json()["error"]
    typo = {"recipients": [{"siret": NEW_RECIPIENT, "name": "x", "servise_code_required": True}]}
    assert httpx.post(f"{sandbox.base_url}/_sandbox/directory", json=typo).status_code == 400


async def test_directory_loaded_at_run_time_until_reset(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    sandbox.control("POST", "directory", SEED)
    _, report = await deposit_and_integrate(sandbox, client, account, h.ubl("F-DIR-1", recipient=NEW_RECIPIENT))
    assert "code du service exécutant est obligatoire" in (report.errors_dp[0].libelle_erreur_dp or "")
    _, report = await deposit_and_integrate(
        sandbox, client, account, h.ubl("F-DIR-2", recipient=NEW_RECIPIENT, service="DEMO")
    )
    assert report.etat_courant_depot_flux == "IN_INTEGRE"
    sandbox.control("POST", "reset")
    assert await client.find_structure(account, NEW_RECIPIENT) is None


async def test_facturx_flux_and_pdf_reading(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client, account = sandbox.client(http), sandbox.account()
    pdf = write_facturx(to_invoice(h.invoice_json("F-FX-1", service="SERVICE_DESTINATAIRE1")))
    _, report = await deposit_and_integrate(sandbox, client, account, pdf, "IN_DP_E2_CII_FACTURX", "facture.pdf")
    assert report.etat_courant_depot_flux == "IN_INTEGRE", (report.errors_dp, report.technical_errors)
    _, as_ubl = await deposit_and_integrate(sandbox, client, account, pdf, "IN_DP_E1_UBL_INVOICE", "facture.pdf")
    assert as_ubl.etat_courant_depot_flux == "IN_REJETE"
    read = await client.deposit_pdf(
        account, f.DeposerPdfRequest(fichier_facture=base64.b64encode(pdf).decode(), nom_fichier="facture.pdf")
    )
    assert read.numero_facture == "F-FX-1" and read.code_destinataire == h.NO_PARAMS
    assert read.code_service_executant == "SERVICE_DESTINATAIRE1" and read.montant_a_payer == 240


async def test_token_endpoint_faults_and_health_refresh(sandbox: h.RunningSandbox, http: httpx.AsyncClient) -> None:
    client = sandbox.client(http)
    sandbox.control("POST", "faults", {"kind": "server_error", "path_prefix": "/api/oauth", "count": 1})
    with pytest.raises(ChorusTransientError):
        await client.health_check()
    assert (await client.health_check()).status_code == "OK"
    sandbox.control("POST", "tokens/expire")
    assert (await client.health_check()).status_code == "OK"  # one refresh, as for every other call
    tokens = [e for e in sandbox.control("GET", "ledger") if e["path"] == "/api/oauth/token"]
    assert [e["status"] for e in tokens] == [500, 200, 200]
    assert tokens[-1]["client_id"] == sandbox.info["piste"]["client_id"]


@pytest.mark.slow
def test_demo_script_starts_its_own_sandbox() -> None:
    script = Path(__file__).resolve().parents[2] / "infra/scripts/chorus_sandbox_demo.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("one invoice MISE_EN_PAIEMENT, one REJETEE with the buyer's comment")
