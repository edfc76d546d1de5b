"""The database owner tampers with the audit log; ``pdp audit verify`` catches it against the keyed checkpoint.

Each attack runs as the schema owner (the migration role): it switches the append-only trigger off, as it may,
rewrites ``audit_events``, and switches the trigger back on. The chain alone cannot catch a rewrite whose hashes
were recomputed, a lane whose tail was cut or a lane removed whole (``audit.verify`` says ok, as the tests show);
the checkpoint in the Object Lock archive, MAC'd with a key the database does not hold, does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from pdp.cli.main import cli
from pdp.platform import audit
from pdp.platform.audit import Actor, AuditEvent, AuditRepository, _digest, lane_of
from pdp.platform.audit_anchor import AuditKeys
from pdp.platform.db.session import unit_of_work
from pdp.platform.security.envelope import generate_master_key
from pdp.platform.settings import Settings
from pdp.tenants.archive.audit_checkpoints import (
    AuditTrailTampered,
    checkpointed_tenants,
    verify_tenant,
    write_checkpoint,
)
from pdp.tenants.archive.store import Archive
from tests.conftest import TenantFixture

ACTOR = Actor("system", "attack-suite")
TARGET = ("thing", "thing_1")
LANE = lane_of(*TARGET)
EVENTS = 4  # in the target's lane, after the fixture's own events (which may share it)


@pytest.fixture
def operator_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for field in dataclasses.fields(settings):
        monkeypatch.setenv(f"PDP_{field.name.upper()}", str(getattr(settings, field.name)))
    yield


@pytest.fixture
def keys(settings: Settings) -> AuditKeys:
    return AuditKeys(settings.master_keys)


@pytest.fixture
async def checkpointed(
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    archive: Archive,
    keys: AuditKeys,
    settings: Settings,
) -> AsyncIterator[TenantFixture]:
    """A tenant with events in the target's lane and a checkpoint of every lane's head."""
    for n in range(EVENTS):
        async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
            await AuditRepository(session).append(ACTOR, "thing.done", *TARGET, {"n": n})
    written = await write_checkpoint(
        sessionmaker, tenant.id, archive, keys, retention_days=settings.archive_retention_days
    )
    assert written is not None and LANE in {s.head.lane for s in written.heads}
    yield tenant


async def _as_owner(owner_engine: AsyncEngine, tenant_id: str, *statements: tuple[str, dict[str, Any]]) -> None:
    """Run ``statements`` as the schema owner with the append-only trigger off, as an attacker would."""
    async with owner_engine.begin() as conn:
        await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": tenant_id})
        await conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        for statement, params in statements:
            await conn.execute(text(statement), {"tenant": tenant_id, "lane": LANE, **params})
        await conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


async def _lane_seqs(owner_engine: AsyncEngine, tenant_id: str) -> list[int]:
    async with owner_engine.begin() as conn:
        await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": tenant_id})
        rows = await conn.execute(
            text("SELECT seq FROM audit_events WHERE tenant_id = :t AND lane = :l ORDER BY seq"),
            {"t": tenant_id, "l": LANE},
        )
        return list(rows.scalars())


async def _chain_alone_ok(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str) -> bool:
    """What ``pdp audit verify`` said before checkpoints: the chain recomputed from its first event."""
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        return (await audit.verify(session)).ok


async def _verify_cli(tenant_id: str) -> Any:
    # The command runs its own event loop (asyncio.run): give it a thread of its own.
    return await asyncio.to_thread(CliRunner().invoke, cli, ["audit", "verify", "--tenant", tenant_id])


async def _recompute_lane(conn: AsyncConnection, tenant_id: str, edit_seq: int) -> None:
    """Edit the event at ``edit_seq``, then rehash it and every later one: a chain consistent from end to end."""
    await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": tenant_id})
    await conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    rows = (
        await conn.execute(
            text("SELECT * FROM audit_events WHERE tenant_id = :t AND lane = :l ORDER BY seq"),
            {"t": tenant_id, "l": LANE},
        )
    ).mappings()
    previous = None
    for row in rows.all():
        event = AuditEvent(**{column: row[column] for column in row.keys()})  # noqa: SIM118 (a RowMapping)
        if event.seq == edit_seq:
            event.data = {"n": 999, "note": "rewritten"}
        if event.seq >= edit_seq:
            event.prev_hash = previous if previous is not None else event.prev_hash
            event.hash = _digest(event)
            await conn.execute(
                text(
                    "UPDATE audit_events SET data = CAST(:data AS jsonb), prev_hash = :prev, hash = :hash"
                    " WHERE tenant_id = :t AND lane = :l AND seq = :s"
                ),
                {
                    "data": json.dumps(event.data),
                    "prev": event.prev_hash,
                    "hash": event.hash,
                    "t": tenant_id,
                    "l": LANE,
                    "s": event.seq,
                },
            )
        previous = event.hash
    await conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


@pytest.mark.usefixtures("operator_environment")
async def test_a_clean_chain_verifies_ok_against_its_checkpoint(checkpointed: TenantFixture) -> None:
    verified = await _verify_cli(checkpointed.id)
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith(f"{checkpointed.id}: ") and " events, checkpoint of " in verified.output
    assert verified.output.strip().endswith(", ok")


@pytest.mark.usefixtures("operator_environment")
async def test_an_edited_event_is_caught(checkpointed: TenantFixture, owner_engine: AsyncEngine) -> None:
    seq = (await _lane_seqs(owner_engine, checkpointed.id))[-2]
    await _as_owner(
        owner_engine,
        checkpointed.id,
        (
            "UPDATE audit_events SET data = '{\"n\": 99}' WHERE tenant_id = :tenant AND lane = :lane AND seq = :s",
            {"s": seq},
        ),
    )
    verified = await _verify_cli(checkpointed.id)
    assert verified.exit_code == 1, verified.output
    assert f"{checkpointed.id}: lane {LANE} seq {seq}: event content does not match its hash" in verified.output


@pytest.mark.usefixtures("operator_environment")
@pytest.mark.parametrize("first", [-1, 1], ids=["the-head-rehashed", "from-the-second-event-on"])
async def test_a_recomputed_chain_is_caught(
    checkpointed: TenantFixture,
    owner_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    first: int,
) -> None:
    seqs = await _lane_seqs(owner_engine, checkpointed.id)
    async with owner_engine.begin() as conn:
        await _recompute_lane(conn, checkpointed.id, seqs[first])
    assert await _chain_alone_ok(sessionmaker, checkpointed.id)  # what verify said before checkpoints
    verified = await _verify_cli(checkpointed.id)
    assert verified.exit_code == 1, verified.output
    # The checkpoint names the head: the rewrite is caught there, wherever it began.
    assert f"{checkpointed.id}: lane {LANE} seq {seqs[-1]}: chain rewritten" in verified.output


@pytest.mark.usefixtures("operator_environment")
async def test_a_truncated_lane_is_caught(
    checkpointed: TenantFixture, owner_engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    seqs = await _lane_seqs(owner_engine, checkpointed.id)
    await _as_owner(
        owner_engine,
        checkpointed.id,
        ("DELETE FROM audit_events WHERE tenant_id = :tenant AND lane = :lane AND seq > :s", {"s": seqs[1]}),
    )
    assert await _chain_alone_ok(sessionmaker, checkpointed.id)
    verified = await _verify_cli(checkpointed.id)
    assert verified.exit_code == 1, verified.output
    assert (
        f"{checkpointed.id}: lane {LANE} seq {seqs[-1]}: lane truncated: head seq {seqs[1]} is below the checkpoint's"
        in verified.output
    )


@pytest.mark.usefixtures("operator_environment")
async def test_a_deleted_lane_is_caught(
    checkpointed: TenantFixture,
    owner_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    archive: Archive,
) -> None:
    seqs = await _lane_seqs(owner_engine, checkpointed.id)
    await _as_owner(
        owner_engine, checkpointed.id, ("DELETE FROM audit_events WHERE tenant_id = :tenant AND lane = :lane", {})
    )
    assert await _chain_alone_ok(sessionmaker, checkpointed.id)
    verified = await _verify_cli(checkpointed.id)
    assert verified.exit_code == 1, verified.output
    assert f"{checkpointed.id}: lane {LANE}: lane deleted: the checkpoint has it at seq {seqs[-1]}" in verified.output
    # Even with every event gone, `pdp audit verify` (no --tenant) finds the tenant by its checkpoints.
    assert checkpointed.id in await checkpointed_tenants(archive)


async def test_the_checkpoint_job_does_not_launder_a_tampering(
    checkpointed: TenantFixture,
    owner_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    archive: Archive,
    keys: AuditKeys,
    settings: Settings,
) -> None:
    """A checkpoint taken after the tampering would make it the new reference: the job refuses instead."""
    seqs = await _lane_seqs(owner_engine, checkpointed.id)
    await _as_owner(
        owner_engine,
        checkpointed.id,
        ("DELETE FROM audit_events WHERE tenant_id = :tenant AND lane = :lane AND seq > :s", {"s": seqs[0]}),
    )
    with pytest.raises(AuditTrailTampered, match=f"lane {LANE} seq {seqs[-1]}: lane truncated"):
        await write_checkpoint(sessionmaker, checkpointed.id, archive, keys, retention_days=1)
    async with unit_of_work(sessionmaker, tenant_id=checkpointed.id) as session:
        report = await verify_tenant(session, archive, keys)
    assert not report.ok and report.findings[0].lane == LANE
    async with owner_engine.connect() as conn:  # and the staff queue has the alarm
        case = (
            await conn.execute(
                text("SELECT kind, detail FROM staff_cases WHERE subject_id = :t AND resolved_at IS NULL"),
                {"t": checkpointed.id},
            )
        ).one()
    assert case[0] == "audit_chain_broken" and "lane truncated" in case[1]["findings"][0]


async def test_a_checkpoint_not_signed_with_pdps_key_is_refused(
    checkpointed: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], archive: Archive, keys: AuditKeys
) -> None:
    kid = keys.signing.id
    impostor = AuditKeys(f"{kid}:{generate_master_key().partition(':')[2]}")  # same key id, other material
    async with unit_of_work(sessionmaker, tenant_id=checkpointed.id) as session:
        report = await verify_tenant(session, archive, impostor)
        assert (await verify_tenant(session, archive, keys)).ok
    assert report.findings[0].reason.startswith("checkpoint's MAC does not match")


async def test_checkpoints_are_written_only_when_heads_or_the_key_change(
    checkpointed: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], archive: Archive, settings: Settings
) -> None:
    keys = AuditKeys(settings.master_keys)
    assert await write_checkpoint(sessionmaker, checkpointed.id, archive, keys, retention_days=1) is None
    # Rotation: a new first master key re-anchors the tenant once; then the old key can be retired.
    newest = generate_master_key("rotated")
    again = await write_checkpoint(
        sessionmaker, checkpointed.id, archive, AuditKeys(f"{newest},{settings.master_keys}"), retention_days=1
    )
    assert again is not None and again.key_id == "rotated"
    async with unit_of_work(sessionmaker, tenant_id=checkpointed.id) as session:
        assert (await verify_tenant(session, archive, AuditKeys(newest))).ok
