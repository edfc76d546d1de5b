"""The recipients directory: cache, freshness, stale-while-Chorus-is-down, negative cache, the API and the job.

Chorus itself is replaced here by a scripted source at the ``DirectorySource`` port, so each test controls what
Chorus answers and counts the calls; the path through the real client and the sandbox emulator is covered by
``tests/contract``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.connectors.chorus_pro.errors import ChorusTimeout
from pdp.platform.errors import InvalidRequest
from pdp.tenants.directory.schemas import RecipientSnapshot, ServiceSnapshot
from pdp.tenants.directory.service import RecentAnswers, RecipientDirectory, RecipientNotFound
from tests.conftest import TenantFixture
from tests.factories import siret as new_siret

TTL = timedelta(hours=24)


def snapshot(siret: str, **flags: bool) -> RecipientSnapshot:
    return RecipientSnapshot(
        siret=siret,
        name="Mairie d'Exemple",
        active=True,
        chorus_id=26300989,
        services=(
            ServiceSnapshot("SERV-COMPTA", "Comptabilité", active=True, engagement_required=True, chorus_id=10657669),
            ServiceSnapshot("SERV-OLD", "Ancien service", active=False, engagement_required=False),
        ),
        **flags,
    )


@dataclass
class ScriptedChorus:
    answers: dict[str, RecipientSnapshot | None] = field(default_factory=dict)
    down: bool = False
    calls: list[str] = field(default_factory=list)

    async def fetch(self, siret: str) -> RecipientSnapshot | None:
        self.calls.append(siret)
        if self.down:
            raise ChorusTimeout("Chorus Pro did not answer in time")
        return self.answers.get(siret)


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 27, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


async def _lookup(
    sessionmaker: async_sessionmaker[AsyncSession], source: ScriptedChorus | None, clock: Clock, siret: str
) -> object:
    return await RecipientDirectory(sessionmaker, source, ttl=TTL, clock=clock).get(siret)


async def test_a_miss_asks_chorus_once_then_the_cache_answers(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    siret, clock = new_siret(), Clock()
    chorus = ScriptedChorus({siret: snapshot(siret, service_code_required=True)})
    first = await _lookup(sessionmaker, chorus, clock, siret)
    clock.now += TTL - timedelta(minutes=1)
    second = await _lookup(sessionmaker, chorus, clock, siret)
    assert chorus.calls == [siret]
    assert first == second
    assert second.service_code_required is True  # type: ignore[attr-defined]
    assert [(s.code, s.active, s.engagement_required) for s in second.services] == [  # type: ignore[attr-defined]
        ("SERV-COMPTA", True, True),
        ("SERV-OLD", False, False),
    ]


async def test_a_stale_entry_is_refreshed_and_changes_are_seen(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    siret, clock = new_siret(), Clock()
    chorus = ScriptedChorus({siret: snapshot(siret)})
    await _lookup(sessionmaker, chorus, clock, siret)
    chorus.answers[siret] = snapshot(siret, engagement_required=True)
    clock.now += TTL + timedelta(minutes=1)
    refreshed = await _lookup(sessionmaker, chorus, clock, siret)
    assert len(chorus.calls) == 2
    assert refreshed.engagement_required is True  # type: ignore[attr-defined]


async def test_chorus_down_serves_the_stale_entry(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    siret, clock = new_siret(), Clock()
    chorus = ScriptedChorus({siret: snapshot(siret)})
    await _lookup(sessionmaker, chorus, clock, siret)
    chorus.down = True
    clock.now += TTL * 3
    stale = await _lookup(sessionmaker, chorus, clock, siret)
    assert stale.name == "Mairie d'Exemple"  # type: ignore[attr-defined]
    assert stale.fetched_at < clock.now - TTL  # type: ignore[attr-defined]


async def test_chorus_down_without_a_cached_entry_is_a_transient_error(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(ChorusTimeout) as caught:
        await _lookup(sessionmaker, ScriptedChorus(down=True), Clock(), new_siret())
    assert caught.value.transient and caught.value.status == 503


async def test_an_unknown_siret_is_404_and_cached_for_an_hour(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    siret, clock, chorus = new_siret(), Clock(), ScriptedChorus()
    for _ in range(2):
        with pytest.raises(RecipientNotFound):
            await _lookup(sessionmaker, chorus, clock, siret)
    assert chorus.calls == [siret]
    clock.now += timedelta(hours=1, minutes=1)
    chorus.answers[siret] = snapshot(siret)  # the structure was created in Chorus meanwhile
    found = await _lookup(sessionmaker, chorus, clock, siret)
    assert found.siret == siret  # type: ignore[attr-defined]


async def test_an_invalid_siret_is_refused_before_asking_chorus(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    chorus = ScriptedChorus()
    with pytest.raises(InvalidRequest) as caught:
        await _lookup(sessionmaker, chorus, Clock(), "12345678901234")
    assert caught.value.code == "siret_invalid"
    assert chorus.calls == []


async def test_stale_lists_the_oldest_entries_first(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    clock = Clock(datetime(2020, 1, 1, tzinfo=UTC))  # older than anything other tests stored
    old, older = new_siret(), new_siret()
    chorus = ScriptedChorus({old: snapshot(old), older: snapshot(older)})
    await _lookup(sessionmaker, chorus, clock, older)
    clock.now += timedelta(hours=1)
    await _lookup(sessionmaker, chorus, clock, old)
    stale = await RecipientDirectory(sessionmaker, chorus, ttl=TTL, clock=Clock()).stale(limit=10_000)
    assert stale.index(older) < stale.index(old)


async def test_api_without_chorus_access_says_so(
    client: AsyncTestClient,  # type: ignore[type-arg]
    tenant: TenantFixture,
) -> None:
    response = await client.get(f"/v1/recipients/{new_siret()}", headers=tenant.headers)
    assert response.status_code == 503
    assert response.json()["code"] == "chorus_not_configured"


async def test_api_serves_a_cached_recipient_in_the_documented_shape(
    client: AsyncTestClient,  # type: ignore[type-arg]
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    siret = new_siret()
    chorus = ScriptedChorus({siret: snapshot(siret, engagement_or_service_required=True)})
    await _lookup(sessionmaker, chorus, Clock(datetime.now(UTC)), siret)
    response = await client.get(f"/v1/recipients/{siret}", headers=tenant.headers)
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("siret", "active", "engagement_or_service_required", "service_code_required")} == {
        "siret": siret,
        "active": True,
        "engagement_or_service_required": True,
        "service_code_required": False,
    }
    assert body["services"][0] == {
        "code": "SERV-COMPTA",
        "name": "Comptabilité",
        "active": True,
        "engagement_required": True,
    }
    bad = await client.get("/v1/recipients/not-a-siret", headers=tenant.headers)
    assert (bad.status_code, bad.json()["code"]) == (400, "siret_invalid")
    anonymous = await client.get(f"/v1/recipients/{siret}")
    assert anonymous.status_code == 401


async def test_recent_answers_are_held_in_the_process_for_their_hold_then_read_again(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    known, unknown, clock = new_siret(), new_siret(), Clock()
    chorus = ScriptedChorus({known: snapshot(known)})
    ticks = [0.0]
    recent = RecentAnswers(hold=30.0, clock=lambda: ticks[0])
    directory = RecipientDirectory(sessionmaker, chorus, ttl=TTL, clock=clock, recent=recent)
    first = await directory.lookup(known)
    assert await directory.lookup(unknown) is None
    async with sessionmaker() as session, session.begin():  # the database cache changes behind the process
        await session.execute(text("UPDATE chorus_recipients SET name = 'Renamed' WHERE siret = :s"), {"s": known})
    ticks[0] = 29.0
    held = await directory.lookup(known)
    assert held is first and held is not None and held.name == "Mairie d'Exemple"
    assert await directory.lookup(unknown) is None
    assert chorus.calls == [known, unknown]  # the unknown SIRET is held too
    ticks[0] = 31.0
    reread = await directory.lookup(known)
    assert reread is not None and reread.name == "Renamed"  # past the hold: the database cache again
    assert chorus.calls == [known, unknown]


def test_recent_answers_start_over_when_full() -> None:
    recent = RecentAnswers(hold=30.0, size=2, clock=lambda: 0.0)
    recent.put("a", None)
    recent.put("b", None)
    recent.put("c", None)
    assert recent.get("a") == (False, None) and recent.get("c") == (True, None)
