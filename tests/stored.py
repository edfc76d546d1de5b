"""What the app stored, read as the schema owner (past row-level security): the jobs it staged for a worker, the
audit entries someone left, any single value a test checks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def owner_value(owner_engine: AsyncEngine, sql: str, **parameters: Any) -> Any:
    """The one value ``sql`` selects (it fails unless there is exactly one row)."""
    async with owner_engine.connect() as conn:
        return (await conn.execute(text(sql), parameters)).scalar_one()


async def owner_row(owner_engine: AsyncEngine, sql: str, **parameters: Any) -> tuple[Any, ...]:
    """The one row ``sql`` selects (it fails unless there is exactly one)."""
    async with owner_engine.connect() as conn:
        return tuple((await conn.execute(text(sql), parameters)).one())


async def staged_jobs(owner_engine: AsyncEngine, tenant_id: str, job_name: str) -> list[dict[str, Any]]:
    """The payloads of the ``job_name`` jobs the tenant's transactions staged in the outbox, oldest first: tests run
    no worker, so a test runs the job itself with them."""
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM outbox WHERE tenant_id = :t AND job_name = :j ORDER BY id"),
            {"t": tenant_id, "j": job_name},
        )
        return [dict(payload) for payload in rows.scalars()]


async def audit_actions(owner_engine: AsyncEngine, tenant_id: str, actor_id: str) -> list[str]:
    """The actions the audit log holds of ``actor_id`` in the tenant, in the order they happened."""
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT action FROM audit_events WHERE tenant_id = :t AND actor_id = :a ORDER BY occurred_at, id"),
            {"t": tenant_id, "a": actor_id},
        )
        return list(rows.scalars())
