"""`pdp dev` end to end: boots, serves the walk-through, stops clean, and restarts on the same data."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyotp
import pytest

from tests.factories import provider_payload
from tests.invoices.validation.test_engine import SELLER
from tests.journeys import cii_invoice

pytestmark = pytest.mark.slow
QUEUED_OR_SENT = ("queued", "submitted")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


class Dev:
    def __init__(self, data_dir: Path, **extra_env: str) -> None:
        self.data_dir = data_dir
        env = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
        self.env = {**env, "PDP_DEV_DIR": str(data_dir), **extra_env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pdp.cli.main", "dev", "--port", "0"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 90
        while not (data_dir / "dev.json").is_file():
            assert self.process.poll() is None, self.process.stdout.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "pdp dev did not come up"
            time.sleep(0.1)
        time.sleep(0.2)
        self.info = json.loads((data_dir / "dev.json").read_text())

    def cli(self, *args: str, env: dict[str, str] | None = None) -> str:
        return subprocess.run(
            [sys.executable, "-m", "pdp.cli.main", *args],
            env={**self.env, **(env or {})},
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def process_output(self) -> str:
        """What pdp dev printed once it was up (the lines after its banner's first are read as they come)."""
        assert self.process.stdout is not None
        lines: list[str] = []
        while not any("Stop: Ctrl-C" in line for line in lines):
            line = self.process.stdout.readline()
            assert line, "pdp dev stopped printing"
            lines.append(line)
        return "".join(lines)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def _deposit_reaches_chorus(dev: Dev, headers: dict[str, str]) -> str:
    """The whole chain in real processes: the mandate's invitation e-mailed by the worker and accepted with the
    ProConnect stand-in (``pdp mandate accept-demo``, as a person would), then API → outbox → worker → the
    sandbox emulator."""
    info = dev.info
    api, sandbox = info["api_url"], info["chorus_sandbox"]
    recipient = next(r for r in sandbox["recipients"] if r["requires"] == "nothing" and r["scenario"] == "normal")
    found = httpx.get(f"{api}/v1/recipients/{recipient['siret']}", headers=headers)
    assert found.status_code == 200 and found.json()["active"] is True, found.text
    with httpx.Client(base_url=api, headers=headers, timeout=30) as client:
        seller = client.post("/v1/providers", json=provider_payload(siret=SELLER.siret, name=SELLER.name)).json()
        mandate = client.post(f"/v1/providers/{seller['id']}/mandates", json={"valid_from": "2026-01-01"}).json()
        accepted = json.loads(dev.cli("mandate", "accept-demo", mandate["id"]))
        assert accepted["status"] == "active"
        assert client.get(f"/v1/mandates/{mandate['id']}").json()["status"] == "active"
        deposit = client.post(
            "/v1/invoices",
            files={"file": ("f.xml", cii_invoice(recipient={"siret": recipient["siret"], "name": "R"}), "text/xml")},
            data={"metadata": json.dumps({"provider_id": seller["id"]})},
        )
        assert deposit.status_code == 201, deposit.text
        deadline = time.monotonic() + 90
        while (status := client.get(f"/v1/invoices/{deposit.json()['id']}").json()["status"]) in QUEUED_OR_SENT:
            assert time.monotonic() < deadline, f"the invoice stayed {status}"
            time.sleep(0.5)
        assert status in ("deposited", "delivered", "approved", "payment_sent"), status
    mailbox = Path(info["mail"]["mailbox_dir"])
    while not any(deposit.json()["number"] in path.read_text() for path in mailbox.glob("*.eml")):
        assert time.monotonic() < deadline, "the provider got no e-mail"
        time.sleep(0.5)
    return str(seller["id"])


def _sign_in_to_the_demo_portal(dev: Dev) -> str:
    """What a person does with the portal URL pdp dev prints: « Se connecter avec ProConnect », then the demo
    signatory on the stand-in's page; returns the dashboard's HTML."""
    demo, signatory = dev.info["demo_platform"], dev.info["proconnect"]["demo_signatory"]
    portal = urlsplit(demo["portal_url"]).path
    with httpx.Client(base_url=dev.info["api_url"], timeout=30) as browser, httpx.Client(timeout=30) as proconnect:
        start = browser.get(f"{portal}proconnect/start", params={"suite": portal})
        assert start.status_code == 303, start.text
        chosen = proconnect.post(start.headers["location"], data={"sub": signatory["sub"]})
        assert chosen.status_code == 302, chosen.text
        back = urlsplit(chosen.headers["location"])
        returned = browser.get(f"{back.path}?{back.query}")
        assert returned.status_code == 303, returned.text
        dashboard = browser.get(portal)
        assert dashboard.status_code == 200, dashboard.text
        return dashboard.text


def test_dev_boots_serves_stops_and_keeps_its_data(data_dir: Path) -> None:
    dev = Dev(data_dir)
    try:
        api = dev.info["api_url"]
        # The demo platform's portal, ready at once: its signatory signs in with the ProConnect stand-in and finds
        # the supplier's two example invoices.
        demo = dev.info["demo_platform"]
        printed = dev.process_output()
        assert demo["portal_url"] in printed
        dashboard = _sign_in_to_the_demo_portal(dev)
        assert "Atelier Dupont" in dashboard and "(2 au total)" in dashboard
        assert httpx.get(f"{api}/readyz").status_code == 200
        assert httpx.get(dev.info["docs_url"]).status_code == 200
        for key in ("database_url", "redis_url", "s3"):
            assert dev.info[key]
        created = json.loads(dev.cli("tenant", "create", "--name", "Acme"))
        headers = {"Authorization": f"Bearer {created['api_key']}"}
        provider = httpx.post(f"{api}/v1/providers", json=provider_payload(), headers=headers)
        assert provider.status_code == 201, provider.text
        seller_id = _deposit_reaches_chorus(dev, headers)
        # The demo support account signs in with its password and TOTP code, and finds the tenant just made.
        staff = dev.info["demo_staff"]
        assert staff["email"] in printed
        code = pyotp.TOTP(staff["totp_secret"]).now()
        signed = json.loads(
            dev.cli("staff", "sign-in", "--email", staff["email"], "--password", staff["password"], "--code", code)
        )
        found = json.loads(dev.cli("staff", "search", "Acme", env={"PDP_STAFF_SESSION": signed["session"]}))
        assert created["tenant_id"] in {row["tenant_id"] for row in found}
        pids = dev.info["pids"]
        assert {"sandbox", "mailcatcher", "proconnect", "api", "worker"} <= set(pids)
    finally:
        dev.stop()
    assert dev.process.returncode == 0
    assert not (data_dir / "dev.json").exists()
    assert [name for name, pid in pids.items() if _alive(pid)] == []

    again = Dev(data_dir)
    try:
        assert again.info["demo_platform"] == demo  # found again, not made a second time
        assert again.info["demo_staff"] == staff
        listed = httpx.get(f"{again.info['api_url']}/v1/providers", headers=headers)
        assert {p["id"] for p in listed.json()["data"]} == {provider.json()["id"], seller_id}
        # The emulator keeps its state in .pdp too: the invoice deposited before the restart is still known.
        assert (data_dir / "chorus-sandbox" / "state.json").is_file()
        known = httpx.get(f"{again.info['chorus_sandbox']['control_url']}/invoices").json()
        demo_supplier = dev.info["proconnect"]["demo_signatory"]["siret"]
        suppliers = sorted(invoice["fournisseur"] for invoice in known)
        assert suppliers == sorted([SELLER.siret, demo_supplier, demo_supplier])
    finally:
        again.stop()
