"""All SQL of the recipients directory."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pdp.tenants.directory.models import Recipient, RecipientService


class RecipientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, siret: str) -> Recipient | None:
        statement = (
            select(Recipient)
            .where(Recipient.siret == siret)
            .options(selectinload(Recipient.services))
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def store(self, recipient: dict[str, Any], services: Sequence[dict[str, Any]]) -> None:
        """Replace the snapshot of one SIRET. The upsert takes the row lock first, so two concurrent refreshes
        of the same SIRET run one after the other instead of colliding on the primary key."""
        upsert = pg_insert(Recipient).values(**recipient)
        await self.session.execute(
            upsert.on_conflict_do_update(
                index_elements=[Recipient.siret],
                set_={key: upsert.excluded[key] for key in recipient if key != "siret"},
            )
        )
        siret = recipient["siret"]
        await self.session.execute(delete(RecipientService).where(RecipientService.siret == siret))
        if services:
            await self.session.execute(insert(RecipientService), [{**one, "siret": siret} for one in services])

    async def names(self, sirets: Collection[str]) -> dict[str, str]:
        """The names Chorus Pro gives the ``sirets`` it knows (a SIRET never looked up, or unknown, is absent)."""
        if not sirets:
            return {}
        statement = select(Recipient.siret, Recipient.name).where(
            Recipient.siret.in_(sirets), Recipient.known, Recipient.name != ""
        )
        return {row.siret: row.name for row in await self.session.execute(statement)}

    async def stale(self, fetched_before: datetime, limit: int) -> list[str]:
        """SIRETs whose snapshot is older than ``fetched_before``, oldest first."""
        statement = (
            select(Recipient.siret)
            .where(Recipient.fetched_at < fetched_before)
            .order_by(Recipient.fetched_at)
            .limit(limit)
        )
        return list((await self.session.execute(statement)).scalars())
