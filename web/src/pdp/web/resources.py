"""Long-lived clients of one API process, built in the lifespan and closed at shutdown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import jobs
from pdp.platform.admission import Admission, TenantLimits
from pdp.platform.db.session import create_engine, create_sessionmaker
from pdp.platform.errors import ServiceUnavailable
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.archive.store import Archive, open_archive
from pdp.tenants.chorus_gateway import ChorusGateway, open_chorus
from pdp.tenants.deposits.payment_terms import PaymentTerms
from pdp.tenants.directory.service import RecentAnswers, RecipientDirectory, open_directory
from pdp.tenants.identity.postal_code import SireneClient, open_sirene
from pdp.tenants.identity.proconnect import ProConnectClient, open_proconnect
from pdp.tenants.identity.proofs import Availability


@dataclass(slots=True)
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    redis: Any  # arq's ArqRedis
    queue: jobs.JobQueue
    archive: Archive
    chorus: ChorusGateway | None
    envelope: Envelope | None  # None when PDP_MASTER_KEYS is unset: features storing secrets answer 503
    admission: Admission  # each tenant's rate and requests in progress, shared by every API process
    proconnect: ProConnectClient | None = None  # None: no ProConnect issuer and client configured
    sirene: SireneClient | None = None  # where a SIRET's registered address is read (the postal code's letter)
    recent_recipients: RecentAnswers = field(default_factory=RecentAnswers)  # shared by this process's requests
    in_flight: int = 0  # Partner API requests being worked on (one event loop: no lock needed)

    def directory(self) -> RecipientDirectory | None:
        """Chorus Pro's recipients directory; ``None`` without Chorus access (recipient checks then do not run)."""
        if self.chorus is None:
            return None
        return open_directory(
            self.sessionmaker, self.chorus, self.settings.directory_ttl_hours, recent=self.recent_recipients
        )

    def payment_terms(self) -> PaymentTerms:
        return PaymentTerms.from_settings(self.settings)

    def identity_channels(self) -> Availability:
        """Which proofs of identity this process can run (the setting then says which ones are offered)."""
        return Availability(
            proconnect=self.proconnect is not None and self.envelope is not None,  # its login state is sealed
            chorus_account=self.chorus is not None,
            postal_code=bool(self.settings.letters_dir) and self.sirene is not None and self.envelope is not None,
        )

    def require_envelope(self) -> Envelope:
        if self.envelope is None:
            raise ServiceUnavailable("PDP_MASTER_KEYS is not configured.", code="master_keys_missing")
        return self.envelope


def tenant_limits(settings: Settings) -> TenantLimits:
    return TenantLimits(
        max_in_flight=settings.api_tenant_max_in_flight,
        rate_per_second=settings.api_tenant_rate_per_second,
        burst=settings.api_tenant_rate_burst,
    )


@asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[Resources]:
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
    redis = await jobs.create_arq_redis(settings.redis_url)
    archive = open_archive(settings)
    try:
        async with (
            open_chorus(settings, redis=redis) as chorus,
            open_proconnect(settings) as proconnect,
            open_sirene(settings, redis) as sirene,
        ):
            sessionmaker = create_sessionmaker(engine)
            envelope = Envelope(settings.master_keys) if settings.master_keys else None
            queue = jobs.ArqQueue(redis)
            admission = Admission(redis, tenant_limits(settings))
            yield Resources(
                settings,
                engine,
                sessionmaker,
                redis,
                queue,
                archive,
                chorus,
                envelope,
                admission,
                proconnect=proconnect,
                sirene=sirene,
            )
    finally:
        archive.close()
        await redis.aclose()
        await engine.dispose()
