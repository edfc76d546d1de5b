"""Audit checkpoints in the Object Lock archive: written by a worker job, read by ``pdp audit verify``.

One object per checkpoint, ``audit-checkpoints/<tenant>/<inverted ms>-<UTC time>.json``, locked as documents are
(mode and retention from settings): the database owner, who can rewrite ``audit_events``, has no say on S3, and no
one can remove a locked version. The milliseconds are inverted so that S3's ascending listing gives the newest
checkpoint first: finding it is a LIST of one key however long the history. What is checked, and why it is keyed,
is in :mod:`pdp.platform.audit_anchor`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.connectors.s3.client import S3Unavailable
from pdp.platform import audit, clock
from pdp.platform.audit import AuditRepository, Head
from pdp.platform.audit_anchor import AuditKeys, Checkpoint, CheckpointUnreadable, Finding, compare, take
from pdp.platform.db.session import unit_of_work
from pdp.platform.db.tenancy import tenant_of
from pdp.platform.errors import AppError
from pdp.platform.logging import get_logger
from pdp.tenants.archive.repository import open_tenant_case
from pdp.tenants.archive.store import Archive

PREFIX = "audit-checkpoints/"
_INVERTED = 10**13 - 1  # 13 digits of milliseconds last until the year 2286
log = get_logger("pdp.audit")


class AuditTrailTampered(AppError):
    """The database no longer holds what the last checkpoint recorded: checkpointing stops for the tenant."""

    default_code = "audit_trail_tampered"
    title = "The audit trail disagrees with its last checkpoint"


def checkpoint_key(tenant_id: str, at: datetime) -> str:
    millis = int(at.timestamp() * 1000)
    return f"{PREFIX}{tenant_id}/{_INVERTED - millis:013d}-{at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}.json"


async def latest(archive: Archive, tenant_id: str) -> tuple[str, Checkpoint] | None:
    """The tenant's newest checkpoint and its key; CheckpointUnreadable when that object is not one."""
    keys = await archive.first_keys(f"{PREFIX}{tenant_id}/", 1)
    if not keys:
        return None
    return keys[0], Checkpoint.from_json(await archive.get_current(keys[0]))


async def checkpointed_tenants(archive: Archive) -> list[str]:
    """Every tenant with a checkpoint: one whose events were all deleted is still verified."""
    return [prefix[len(PREFIX) :].rstrip("/") for prefix in await archive.child_prefixes(PREFIX)]


async def _disagreements(
    repository: AuditRepository, tenant_id: str, checkpoint: Checkpoint, keys: AuditKeys | None, heads: dict[int, Head]
) -> list[Finding]:
    if checkpoint.tenant_id != tenant_id:
        return [Finding(f"the checkpoint is {checkpoint.tenant_id}'s, stored under {tenant_id}")]
    stored = await repository.hashes_at([(s.head.lane, s.head.seq) for s in checkpoint.heads])
    return compare(checkpoint, keys, heads, stored)


async def write_checkpoint(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: str,
    archive: Archive,
    keys: AuditKeys,
    *,
    retention_days: int,
) -> Checkpoint | None:
    """Checkpoint the tenant's chain heads; None when they (and the signing key) are those of the last one.

    Refuses with :class:`AuditTrailTampered` when the database no longer holds the last checkpoint: a new one
    would make the tampering the reference that ``verify`` compares with. Reads heads, never whole chains, and
    holds no database connection while S3 answers.
    """
    found = await latest(archive, tenant_id)
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        repository = AuditRepository(session)
        heads = await repository.heads()
        findings = await _disagreements(repository, tenant_id, found[1], keys, heads) if found else []
    if found and findings:
        log.error(
            "audit.checkpoint_refused",
            tenant_id=tenant_id,
            checkpoint=found[0],
            findings=[f"{f.where()}: {f.reason}" for f in findings],
        )
        async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
            detail = {"checkpoint": found[0], "findings": [f"{f.where()}: {f.reason}" for f in findings[:20]]}
            await open_tenant_case(session, "audit_chain_broken", tenant_id, detail)
        raise AuditTrailTampered(f"tenant {tenant_id}: {findings[0].where()}: {findings[0].reason}")
    if not heads or (found and found[1].key_id == keys.signing.id and found[1].same_heads(heads)):
        return None  # nothing new to anchor; a new signing key re-anchors every tenant once
    at = clock.now()
    checkpoint = take(tenant_id, heads, keys.signing, at)
    await archive.put_locked(
        checkpoint_key(tenant_id, at),
        checkpoint.to_json(),
        content_type="application/json",
        retain_until=at + timedelta(days=retention_days),
    )
    return checkpoint


@dataclass(slots=True)
class AuditReport:
    tenant_id: str
    events: int
    checkpoint: Checkpoint | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


async def verify_tenant(session: AsyncSession, archive: Archive, keys: AuditKeys | None) -> AuditReport:
    """Recompute the session tenant's chains, then hold them against its last checkpoint (keyed)."""
    tenant_id = tenant_of(session)
    assert tenant_id is not None, "verifying needs a tenant context"
    chain = await audit.verify(session)
    report = AuditReport(tenant_id, chain.events)
    if not chain.ok:
        report.findings.append(Finding(chain.reason, chain.lane, chain.broken_at_seq))
    try:
        found = await latest(archive, tenant_id)
    except (CheckpointUnreadable, S3Unavailable) as exc:
        report.findings.append(Finding(f"the last checkpoint cannot be read: {exc}"))
        return report
    if found is not None:
        repository = AuditRepository(session)
        report.checkpoint = found[1]
        report.findings += await _disagreements(repository, tenant_id, found[1], keys, await repository.heads())
    return report
