"""SQL for mandates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.db.repository import Page, TenantRepository
from pdp.tenants.mandates.models import Mandate


@dataclass(frozen=True, slots=True)
class ContestedSiret:
    case_id: str  # the open staff case (a third tenant joins the case the second one opened)
    other_tenants: int  # how many other tenants hold or ask for a mandate of this SIRET


@dataclass(frozen=True, slots=True)
class PlatformOfSiret:
    """A platform (tenant) that holds or asks for a mandate of a SIRET, as the provider may see it."""

    tenant_id: str
    tenant_name: str
    mandate_id: str
    status: str
    requested_at: datetime
    accepted_at: datetime | None


async def flag_contested_siret(session: AsyncSession, siret: str, case_id: str) -> ContestedSiret | None:
    """Open (or join) the staff case of a SIRET other tenants also ask mandates for; ``None`` when none does.

    ``pdp_flag_contested_siret`` (migration 0019) looks across tenants, which the app role cannot, and only for a
    SIRET the calling tenant itself asks a mandate for."""
    row = (
        await session.execute(
            text("SELECT case_id, other_tenants FROM pdp_flag_contested_siret(:siret, :case_id)"),
            {"siret": siret, "case_id": case_id},
        )
    ).first()
    return ContestedSiret(str(row.case_id), int(row.other_tenants)) if row is not None else None


async def platforms_for_siret(session: AsyncSession, siret: str) -> list[PlatformOfSiret]:
    """Every platform holding or asking for a mandate of ``siret``, oldest request first — through
    ``pdp_platforms_for_siret``, which answers only a session bound to a provider scope holding that SIRET."""
    rows = await session.execute(
        text(
            "SELECT tenant_id, tenant_name, mandate_id, status, requested_at, accepted_at "
            "FROM pdp_platforms_for_siret(:siret)"
        ),
        {"siret": siret},
    )
    return [PlatformOfSiret(*row) for row in rows]


class MandateRepository(TenantRepository[Mandate]):
    model = Mandate
    provider_key = "provider_id"

    async def for_update(self, mandate_id: str) -> Mandate:
        """Locked: acceptance, revocation and expiry of one mandate run one after the other."""
        found = await self.session.execute(self.select().where(Mandate.id == mandate_id).with_for_update())
        mandate = found.scalar_one_or_none()
        if mandate is None:
            await self.get(mandate_id)  # raises NotFound with the usual message
        assert mandate is not None
        return mandate

    async def search(
        self, *, provider_id: str | None, status: str | None, limit: int, starting_after: str | None
    ) -> Page[Mandate]:
        query = self.select()
        if provider_id:
            query = query.where(Mandate.provider_id == provider_id)
        if status:
            query = query.where(Mandate.status == status)
        return await self.page(query, limit=limit, starting_after=starting_after)

    async def pending_count(self, provider_id: str, now: datetime) -> int:
        """The provider's pending mandates whose acceptance link still works, counted once earlier creations for
        this provider have committed: the transaction-scoped lock makes concurrent creations count one by one."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"mandates.create:{self.tenant_id}:{provider_id}"},
        )
        query = select(func.count()).where(
            Mandate.tenant_id == self.tenant_id,
            Mandate.provider_id == provider_id,
            Mandate.status == "pending",
            Mandate.token_expires_at > now,
        )
        return int((await self.session.execute(query)).scalar_one())

    async def active_on(self, provider_id: str, day: date) -> list[Mandate]:
        query = self.select().where(
            Mandate.provider_id == provider_id,
            Mandate.status == "active",
            Mandate.valid_from <= day,
            or_(Mandate.valid_until.is_(None), Mandate.valid_until >= day),
        )
        return list((await self.session.execute(query)).scalars())

    async def expire_ended(self, today: date) -> list[tuple[str, str]]:
        """Active mandates whose last day has passed become ``expired``; returns their (id, provider_id)."""
        statement = (
            update(Mandate)
            .where(Mandate.tenant_id == self.tenant_id, Mandate.status == "active", Mandate.valid_until < today)
            .values(status="expired", expired_at=text("now()"))
            .returning(Mandate.id, Mandate.provider_id)
        )
        return [(row.id, row.provider_id) for row in await self.session.execute(statement)]
