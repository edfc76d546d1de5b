"""The schema the migrations build is the schema the models describe (no drift either way)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.tenants.models import Base


def _diff(connection: Any) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "version_table": "schema_version"})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_equals_the_models(owner_engine: AsyncEngine) -> None:
    async with owner_engine.connect() as conn:
        differences = await conn.run_sync(_diff)
    assert differences == []
