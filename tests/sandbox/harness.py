"""Run the Chorus Pro emulator under uvicorn in a thread, on a free port, for tests that talk to it over sockets."""

from __future__ import annotations

import base64
import dataclasses
import threading
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import uvicorn

from pdp.cli.sandbox import build_sandbox, sandbox_info_for
from pdp.connectors.chorus_pro.auth import PisteApplication, PisteTokens, TechnicalAccount

__all__ = ["TechnicalAccount"]
from pdp.connectors.chorus_pro.client import ChorusProClient
from pdp.connectors.chorus_pro.sandbox.app import SandboxApp
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.json_input import (
    JsonInvoice,
    JsonLine,
    JsonPayment,
    JsonRecipient,
    JsonSeller,
    to_invoice,
)
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.platform.settings import Settings
from tests.processes import free_port

SUPPLIER = "73282932000074"  # seed: Atelier Dupont SARL, IBAN on file
SUPPLIER_2 = "44306184100047"
NO_PARAMS = "11001011300014"  # "Destinataire sans paramètre"
SERVICE_REQUIRED = "11002022900024"
EJ_REQUIRED = "11003033500035"
EJ_OR_SERVICE = "11004044100047"
INACTIVE = "11009099000091"
SUSPEND = "11010110200108"
RECYCLE = "11011121800118"
REJECT = "11012132400120"
SLOW = "11013143000131"
IBAN = "FR7630006000011234567890189"


@dataclass
class RunningSandbox:
    app: SandboxApp
    base_url: str
    info: dict[str, Any]
    server: uvicorn.Server
    thread: threading.Thread

    def control(self, method: str, path: str, body: Any = None, *, content: bytes | None = None) -> Any:
        response = httpx.request(method, f"{self.base_url}/_sandbox/{path}", json=body, content=content, timeout=10)
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def account(self, siret: str = SUPPLIER) -> TechnicalAccount:
        found = next(a for a in self.info["technical_accounts"] if a["siret"] == siret)
        return TechnicalAccount(found["login"], found["password"])

    def supplier_id(self, siret: str = SUPPLIER) -> int:
        return int(next(s["id_structure_cpp"] for s in self.info["suppliers"] if s["siret"] == siret))

    def client(self, http: httpx.AsyncClient, *, client_secret: str | None = None) -> ChorusProClient:
        piste = self.info["piste"]
        application = PisteApplication(piste["client_id"], client_secret or piste["client_secret"])
        tokens = PisteTokens(http, self.info["token_url"], application)
        return ChorusProClient(http, api_url=self.info["api_url"], tokens=tokens)


def with_emulator(settings: Settings, info: dict[str, Any]) -> Settings:
    """``settings`` pointed at the emulator ``info`` describes, depositing with its platform account (which may
    deposit for any supplier, as an API depositor on Chorus Pro may)."""
    account = next(a for a in info["technical_accounts"] if a["deposits_for_others"])
    return dataclasses.replace(
        settings,
        chorus_api_url=info["api_url"],
        chorus_token_url=info["token_url"],
        chorus_client_id=info["piste"]["client_id"],
        chorus_client_secret=info["piste"]["client_secret"],
        chorus_login=account["login"],
        chorus_password=account["password"],
    )


def start_sandbox(**settings: Any) -> RunningSandbox:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = build_sandbox(base_url, **settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="chorus-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.01)
    return RunningSandbox(app, base_url, sandbox_info_for(base_url), server, thread)


def invoice_json(
    number: str,
    *,
    recipient: str = NO_PARAMS,
    supplier: str = SUPPLIER,
    service: str | None = None,
    engagement: str | None = None,
    means: str | None = "30",
    iban: str | None = IBAN,
    credit_note: bool = False,
    amount: str = "100.00",
) -> JsonInvoice:
    payment = JsonPayment(means_code=means, iban=iban) if means else None
    return JsonInvoice(
        number=number,
        issue_date=date(2026, 11, 27),
        type="credit_note" if credit_note else "invoice",
        seller=JsonSeller(name="Fournisseur de test", siret=supplier, vat_number="FR44732829320"),
        recipient=JsonRecipient(
            siret=recipient, name="Destinataire", service_code=service, engagement_number=engagement
        ),
        lines=[
            JsonLine(name="Prestation", quantity=Decimal("2"), unit_price=Decimal(amount), vat_rate=Decimal("20.00"))
        ],
        payment=payment,
    )


def ubl(number: str, **kwargs: Any) -> bytes:
    invoice = to_invoice(invoice_json(number, **kwargs))
    if kwargs.get("credit_note") and kwargs.get("means"):
        # to_invoice drops payment on credit notes; put it back to exercise Chorus's refusal.
        from pdp.einvoice.model import Payment

        invoice.payment = Payment(means_code=kwargs["means"])
    return write_ubl(invoice)


def cii(number: str, **kwargs: Any) -> bytes:
    return write_cii(to_invoice(invoice_json(number, **kwargs)))


def deposit_request(
    content: bytes, syntax: str = "IN_DP_E1_UBL_INVOICE", name: str = "facture.xml"
) -> f.DeposerFluxRequest:
    return f.DeposerFluxRequest(
        fichier_flux=base64.b64encode(content).decode("ascii"), nom_fichier=name, syntaxe_flux=syntax
    )
