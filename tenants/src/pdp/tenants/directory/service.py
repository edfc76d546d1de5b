"""The recipients directory: Chorus Pro's public structures, cached in the database and refreshed by a job.

A lookup serves a fresh snapshot from the cache, else asks Chorus and stores the answer. The directory runs its
own short transactions instead of joining the caller's: a cache fill is not part of the caller's business (a
404 or a rejected invoice rolls the request back, but what Chorus said stays true), and no database
transaction is held open while Chorus is being asked. When Chorus is down
a stale snapshot is still served (a directory that is a day old is far better than none); with no snapshot at
all the caller gets a transient ``chorus_unavailable``. "Unknown SIRET" is cached too, for a shorter time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from stdnum.fr import siret as siret_number

from pdp.connectors.chorus_pro.errors import ChorusError
from pdp.einvoice.validation.chorus import RecipientInfo, ServiceInfo
from pdp.platform.clock import now
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import InvalidRequest, NotFound
from pdp.tenants.chorus_gateway import ChorusGateway, ChorusNotConfigured
from pdp.tenants.directory.chorus_source import ChorusDirectorySource
from pdp.tenants.directory.models import Recipient
from pdp.tenants.directory.repository import RecipientRepository
from pdp.tenants.directory.schemas import AddressRead, RecipientRead, RecipientSnapshot, ServiceRead

UNKNOWN_TTL = timedelta(hours=1)
RECENT_HOLD_SECONDS = 30.0
RECENT_SIZE = 4096


class DirectorySource(Protocol):
    async def fetch(self, siret: str) -> RecipientSnapshot | None: ...


class RecipientNotFound(NotFound):
    default_code = "recipient_not_found"
    title = "Chorus Pro knows no structure with this SIRET"


def clean_siret(value: str) -> str:
    siret = value.replace(" ", "")
    if not siret_number.is_valid(siret):
        raise InvalidRequest(f"'{value}' is not a valid SIRET (14 digits, Luhn checked).", code="siret_invalid")
    return siret


class RecentAnswers:
    """The directory's fresh answers of the last few seconds, kept in the process.

    Every deposit looks its recipient up, and a platform's deposits go to few recipients: holding the answer
    for ``hold`` seconds saves a transaction and two queries on nearly every deposit. A change Chorus makes
    reaches a process at most ``hold`` seconds later than it reaches the database cache, whose own TTL is a day.
    """

    def __init__(
        self,
        hold: float = RECENT_HOLD_SECONDS,
        size: int = RECENT_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._hold = hold
        self._size = size
        self._clock = clock
        self._answers: dict[str, tuple[float, Recipient | None]] = {}

    def get(self, siret: str) -> tuple[bool, Recipient | None]:
        """(found, the recipient or None when Chorus does not know it)."""
        held = self._answers.get(siret)
        if held is None or held[0] < self._clock():
            return False, None
        return True, held[1]

    def put(self, siret: str, recipient: Recipient | None) -> None:
        if len(self._answers) >= self._size:
            self._answers.clear()  # a burst of distinct SIRETs: start over rather than track ages
        self._answers[siret] = (self._clock() + self._hold, recipient)


class RecipientDirectory:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        source: DirectorySource | None,
        *,
        ttl: timedelta,
        clock: Callable[[], datetime] = now,
        recent: RecentAnswers | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._source = source
        self._ttl = ttl
        self._clock = clock
        self._recent = recent

    async def get(self, siret: str) -> RecipientRead:
        """The recipient as docs/api.md shows it; ``recipient_not_found`` when Chorus does not know the SIRET."""
        recipient = await self.lookup(clean_siret(siret))
        if recipient is None:
            raise RecipientNotFound(f"Chorus Pro knows no structure with SIRET {siret}.")
        return to_read(recipient)

    async def lookup(self, siret: str) -> Recipient | None:
        """The cached or freshly fetched recipient, ``None`` when unknown to Chorus."""
        if self._recent is not None:
            found, recipient = self._recent.get(siret)
            if found:
                return recipient
        async with unit_of_work(self._sessionmaker) as session:
            cached = await RecipientRepository(session).get(siret)
        if cached is not None and self._fresh(cached):
            return self._remember(siret, cached if cached.known else None)
        try:
            return self._remember(siret, await self.refresh(siret))
        except (ChorusError, ChorusNotConfigured):
            if cached is None:
                raise
            return cached if cached.known else None  # stale: not held, the next lookup tries Chorus again

    def _remember(self, siret: str, recipient: Recipient | None) -> Recipient | None:
        if self._recent is not None:
            self._recent.put(siret, recipient)
        return recipient

    async def refresh(self, siret: str) -> Recipient | None:
        """Ask Chorus now and store the answer, whatever the cache holds."""
        if self._source is None:
            raise ChorusNotConfigured()
        snapshot = await self._source.fetch(siret)
        fetched_at = self._clock()
        async with unit_of_work(self._sessionmaker) as session:
            repository = RecipientRepository(session)
            if snapshot is None:
                await repository.store({"siret": siret, "known": False, "fetched_at": fetched_at}, [])
                return None
            row = asdict(snapshot)
            services = row.pop("services")
            await repository.store({**row, "known": True, "fetched_at": fetched_at}, services)
            return await repository.get(siret)

    async def stale(self, limit: int) -> list[str]:
        async with unit_of_work(self._sessionmaker) as session:
            return await RecipientRepository(session).stale(self._clock() - self._ttl, limit)

    def _fresh(self, recipient: Recipient) -> bool:
        ttl = self._ttl if recipient.known else min(self._ttl, UNKNOWN_TTL)
        return recipient.fetched_at > self._clock() - ttl


def to_read(recipient: Recipient) -> RecipientRead:
    return RecipientRead(
        siret=recipient.siret,
        name=recipient.name,
        address=AddressRead(
            line1=recipient.address_line,
            postal_code=recipient.postal_code,
            city=recipient.city,
            country=recipient.country_code,
        )
        if recipient.address_line or recipient.city
        else None,
        active=recipient.active,
        service_code_required=recipient.service_code_required,
        engagement_required=recipient.engagement_required,
        engagement_or_service_required=recipient.engagement_or_service_required,
        services=[
            ServiceRead(code=s.code, name=s.name, active=s.active, engagement_required=s.engagement_required)
            for s in recipient.services
        ],
        fetched_at=recipient.fetched_at,
    )


def open_directory(
    sessionmaker: async_sessionmaker[AsyncSession],
    gateway: ChorusGateway | None,
    ttl_hours: int,
    recent: RecentAnswers | None = None,
) -> RecipientDirectory:
    """The directory, asking Chorus through ``gateway`` (none: cache only), holding answers in ``recent``."""
    source = ChorusDirectorySource(gateway) if gateway is not None else None
    return RecipientDirectory(sessionmaker, source, ttl=timedelta(hours=ttl_hours), recent=recent)


def to_info(recipient: Recipient) -> RecipientInfo:
    """The directory entry as the Chorus validation layer reads it."""
    return RecipientInfo(
        siret=recipient.siret,
        active=recipient.active,
        service_code_required=recipient.service_code_required,
        engagement_required=recipient.engagement_required,
        engagement_or_service_required=recipient.engagement_or_service_required,
        services={s.code: ServiceInfo(s.code, s.active, s.engagement_required) for s in recipient.services},
    )
