"""The console's operations view, without any grant: the staff queue (open cases across tenants, routing data
only), the job queue's depth and age per kind of job, Chorus Pro failures, and (for admins) staff activity."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform import clock
from pdp.platform.errors import ValidationFailed
from pdp.platform.logging import get_logger
from pdp.platform.ops_tallies import decoded

log = get_logger("pdp.staff")
QUEUE = "arq:queue"  # arq's default queue: a sorted set of job ids scored by when they are due (ms)
JOB_KEY = "arq:job:"  # + job id: the job's record ({"f": function, "et": enqueued at (ms), …})


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    # siret_contested, invoice_stalled, chorus_state_unknown, archive_mismatch, audit_chain_broken, manual_follow_up
    kind: str
    siret: str | None
    tenant_ids: list[str]
    subject_id: str | None  # the invoice, for an invoice's case
    detail: dict[str, Any]
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class JobKind:
    kind: str
    waiting: int
    oldest_seconds: float  # how long the oldest job of this kind has waited since it was enqueued


@dataclass(frozen=True, slots=True)
class ChorusFailures:
    path: str
    failure: str  # "HTTP 400 codeRetour 20001", "no answer"…
    last_hour: int
    last_day: int


async def chorus_failures(session: AsyncSession, staff_id: str) -> list[ChorusFailures]:
    """Chorus Pro calls that failed over the last hour and day, across tenants, by path and error: counts only."""
    rows = await session.execute(text("SELECT * FROM pdp_staff_chorus_errors(:staff)"), {"staff": staff_id})
    return [ChorusFailures(*row) for row in rows]


async def open_cases(session: AsyncSession, staff_id: str) -> list[Case]:
    rows = await session.execute(text("SELECT * FROM pdp_staff_cases(:staff)"), {"staff": staff_id})
    return [Case(*row) for row in rows]


async def job_queue(redis: Any, limit: int = 5000) -> list[JobKind]:
    """Jobs waiting in Redis, by function (read from each job's record, which pdp serialises as JSON), with how
    long the oldest of each kind has been waiting since it was enqueued."""
    now_ms = clock.now().timestamp() * 1000
    counts: dict[str, int] = defaultdict(int)
    oldest: dict[str, float] = defaultdict(float)
    job_ids = [decoded(job_id) for job_id in await redis.zrange(QUEUE, 0, limit - 1)]
    records = await redis.mget([f"{JOB_KEY}{job_id}" for job_id in job_ids]) if job_ids else []
    for record in records:
        if record is None:
            continue  # taken by a worker meanwhile
        job = json.loads(record)
        kind = str(job.get("f", "?"))
        counts[kind] += 1
        oldest[kind] = max(oldest[kind], (now_ms - float(job.get("et", now_ms))) / 1000)
    return [JobKind(kind, counts[kind], round(oldest[kind], 1)) for kind in sorted(counts)]


@dataclass(frozen=True, slots=True)
class StaffActivity:
    at: datetime
    staff_name: str
    kind: str  # sign_in, grant (opened on a tenant), account (an admin changed a staff account)
    tenant_id: str | None
    tenant_name: str | None
    detail: dict[str, Any]


async def staff_activity(session: AsyncSession, staff_id: str) -> list[StaffActivity]:
    """The newest staff activity across the platform (``pdp_staff_activity``): empty unless ``staff_id`` is an
    active admin's, which the function checks itself."""
    rows = await session.execute(text("SELECT * FROM pdp_staff_activity(:staff)"), {"staff": staff_id})
    return [StaffActivity(*row) for row in rows]


async def resolve_case(session: AsyncSession, staff_id: str, case_id: str, resolution: str) -> None:
    """Close a case with what was done (kept on the case); an empty resolution, or a case already closed, is 422."""
    done = await session.scalar(
        text("SELECT pdp_staff_resolve_case(:staff, :case, :resolution)"),
        {"staff": staff_id, "case": case_id, "resolution": resolution},
    )
    if not done:
        raise ValidationFailed("Say what was done; the case must still be open.", code="case_resolution")
    log.info("staff.case_resolved", staff_id=staff_id, case_id=case_id)
