"""One-shot operator tasks behind CLI commands."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import IO

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import ids
from pdp.platform.audit import Actor, tenants_with_events
from pdp.platform.audit_anchor import AuditKeys
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.errors import NotFound
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.archive.audit_checkpoints import AuditReport, checkpointed_tenants, verify_tenant
from pdp.tenants.archive.export import ExportSummary, export_provider
from pdp.tenants.archive.repository import DocumentRepository
from pdp.tenants.archive.store import open_archive
from pdp.tenants.providers.repository import tenant_of_provider


async def create_tenant(settings: Settings, name: str, mode: str) -> tuple[str, str]:
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant_id=ids.new_id("tenant")) as session:
            tenant, issued = await accounts.create_tenant(session, name, key_mode=mode)
        return tenant.id, issued.secret
    finally:
        await engine.dispose()


async def verify_audit(settings: Settings, tenant_id: str | None) -> list[AuditReport]:
    """Every chain recomputed and held against its tenant's last checkpoint in the archive."""
    # Listing tenants crosses tenants: it needs the owner connection, the app role would see none.
    owner = create_engine(settings.owner_url, pool_size=1)
    engine = create_engine(settings.database_url, pool_size=1)
    bucket = open_archive(settings)
    keys = AuditKeys.from_master_keys(settings.master_keys)
    try:
        if tenant_id:
            tenants = [tenant_id]
        else:
            async with create_sessionmaker(owner)() as session:
                with_events = await tenants_with_events(session)
            # A tenant whose every event was deleted is known by its checkpoints only.
            tenants = sorted({*with_events, *await checkpointed_tenants(bucket)})
        reports = []
        for tid in tenants:
            async with unit_of_work(create_sessionmaker(engine), tenant_id=tid) as session:
                reports.append(await verify_tenant(session, bucket, keys))
        return reports
    finally:
        bucket.close()
        await owner.dispose()
        await engine.dispose()


@asynccontextmanager
async def unit_of_work_in_tenant_of(
    settings: Settings, locate: Callable[[AsyncSession], Awaitable[str | None]], missing: str
) -> AsyncIterator[AsyncSession]:
    """A unit of work in the tenant ``locate`` finds (NotFound with ``missing`` when it finds none)."""
    # Finding the tenant crosses tenants: the owner connection; the work itself runs as the app role, under RLS.
    owner = create_engine(settings.owner_url, pool_size=1)
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with create_sessionmaker(owner)() as session:
            tenant_id = await locate(session)
        if tenant_id is None:
            raise NotFound(missing)
        async with unit_of_work(create_sessionmaker(engine), tenant_id=tenant_id) as session:
            yield session
    finally:
        await owner.dispose()
        await engine.dispose()


def provider_unit_of_work(settings: Settings, provider_id: str) -> AbstractAsyncContextManager[AsyncSession]:
    """A unit of work in the tenant that owns ``provider_id``."""
    return unit_of_work_in_tenant_of(
        settings, lambda owner: tenant_of_provider(owner, provider_id), f"No provider {provider_id}."
    )


async def export_archive(
    settings: Settings,
    provider_id: str,
    out: IO[bytes],
    on_document: Callable[[int], None],
    *,
    expected: Callable[[int], None],
) -> ExportSummary:
    """Export one provider's archive; ``expected`` is told the document count first (for a progress bar)."""
    bucket = open_archive(settings)
    try:
        async with provider_unit_of_work(settings, provider_id) as session:
            expected(len(await DocumentRepository(session).of_provider(provider_id)))
            return await export_provider(
                session, bucket, provider_id, out, on_document=on_document, actor=Actor("staff", "cli")
            )
    finally:
        bucket.close()
