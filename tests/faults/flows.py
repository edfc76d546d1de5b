"""What the fault tests do through the API: deposit batches, remember what was acknowledged, wait for the end."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.json_input import to_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from tests.conftest import TenantFixture
from tests.invoices.validation.test_engine import SELLER, structured
from tests.sandbox.harness import NO_PARAMS

RECIPIENT = {"siret": NO_PARAMS, "name": "Destinataire sans paramètre", "service_code": None}


@dataclass
class Sent:
    """One deposit as the client saw it: what it sent, and the answer it kept."""

    number: str
    sha256: str
    status: int = 0
    invoice_id: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status == 201


@dataclass
class Party:
    tenant: TenantFixture
    provider_id: str
    prefix: str
    sent: list[Sent] = field(default_factory=list)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_number(self) -> str:
        return f"{self.prefix}-{next(self._numbers):04d}"

    @property
    def acknowledged(self) -> list[Sent]:
        return [s for s in self.sent if s.acknowledged]


def invoice_file(number: str, syntax: str = "cii") -> bytes:
    invoice = to_invoice(structured(number=number, recipient=RECIPIENT), seller=SELLER)
    return write_ubl(invoice) if syntax == "ubl" else write_cii(invoice)


async def deposit(client: Any, party: Party, *, syntax: str = "cii", retry_unavailable: float = 0.0) -> Sent:
    """POST one invoice. With ``retry_unavailable`` (seconds), a 503 or a lost connection is retried with the same
    Idempotency-Key until a definite answer, as docs/api.md tells clients to."""
    number = party.next_number()
    data = invoice_file(number, syntax)
    sent = Sent(number, hashlib.sha256(data).hexdigest())
    party.sent.append(sent)
    headers = {**party.tenant.headers, "Idempotency-Key": f"deposit-{number}"}
    metadata = msgspec.json.encode({"provider_id": party.provider_id}).decode()
    deadline = time.monotonic() + retry_unavailable
    while True:
        try:
            response = await client.post(
                "/v1/invoices",
                files={"file": ("facture.xml", data, "application/xml")},
                data={"metadata": metadata},
                headers=headers,
            )
            sent.status = response.status_code
        except httpx.TransportError:
            sent.status = 0
        if sent.status not in (0, 503) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    if sent.acknowledged:
        sent.invoice_id = response.json()["id"]
    return sent


async def eventually(missing: Callable[[], Awaitable[str]], *, within: float, interval: float = 0.5) -> None:
    """Poll ``missing`` (what is still missing, "" when nothing) until it is empty; fail with it after ``within`` s."""
    deadline = time.monotonic() + within
    while still := await missing():
        if time.monotonic() > deadline:
            raise AssertionError(f"after {within:.0f} s: {still}")
        await asyncio.sleep(interval)
