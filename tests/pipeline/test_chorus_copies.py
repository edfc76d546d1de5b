"""Chorus Pro's copy of each delivered invoice, fetched in groups from the emulator and archived once as the
invoice's ``chorus_copy`` document (real PostgreSQL, Redis, S3)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.connectors.chorus_pro.sandbox import copies as emulator_copies
from pdp.connectors.s3.client import S3Unavailable
from pdp.platform.settings import Settings
from pdp.tenants.deposits.chorus_copies import COPY_STATUSES, archive_copies
from pdp.tenants.deposits.pipeline import Pipeline, advance
from pdp.workers.registry import REGISTRY
from pdp.workers.tasks.chorus_copies import ARCHIVE_COPIES
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, seller_provider
from tests.sandbox.harness import NO_PARAMS, RunningSandbox

TELECHARGER = "/cpro/factures/v1/telecharger/groupe"


async def _delivered(
    client: Any, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox, numbers: list[str]
) -> list[str]:
    """Invoices deposited through pdp and followed until the buyer has them (MISE_A_DISPOSITION)."""
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    ids = [await _deposit(client, tenant, provider["id"], number) for number in numbers]
    for invoice_id in ids:
        for _ in range(8):
            await advance(pipeline, tenant.id, invoice_id)
            if (await _invoice(client, tenant, invoice_id))["status"] in COPY_STATUSES:
                break
            sandbox.control("POST", "clock/advance", {"minutes": 10})
        assert (await _invoice(client, tenant, invoice_id))["status"] in COPY_STATUSES
    return ids


async def _deposit(client: Any, tenant: TenantFixture, provider_id: str, number: str) -> str:
    recipient = {"siret": NO_PARAMS, "name": "Destinataire", "service_code": None}
    response = await deposit_cii(client, tenant, provider_id, number=number, recipient=recipient)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _invoice(client: Any, tenant: TenantFixture, invoice_id: str) -> dict[str, Any]:
    return dict((await client.get(f"/v1/invoices/{invoice_id}", headers=tenant.headers)).json())


async def _documents(client: Any, tenant: TenantFixture, invoice_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/invoices/{invoice_id}/documents", headers=tenant.headers)
    return list(response.json()["data"])


async def _content(client: Any, tenant: TenantFixture, invoice_id: str, document_id: str) -> bytes:
    url = f"/v1/invoices/{invoice_id}/documents/{document_id}/content"
    return bytes((await client.get(url, headers=tenant.headers)).content)


def _downloads(sandbox: RunningSandbox) -> int:
    return sum(1 for entry in sandbox.control("GET", "ledger") if entry["path"] == TELECHARGER)


def _retention(settings: Settings) -> int:
    return settings.archive_retention_days


async def test_copies_of_delivered_invoices_are_fetched_together_and_archived_one_per_invoice(
    chorus_client: Any, chorus_settings: Settings, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    first, second = await _delivered(chorus_client, tenant, pipeline, sandbox, ["COPIE-1", "COPIE-2"])
    report = await archive_copies(pipeline, retention_days=_retention(chorus_settings), tenants=[tenant.id])
    assert sorted(report.archived) == sorted([first, second]) and report.calls == 1
    assert _downloads(sandbox) == 1  # one call for both: the account's group
    for invoice_id, number in ((first, "COPIE-1"), (second, "COPIE-2")):
        documents = await _documents(chorus_client, tenant, invoice_id)
        [copy] = [one for one in documents if one["kind"] == "chorus_copy"]
        assert copy["content_type"] == "application/xml" and copy["filename"].startswith("chorus_")
        root = ET.fromstring(await _content(chorus_client, tenant, invoice_id, copy["id"]))
        factures = root.find("CPPFactures")
        assert factures is not None and factures.get("Compteur") == "1"
        [unit] = factures.findall("CPPFacturePivotUnitaire")
        assert unit.findtext("DonneesFacture/Id") == number
        # The file Chorus keeps is one pdp archived and deposited, byte for byte.
        main = base64.b64decode(unit.findtext("PJ[TypePJ='01']/Contenu") or "")
        assert hashlib.sha256(main).hexdigest() in {one["sha256"] for one in documents if one["kind"] != "chorus_copy"}
    again = await archive_copies(pipeline, retention_days=_retention(chorus_settings), tenants=[tenant.id])
    assert again.archived == [] and again.calls == 0 and _downloads(sandbox) == 1


async def test_an_invoice_chorus_does_not_hold_yet_is_left_for_later(
    chorus_client: Any, chorus_settings: Settings, tenant: TenantFixture, pipeline: Pipeline, sandbox: RunningSandbox
) -> None:
    provider = await seller_provider(chorus_client, tenant)
    await active_mandate(chorus_client, tenant, provider["id"])
    queued = await _deposit(chorus_client, tenant, provider["id"], "COPIE-Q")
    assert await advance(pipeline, tenant.id, queued) == "deposited"  # submitted: no Chorus id yet
    report = await archive_copies(pipeline, retention_days=_retention(chorus_settings), tenants=[tenant.id])
    assert report.calls == 0 and not [
        d for d in await _documents(chorus_client, tenant, queued) if d["kind"] == "chorus_copy"
    ]


async def test_a_group_chorus_refuses_is_halved_until_the_culprit_stands_alone(
    chorus_client: Any,
    chorus_settings: Settings,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    owner_engine: AsyncEngine,
) -> None:
    ids = await _delivered(chorus_client, tenant, pipeline, sandbox, ["HALF-1", "HALF-2", "HALF-3"])
    unknown = ids[1]
    async with owner_engine.begin() as conn:  # an id Chorus never handed out: it refuses any group holding it
        await conn.execute(text("UPDATE invoices SET chorus_invoice_id = 1 WHERE id = :id"), {"id": unknown})
    report = await archive_copies(pipeline, retention_days=_retention(chorus_settings), tenants=[tenant.id])
    assert sorted(report.archived) == sorted([ids[0], ids[2]]) and report.not_served == [unknown]
    assert report.calls == 5  # [1, 2, 3] → [1] and [2, 3] → [2] and [3]


async def test_a_group_over_chorus_size_limit_is_fetched_in_halves(
    chorus_client: Any,
    chorus_settings: Settings,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = await _delivered(chorus_client, tenant, pipeline, sandbox, ["BIG-1", "BIG-2"])
    one_file = max(one["size"] for one in await _documents(chorus_client, tenant, ids[0]))
    monkeypatch.setattr(emulator_copies, "MAX_FOLDER_BYTES", one_file + one_file // 2)  # one fits, two do not
    report = await archive_copies(pipeline, retention_days=_retention(chorus_settings), tenants=[tenant.id])
    assert sorted(report.archived) == sorted(ids) and report.calls == 3


async def test_concurrent_runs_and_a_crash_before_the_archive_never_archive_twice(
    chorus_client: Any,
    chorus_settings: Settings,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = await _delivered(chorus_client, tenant, pipeline, sandbox, ["TWICE-1", "TWICE-2"])
    retention = _retention(chorus_settings)

    async def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise S3Unavailable("the archive is down")

    # Downloaded, then the archive fails: no row, so nothing counts as copied.
    with monkeypatch.context() as patched:
        patched.setattr(pipeline.archive, "put_locked", unavailable)
        with pytest.raises(S3Unavailable):
            await archive_copies(pipeline, retention_days=retention, tenants=[tenant.id])
    for invoice_id in ids:
        assert not [d for d in await _documents(chorus_client, tenant, invoice_id) if d["kind"] == "chorus_copy"]
    # Two runs at once: each invoice is archived by one of them, once.
    first, second = await asyncio.gather(
        archive_copies(pipeline, retention_days=retention, tenants=[tenant.id]),
        archive_copies(pipeline, retention_days=retention, tenants=[tenant.id]),
    )
    assert sorted(first.archived + second.archived) == sorted(ids)
    for invoice_id in ids:
        copies = [d for d in await _documents(chorus_client, tenant, invoice_id) if d["kind"] == "chorus_copy"]
        assert len(copies) == 1


async def test_the_job_is_registered_with_its_schedule(chorus_settings: Settings) -> None:
    from pdp.workers.app import create_worker

    worker = create_worker(chorus_settings, burst=True, handle_signals=False)
    assert ARCHIVE_COPIES in REGISTRY
    assert f"cron:{ARCHIVE_COPIES}" in {job.name for job in worker.cron_jobs}
