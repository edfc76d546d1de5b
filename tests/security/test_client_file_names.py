"""Client file names are normalised where pdp keeps and returns them (issue 11 #8).

The probe deposited ``facture<RLO>lmx.exe``-style names (a right-to-left override makes ``…exe.xml`` read as
``…lmx.exe``), control characters, directories and 300-character names, and got them back raw in the documents'
JSON. Now a name is kept and returned NFC, without control or bidi characters or directories, at most 200
characters, its extension kept; batch items already showed names that way (kept as a test).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import msgspec
import pytest

from pdp.einvoice.formats.policy import STORED_NAME_CHARS, stored_name
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, cii_invoice, seller_provider

HOSTILE = [
    "..\\..\\windows/system32/facture\u202egpj.xml",  # directories, and an override that flips the extension
    "fac\u0007tu\u0000re\x1b[31m.xml",  # control characters, a terminal escape
    "Cafe\u0301 \u2066isolated\u2069 \u200bzero-width\ufeff.xml",  # decomposed é, isolates, zero-width, BOM
    "line\u2028break\u2029.xml",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd.xml",  # percent-encoded traversal
    "x" * 300 + ".xml",
]
_FORBIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def _is_clean(name: str) -> bool:
    return (
        bool(name)
        and len(name) <= STORED_NAME_CHARS
        and unicodedata.is_normalized("NFC", name)
        and not any(unicodedata.category(char) in _FORBIDDEN for char in name)
        and "/" not in name
        and "\\" not in name
        and name.endswith(".xml")
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_a_stored_name_is_clean_and_keeps_its_extension(name: str) -> None:
    assert _is_clean(stored_name(name)), stored_name(name)
    assert stored_name(stored_name(name)) == stored_name(name)  # rows read back are shown the same


def test_ordinary_names_are_unchanged() -> None:
    for name in ("facture.xml", "Facture n° 42 (été).pdf", "avoir-2026_01.xml"):
        assert stored_name(name) == name


@pytest.fixture
async def provider_id(client: Any, tenant: TenantFixture) -> str:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    return str(provider["id"])


async def test_deposited_documents_are_returned_with_clean_names(
    client: Any, tenant: TenantFixture, provider_id: str
) -> None:
    metadata = {"metadata": msgspec.json.encode({"provider_id": provider_id}).decode()}
    for index, name in enumerate(HOSTILE):
        invoice = cii_invoice(number=f"NAME-{index}")
        deposit = await client.post(
            "/v1/invoices",
            files={"file": (name, invoice, "application/xml")},
            data=metadata,
            headers=tenant.headers,
        )
        if len(name) > 50:  # Chorus Pro's limit, checked on the cleaned name: refused before anything is kept
            assert deposit.status_code == 422 and "PDP-FILE-NAME-TOO-LONG" in deposit.text, deposit.text
            continue
        assert deposit.status_code == 201, deposit.text
        documents = await client.get(f"/v1/invoices/{deposit.json()['id']}/documents", headers=tenant.headers)
        names = [document["filename"] for document in documents.json()["data"]]
        assert names and all(_is_clean(shown) for shown in names), names


async def test_batch_items_are_returned_with_clean_names(client: Any, tenant: TenantFixture, provider_id: str) -> None:
    files = [
        ("files", (name, cii_invoice(number=f"BATCH-{index}"), "application/xml")) for index, name in enumerate(HOSTILE)
    ]
    batch = await client.post(
        "/v1/invoice-batches",
        files=files,
        data={"metadata": msgspec.json.encode({"provider_id": provider_id}).decode()},
        headers=tenant.headers,
    )
    assert batch.status_code < 500, batch.text
    items = batch.json()["items"]
    assert len(items) == len(HOSTILE)
    assert all(_is_clean(item["filename"]) for item in items), [item["filename"] for item in items]
