"""Done-when demo for issue 5: a marketplace's whole journey on a running ``pdp dev``.

It creates a tenant (and a second one, the intruder), a provider, asks for its mandate and has it accepted the
way the provider's signatory does it (``pdp mandate accept-demo``: the invitation e-mail pdp sent, a proof with the
local ProConnect stand-in, the signed form), registers a webhook endpoint (a receiver started here, which
checks every signature), deposits UBL, CII, Factur-X and JSON invoices to an ordinary public buyer, and two more
to the emulator's buyers that suspend and send back invoices. It completes the suspended one with a supporting
document and re-routes the one sent back, then waits until all six are ``payment_sent`` and the signed webhooks
said so. Finally the intruder's key gets 404 on every object, and S3 refuses to delete an archived document.

Run (with ``make dev`` running): ``.venv/bin/python infra/scripts/marketplace_demo.py [--dev-json .pdp/dev.json]``
Exit 0 when every step held; 1 with the first failure otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import httpx
from botocore.config import Config
from botocore.exceptions import ClientError
from reportlab.pdfgen.canvas import Canvas

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.facturx_write import write_facturx
from pdp.einvoice.formats.json_input import JsonInvoice, JsonSeller, to_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.tenants.webhooks.signature import SignatureError, verify

SELLER = JsonSeller(name="Atelier Dupont SARL", siret="73282932000074", vat_number="FR44732829320")
DONE = "payment_sent"
EVENTS = ["provider.created", "mandate.activated", "invoice.created", "invoice.status_changed"]
STARTED = time.monotonic()  # each step prints the seconds since the script started


class Failed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def step(message: str) -> None:
    print(f"• {message}  [{time.monotonic() - STARTED:.1f} s]", flush=True)


# -- the webhook receiver ---------------------------------------------------------------------------------------


class Receiver:
    """A marketplace's webhook endpoint: verifies each signature, keeps the events, dedupes on their id."""

    def __init__(self) -> None:
        self.secret = ""
        self.events: dict[str, dict[str, Any]] = {}
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    verify(receiver.secret, self.headers.get("PDP-Signature"), body)
                except SignatureError:
                    receiver.bad_signatures += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                event = json.loads(body)
                receiver.events[event["id"]] = event
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/pdp-webhooks"

    def statuses(self, invoice_id: str) -> set[str]:
        return {
            e["data"]["status"]
            for e in self.events.values()
            if e["type"] == "invoice.status_changed" and e["data"]["invoice_id"] == invoice_id
        }


# -- documents --------------------------------------------------------------------------------------------------


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()  # French invoices are dated in French time


def invoice_json(number: str, recipient: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": number,
        "issue_date": today().isoformat(),
        "due_date": (today() + timedelta(days=30)).isoformat(),
        "recipient": recipient,
        "lines": [
            {"name": "Développement", "quantity": "3", "unit_price": "450.00", "vat_rate": "20.00", "unit": "DAY"},
            {"name": "Recette", "quantity": "1", "unit_price": "300.00", "vat_rate": "20.00", "unit": "DAY"},
        ],
        "payment": {"means_code": "30", "iban": "FR7630006000011234567890189"},
    }


def document(kind: str, number: str, recipient: dict[str, Any]) -> tuple[str, bytes, str]:
    import msgspec

    invoice = to_invoice(msgspec.convert(invoice_json(number, recipient), JsonInvoice, strict=False), seller=SELLER)
    if kind == "ubl":
        return f"{number}.xml", write_ubl(invoice), "application/xml"
    if kind == "cii":
        return f"{number}.xml", write_cii(invoice), "application/xml"
    return f"{number}.pdf", write_facturx(invoice), "application/pdf"


def delivery_note() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawString(72, 760, "Bon de livraison signé")
    canvas.save()
    return out.getvalue()


# -- the journey ------------------------------------------------------------------------------------------------


