"""Done-when demo for issue 4: two UBL invoices through pdp's Chorus Pro client into ``pdp sandbox``.

The first is followed to ``MISE_EN_PAIEMENT``; the second is rejected by the public buyer (through the
emulator's control API) and ends ``REJETEE`` with the buyer's comment. Every status is printed as it appears;
the virtual clock is advanced instead of waiting days.

Run: ``.venv/bin/python infra/scripts/chorus_sandbox_demo.py`` (starts ``pdp sandbox`` on a free port and stops
it at the end), or ``… --url http://127.0.0.1:8090`` to use a running emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import socket
import subprocess
import sys
import time
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from pdp.connectors.chorus_pro.auth import PisteApplication, PisteTokens, TechnicalAccount
from pdp.connectors.chorus_pro.client import ChorusProClient
from pdp.connectors.chorus_pro.dates import PARIS
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.einvoice.formats.json_input import (
    JsonInvoice,
    JsonLine,
    JsonPayment,
    JsonRecipient,
    JsonSeller,
    to_invoice,
)
from pdp.einvoice.formats.ubl_write import write_ubl

FINAL = {"MISE_EN_PAIEMENT", "REJETEE"}
BUYER_COMMENT = "Facture rejetée : la prestation n'a pas été commandée par ce service."


def start_sandbox() -> tuple[subprocess.Popen[str], dict[str, Any]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "pdp.cli.main", "sandbox", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own CLI
    assert process.stdout is not None
    info = json.loads(process.stdout.readline())
    for _ in range(200):  # the JSON line comes before uvicorn binds
        try:
            httpx.get(info["control_url"] + "/clock", timeout=1)
            return process, info
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("pdp sandbox did not start")


def ubl_invoice(number: str, supplier: dict[str, Any], recipient: dict[str, Any]) -> bytes:
    iban = supplier["bank_accounts"][0]["iban"]
    invoice = JsonInvoice(
        number=number,
        issue_date=datetime.now(PARIS).date(),
        seller=JsonSeller(name=supplier["name"], siret=supplier["siret"]),
        recipient=JsonRecipient(siret=recipient["siret"], name=recipient["name"]),
        lines=[
            JsonLine(
                name="Maintenance annuelle",
                quantity=Decimal("1"),
                unit_price=Decimal("1250.00"),
                vat_rate=Decimal("20.00"),
            )
        ],
        payment=JsonPayment(means_code="30", iban=iban),
    )
    return write_ubl(to_invoice(invoice))


class Demo:
    def __init__(self, info: dict[str, Any], http: httpx.AsyncClient) -> None:
        self.info = info
        self.http = http
        piste = info["piste"]
        tokens = PisteTokens(http, info["token_url"], PisteApplication(piste["client_id"], piste["client_secret"]))
        self.client = ChorusProClient(http, api_url=info["api_url"], tokens=tokens)
        supplier = next(s for s in info["suppliers"] if s["bank_accounts"])
        login = next(a for a in info["technical_accounts"] if a["siret"] == supplier["siret"])
        self.account = TechnicalAccount(login["login"], login["password"])
        self.supplier = supplier
        self.seen: dict[int, set[int]] = {}  # status ids already printed, per invoice
        self.recipient = next(
            r for r in info["recipients"] if r["active"] and r["requires"] == "nothing" and r["scenario"] == "normal"
        )

    async def control(self, path: str, body: dict[str, Any]) -> Any:
        response = await self.http.post(f"{self.info['control_url']}/{path}", json=body)
        response.raise_for_status()
        return response.json()

    async def deposit(self, number: str) -> int:
        content = ubl_invoice(number, self.supplier, self.recipient)
        request = f.DeposerFluxRequest(
            fichier_flux=base64.b64encode(content).decode("ascii"),
            nom_fichier=f"ubl_chorus_facture_{number}.xml",
            syntaxe_flux="IN_DP_E1_UBL_INVOICE",
        )
        answer = await self.client.deposit_flux(self.account, request)
        flux = answer.numero_flux_depot or ""
        print(f"{number}: flux {flux} déposé le {answer.date_depot} ({answer.libelle})")
        state = None
        while True:
            report = await self.client.flux_report(self.account, flux)
            if report.etat_courant_depot_flux != state:
                state = report.etat_courant_depot_flux
                print(f"{number}: flux {state}")
            if report.finished:
                break
            await self.control("clock/advance", {"seconds": 1})
        if state != "IN_INTEGRE":
            raise SystemExit(f"{number}: not integrated: {report.errors_dp} {report.technical_errors}")
        found = await self.client.search_supplier_invoices(
            self.account, f.RechercherFournisseurRequest(numero_flux_depot=flux)
        )
        invoice_id = found.liste_factures[0].identifiant_facture_cpp
        assert invoice_id is not None
        return invoice_id

    async def follow(self, number: str, invoice_id: int, until: set[str], *, step_hours: float = 12) -> str:
        seen = self.seen.setdefault(invoice_id, set())
        while True:
            history = await self.client.invoice_history(self.account, invoice_id)
            for entry in reversed(history.statuses):
                if entry.histo_statut_id not in seen and entry.histo_statut_id is not None:
                    seen.add(entry.histo_statut_id)
                    comment = f" — « {entry.histo_statut_commentaire} »" if entry.histo_statut_commentaire else ""
                    print(f"{number}: {entry.histo_statut_date_passage} {entry.histo_statut_code}{comment}")
            current = history.statut_courant_code or ""
            if current in until:
                return current
            await self.control("clock/advance", {"hours": step_hours})


async def run(info: dict[str, Any]) -> None:
    stamp = time.strftime("%H%M%S")
    async with httpx.AsyncClient(timeout=30) as http:
        demo = Demo(info, http)
        paid_number, rejected_number = f"DEMO-{stamp}-1", f"DEMO-{stamp}-2"
        paid = await demo.deposit(paid_number)
        assert await demo.follow(paid_number, paid, FINAL) == "MISE_EN_PAIEMENT"
        rejected = await demo.deposit(rejected_number)
        await demo.follow(rejected_number, rejected, {"MISE_A_DISPOSITION"}, step_hours=0.05)
        print(f"{rejected_number}: the buyer rejects it")
        await demo.control(f"invoices/{rejected}/status", {"statut": "REJETEE", "commentaire": BUYER_COMMENT})
        assert await demo.follow(rejected_number, rejected, FINAL) == "REJETEE"
        history = await demo.client.invoice_history(demo.account, rejected)
        assert history.statuses[0].histo_statut_commentaire == BUYER_COMMENT
    print("done: one invoice MISE_EN_PAIEMENT, one REJETEE with the buyer's comment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="base URL of a running pdp sandbox (default: start one)")
    args = parser.parse_args()
    process = None
    if args.url:
        info = httpx.get(args.url.rstrip("/") + "/_sandbox/info", timeout=10).json()
    else:
        process, info = start_sandbox()
    try:
        asyncio.run(run(info))
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
