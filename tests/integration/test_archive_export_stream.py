"""The archive's zip is streamed with one document in memory at a time: a period of 12 MiB goes out with a Python
memory peak of a few MiB (measured with tracemalloc, which counts every allocation the export makes), and what
went out is a valid zip whose manifest proves each document."""

from __future__ import annotations

import hashlib
import json
import os
import tracemalloc
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.db.session import unit_of_work
from pdp.tenants.archive import service as archive_service
from pdp.tenants.archive.browse import archive_filter, plan_period_export
from pdp.tenants.archive.export import zip_chunks
from pdp.tenants.archive.store import Archive
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.invoices.report import SUMMARY

DOCUMENTS = 12
SIZE = 1024 * 1024  # random bytes: the zip stores them as they are


async def test_a_periods_zip_goes_out_one_document_at_a_time(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], archive: Archive, tmp_path: Path
) -> None:
    provider = (await client.post("/v1/providers", json=provider_payload(), headers=tenant.headers)).json()
    digests = {}
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        for number in range(DOCUMENTS):
            data = os.urandom(SIZE)
            stored = await archive_service.store(
                session,
                archive,
                archive_service.NewDocument(
                    provider["id"], "attachment", f"piece-{number}.pdf", "application/pdf", data, provider["id"]
                ),
                retention_days=1,
            )
            digests[stored.id] = hashlib.sha256(data).hexdigest()

    today = date.today()
    chosen = archive_filter(str(today - timedelta(days=1)), str(today + timedelta(days=1)), None)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        export = await plan_period_export(session, {provider["id"]}, chosen)
    target = tmp_path / "export.zip"
    sent = 0
    tracemalloc.start()
    try:
        with target.open("wb") as out:
            async for chunk in zip_chunks(archive, export):
                out.write(chunk)
                sent += len(chunk)
                del chunk
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert sent > DOCUMENTS * SIZE
    assert peak < 5 * SIZE, f"the export held {peak / SIZE:.1f} MiB at once"
    SUMMARY.append(
        f"archive export: {DOCUMENTS} documents, {sent / SIZE:.1f} MiB streamed with a Python memory peak of "
        f"{peak / SIZE:.1f} MiB"
    )
    with zipfile.ZipFile(target) as exported:
        manifest = json.loads(exported.read("manifest.json"))
        assert {entry["id"]: entry["sha256"] for entry in manifest["documents"]} == digests
        for entry in manifest["documents"]:
            assert hashlib.sha256(exported.read(entry["path"])).hexdigest() == entry["sha256"]