class Demo:
    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.sandbox = info["chorus_sandbox"]
        self.receiver = Receiver()
        self.run = time.strftime("%H%M%S")

    def pdp(self, *args: str) -> Any:
        """A ``pdp`` command on this ``pdp dev``; its JSON answer."""
        environment = {**os.environ, **self.info["environment"]}
        command = [sys.executable, "-m", "pdp.cli.main", *args]
        done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
        check(done.returncode == 0, f"pdp {' '.join(args[:2])}: {done.stderr.strip()[-500:]}")
        return json.loads(done.stdout)

    def tenant(self, name: str) -> httpx.Client:
        created = self.pdp("tenant", "create", "--name", name)
        headers = {"Authorization": f"Bearer {created['api_key']}"}
        return httpx.Client(base_url=self.info["api_url"], headers=headers, timeout=30)

    def recipient(self, scenario: str) -> dict[str, Any]:
        found = next(r for r in self.sandbox["recipients"] if r["scenario"] == scenario and r["active"])
        service = None if found["requires"] == "nothing" else found["services"][0]["code"]
        return {"siret": found["siret"], "name": found["name"], "service_code": service}

    def onboard(self, api: httpx.Client) -> str:
        step("A provider, its mandate (accepted by its signatory from pdp's invitation) and a webhook endpoint")
        endpoint = api.post("/v1/webhook-endpoints", json={"url": self.receiver.url, "events": EVENTS})
        check(endpoint.status_code == 201, f"webhook endpoint: {endpoint.text}")
        self.receiver.secret = endpoint.json()["secret"]
        provider = api.post(
            "/v1/providers",
            json={
                "siret": SELLER.siret,
                "name": SELLER.name,
                "email": "compta@atelier-dupont.fr",
                # The seller's address on the Factur-X pdp writes for its JSON invoices (French law wants it).
                "address": {"line1": "12 rue des Artisans", "postal_code": "69002", "city": "Lyon"},
            },
        )
        check(provider.status_code == 201, f"provider: {provider.text}")
        provider_id = str(provider.json()["id"])
        mandate = api.post(f"/v1/providers/{provider_id}/mandates", json={"valid_from": "2026-01-01"}).json()
        check("acceptance_url" not in mandate, "the tenant was handed a link that accepts the mandate")
        mailbox = self.info["mail"]["mailbox_dir"]
        self.pdp("mandate", "accept-demo", mandate["id"], "--mailbox", mailbox)
        check(api.get(f"/v1/mandates/{mandate['id']}").json()["status"] == "active", "the mandate is not active")
        return provider_id

    def deposit(self, api: httpx.Client, provider_id: str) -> dict[str, str]:
        step("Deposits: UBL, CII, Factur-X and JSON to an ordinary buyer; CII to a suspending and a recycling one")
        normal, invoices = self.recipient("normal"), {}
        metadata = {"metadata": json.dumps({"provider_id": provider_id})}
        for n, kind in enumerate(("ubl", "cii", "facturx")):
            name, data, content_type = document(kind, f"MK{self.run}-{n}", normal)
            created = api.post("/v1/invoices", files={"file": (name, data, content_type)}, data=metadata)
            check(created.status_code == 201, f"{kind} deposit: {created.text}")
            invoices[kind] = created.json()["id"]
        body = {**invoice_json(f"MK{self.run}-3", normal), "provider_id": provider_id}
        created = api.post("/v1/invoices", json=body)
        check(created.status_code == 201, f"JSON deposit: {created.text}")
        invoices["json"] = created.json()["id"]
        for n, scenario in ((4, "suspend"), (5, "recycle")):
            name, data, content_type = document("cii", f"MK{self.run}-{n}", self.recipient(scenario))
            created = api.post("/v1/invoices", files={"file": (name, data, content_type)}, data=metadata)
            check(created.status_code == 201, f"{scenario} deposit: {created.text}")
            invoices[scenario] = created.json()["id"]
        return invoices

    def follow(self, api: httpx.Client, invoices: dict[str, str], timeout: float) -> None:
        step("Following them to payment_sent (completing the suspended one, re-routing the one sent back)")
        deadline, shown = time.monotonic() + timeout, {}
        while True:
            statuses = {kind: api.get(f"/v1/invoices/{i}").json()["status"] for kind, i in invoices.items()}
            for kind, status in statuses.items():
                if shown.get(kind) != status:
                    print(f"    {kind:8} {invoices[kind]}  {status}  [{time.monotonic() - STARTED:.1f} s]", flush=True)
                    shown[kind] = status
            if statuses["suspend"] == "suspended":
                files = {"files": ("bon-de-livraison.pdf", delivery_note(), "application/pdf")}
                done = api.post(f"/v1/invoices/{invoices['suspend']}/complete", files=files)
                check(done.status_code == 200, f"complete: {done.text}")
            if statuses["recycle"] == "to_recycle":
                routing = self.recipient("normal")
                moved = api.post(
                    f"/v1/invoices/{invoices['recycle']}/recycle",
                    json={"recipient_siret": routing["siret"], "service_code": routing["service_code"]},
                )
                check(moved.status_code == 200, f"recycle: {moved.text}")
            webhooks_done = all(DONE in self.receiver.statuses(i) for i in invoices.values())
            if all(status == DONE for status in statuses.values()) and webhooks_done:
                return
            bad = {kind: s for kind, s in statuses.items() if s in ("failed", "rejected", "withdrawn")}
            check(not bad, f"invoices ended badly: {bad}")
            check(time.monotonic() < deadline, f"not all paid after {timeout:.0f} s: {statuses}")
            time.sleep(1)

    def webhooks(self, invoices: dict[str, str]) -> None:
        step("Webhooks: every one signed, each invoice announced delivered and payment_sent")
        check(self.receiver.bad_signatures == 0, "a webhook arrived with a bad signature")
        for kind, invoice_id in invoices.items():
            seen = self.receiver.statuses(invoice_id)
            check({"delivered", DONE} <= seen, f"{kind}: webhooks said only {sorted(seen)}")
        kinds = {e["type"] for e in self.receiver.events.values()}
        check({"provider.created", "mandate.activated", "invoice.created"} <= kinds, f"missing events: {kinds}")

    def intruder(self, api: httpx.Client, provider_id: str, invoices: dict[str, str]) -> None:
        step("Another tenant's key gets 404 on all of it")
        other = self.tenant(f"Intruder {self.run}")
        some = invoices["ubl"]
        document_id = api.get(f"/v1/invoices/{some}/documents").json()["data"][0]["id"]
        attempts = [
            ("GET", f"/v1/providers/{provider_id}"),
            ("GET", f"/v1/invoices/{some}"),
            ("GET", f"/v1/invoices/{some}/events"),
            ("GET", f"/v1/invoices/{some}/documents"),
            ("GET", f"/v1/invoices/{some}/documents/{document_id}/content"),
            ("POST", f"/v1/invoices/{some}/withdraw"),
            ("POST", f"/v1/invoices/{some}/recycle"),
        ]
        for method, path in attempts:
            answer = other.request(method, path, json={} if method == "POST" else None)
            check(answer.status_code == 404, f"{method} {path} answered {answer.status_code} to another tenant")

    def archive(self, api: httpx.Client, invoices: dict[str, str]) -> None:
        step("The archived bytes cannot be deleted, not even by the S3 account itself")
        s3 = self.info["s3"]
        client = boto3.client(
            "s3",
            endpoint_url=s3["endpoint"],
            region_name=s3["region"],
            aws_access_key_id=s3["access_key"],
            aws_secret_access_key=s3["secret_key"],
            config=Config(s3={"addressing_style": "path"}),
        )
        tenant_prefix = api.get("/v1/me").json()["tenant"]["id"] + "/"
        versions = client.list_object_versions(Bucket=s3["bucket"], Prefix=tenant_prefix).get("Versions", [])
        check(bool(versions), "no archived object found for the tenant")
        target = versions[0]
        try:
            client.delete_object(Bucket=s3["bucket"], Key=target["Key"], VersionId=target["VersionId"])
        except ClientError as exc:
            check(exc.response["Error"]["Code"] == "AccessDenied", f"unexpected S3 error: {exc}")
        else:
            raise Failed(f"S3 deleted {target['Key']}: the archive is not locked")
        content = api.get(f"/v1/invoices/{invoices['cii']}/documents").json()["data"][0]
        body = api.get(f"/v1/invoices/{invoices['cii']}/documents/{content['id']}/content")
        check(body.status_code == 200 and len(body.content) == content["size"], "the archived bytes changed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-json", default=os.environ.get("PDP_DEV_DIR", ".pdp") + "/dev.json")
    parser.add_argument("--timeout", type=float, default=600, help="Seconds to wait for every invoice to be paid")
    args = parser.parse_args()
    info = json.loads(Path(args.dev_json).read_text())
    demo = Demo(info)
    started = time.monotonic()
    try:
        api = demo.tenant(f"Marketplace demo {demo.run}")
        provider_id = demo.onboard(api)
        invoices = demo.deposit(api, provider_id)
        demo.follow(api, invoices, args.timeout)
        demo.webhooks(invoices)
        demo.intruder(api, provider_id, invoices)
        demo.archive(api, invoices)
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"All steps held in {time.monotonic() - started:.0f} s ({len(demo.receiver.events)} webhooks received).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
