"""``pdp dev``'s demo platform: a tenant whose provider portal a person can open as soon as ``pdp dev`` is up.

Everything goes through the doors a real platform and supplier use: the tenant is created as ``pdp tenant
create`` does; its provider (the emulator's demo supplier, Atelier Dupont) and a mandate through the Partner
API; the mandate is accepted by the supplier's signatory through the invitation e-mail and the local ProConnect
stand-in (``pdp mandate accept-demo``), which makes her the provider's portal administrator; then two invoices are
deposited through the API, so the portal has something to follow. She signs in with the stand-in's one click.

Made once per data directory (``.pdp/demo.json``) and found again on the next start.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from pdp.cli.admin_tasks import create_tenant
from pdp.cli.demo_acceptance import accept_demo
from pdp.platform import clock
from pdp.platform.settings import Settings

REPO = Path(__file__).resolve().parents[4]
EXAMPLES = REPO / "infra" / "examples"
DEMO_FILE = "demo.json"
TENANT_NAME = "Marketplace démo"


@dataclass(frozen=True, slots=True)
class DemoPlatform:
    tenant_id: str
    api_key: str
    provider_id: str
    portal_url: str


def _check(response: httpx.Response, step: str) -> dict[str, Any]:
    if response.status_code >= 400:
        raise RuntimeError(f"demo platform, {step}: HTTP {response.status_code} {response.text[:300]}")
    body: dict[str, Any] = response.json()
    return body


async def _still_there(settings: Settings, demo: DemoPlatform) -> bool:
    async with httpx.AsyncClient(base_url=settings.public_url, timeout=30) as api:
        me = await api.get("/v1/me", headers={"Authorization": f"Bearer {demo.api_key}"})
    return me.status_code == 200


async def ensure_demo_platform(settings: Settings, data_dir: Path, signatory: dict[str, str]) -> DemoPlatform:
    """The demo platform of ``data_dir``, made now if it has none (or lost it with its database)."""
    stored = data_dir / DEMO_FILE
    if stored.is_file():
        demo = DemoPlatform(**json.loads(stored.read_text()))
        if await _still_there(settings, demo):
            return demo
    tenant_id, api_key = await create_tenant(settings, TENANT_NAME, "test")
    auth = {"Authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(base_url=settings.public_url, headers=auth, timeout=60) as api:
        provider = _check(
            await api.post(
                "/v1/providers",
                json={
                    "siret": signatory["siret"],
                    "name": "Atelier Dupont SARL",
                    "email": signatory["email"],  # the signatory is the provider's contact
                    "address": {"line1": "12 rue des Artisans", "postal_code": "69002", "city": "Lyon"},
                    "iban": "FR7630006000011234567890189",
                },
            ),
            "provider",
        )
        mandate = _check(
            await api.post(f"/v1/providers/{provider['id']}/mandates", json={"valid_from": f"{clock.now():%Y-%m-01}"}),
            "mandate",
        )
        full_name = f"{signatory['given_name']} {signatory['usual_name']}"
        await accept_demo(settings, mandate["id"], data_dir / "mail", full_name=full_name, wait_seconds=60)
        await _deposit_examples(api, provider["id"])
    demo = DemoPlatform(tenant_id, api_key, provider["id"], f"{settings.public_url}/portal/{tenant_id}/")
    stored.write_text(json.dumps(asdict(demo), indent=2))
    stored.chmod(0o600)
    return demo


async def _deposit_examples(api: httpx.AsyncClient, provider_id: str) -> None:
    """The repository's two example invoices, one file and one JSON body, which the emulator's buyer pays."""
    metadata = json.dumps({"provider_id": provider_id})
    files = {"file": ("facture-demo.xml", (EXAMPLES / "facture-demo.xml").read_bytes(), "application/xml")}
    _check(await api.post("/v1/invoices", files=files, data={"metadata": metadata}), "the example file")
    body = json.loads((EXAMPLES / "facture-demo.json").read_text()) | {"provider_id": provider_id}
    _check(await api.post("/v1/invoices", json=body), "the example JSON invoice")
