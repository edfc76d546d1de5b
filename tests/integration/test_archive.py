"""The archive: Object Lock COMPLIANCE on every document, byte-identical reads, tampering detected, tenants apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.connectors.s3.client import ArchiveIntegrityError, S3Error
from pdp.platform import clock
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import NotFound
from pdp.tenants.archive import service
from pdp.tenants.archive.store import Archive
from tests.conftest import TenantFixture

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


async def _store(sessionmaker: async_sessionmaker[AsyncSession], archive: Archive, tenant: TenantFixture) -> str:
    document = service.NewDocument(
        subject_id="inv_01JABCDEFGHJKMNPQRSTVWXYZ0",
        kind="invoice_original",
        filename="../../etc/Facture F-001.pdf",
        content_type="application/pdf",
        data=PDF,
    )
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        stored = await service.store(session, archive, document, retention_days=1)
        return stored.id


async def test_a_document_is_locked_and_read_back_byte_identical(
    sessionmaker: async_sessionmaker[AsyncSession], archive: Archive, tenant: TenantFixture
) -> None:
    doc_id = await _store(sessionmaker, archive, tenant)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        document, data = await service.content(session, archive, doc_id)
    assert data == PDF
    assert (document.size, len(document.sha256), document.lock_mode) == (len(PDF), 64, "COMPLIANCE")
    assert document.s3_key.startswith(f"{tenant.id}/tenant/invoice_original/{doc_id}/")
    assert document.s3_key.endswith("/Facture_F-001.pdf")  # no path traversal reaches the key
    retention = await archive.retention(document.s3_key, document.version_id)
    assert retention.mode == "COMPLIANCE"
    assert retention.retain_until is not None
    assert abs(retention.retain_until - (clock.now() + timedelta(days=1))) < timedelta(minutes=5)


async def test_nobody_can_delete_an_archived_version(
    sessionmaker: async_sessionmaker[AsyncSession], archive: Archive, tenant: TenantFixture
) -> None:
    doc_id = await _store(sessionmaker, archive, tenant)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        document, _ = await service.content(session, archive, doc_id)
    with pytest.raises(S3Error) as refused:
        await archive.delete_version(document.s3_key, document.version_id)
    assert refused.value.denied
    assert await archive.get(document.s3_key, document.version_id) == PDF


async def test_tampering_is_detected_on_read_and_by_the_sample_check(
    sessionmaker: async_sessionmaker[AsyncSession],
    archive: Archive,
    tenant: TenantFixture,
    owner_engine: AsyncEngine,
) -> None:
    doc_id = await _store(sessionmaker, archive, tenant)
    healthy_id = await _store(sessionmaker, archive, tenant)
    async with owner_engine.begin() as conn:  # simulate a corrupted record (or a swapped object)
        await conn.execute(text("UPDATE documents SET sha256 = repeat('0', 64) WHERE id = :id"), {"id": doc_id})
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        with pytest.raises(ArchiveIntegrityError):
            await service.content(session, archive, doc_id)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        report = await service.verify_sample(session, archive, size=1000)
    assert report.checked >= 2
    assert doc_id in report.mismatched and healthy_id not in report.mismatched
    # The alarm is in the staff queue, once however many checks find it again.
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        await service.verify_sample(session, archive, size=1000)
    async with owner_engine.connect() as conn:
        cases = (
            await conn.execute(
                text("SELECT kind, tenant_ids FROM staff_cases WHERE subject_id = :id AND resolved_at IS NULL"),
                {"id": doc_id},
            )
        ).all()
    assert [(kind, list(tenants)) for kind, tenants in cases] == [("archive_mismatch", [tenant.id])]


async def test_another_tenant_cannot_read_a_document(
    sessionmaker: async_sessionmaker[AsyncSession],
    archive: Archive,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
) -> None:
    doc_id = await _store(sessionmaker, archive, tenant)
    async with unit_of_work(sessionmaker, tenant_id=other_tenant.id) as session:
        with pytest.raises(NotFound):
            await service.content(session, archive, doc_id)


@pytest.mark.parametrize(
    ("given", "safe"),
    [("../../etc/passwd", "passwd"), ("..\\..\\boot.ini", "boot.ini"), (".hidden", "hidden"), ("", "document")],
)
def test_file_names_never_escape_their_key(given: str, safe: str) -> None:
    assert service.safe_filename(given) == safe
