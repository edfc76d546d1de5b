"""The invariant checker: pdp's database against the emulator's ledger, after a fault.

For every invoice a client saw acknowledged (201):

- **archived**: its original and its deposited document have rows, and the S3 versions they name are still
  there, locked, with the SHA-256 of the bytes the client sent;
- **deposited at most once**: the ledger holds at most one deposit per (supplier SIRET, number) — and exactly one
  for every invoice pdp believes Chorus has;
- **not stuck**: it is in one of the statuses the test waits for (``settled``), or failed/rejected with a reason;
  nothing is ``queued`` without a next check, and no outbox row is left unrelayed.

For every deposit that was *not* acknowledged, nothing was half-written: no invoice row, no outbox row.
"""

from __future__ import annotations

import collections
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.tenants.archive.store import Archive
from tests.faults.flows import Party, eventually
from tests.invoices.validation.test_engine import SELLER
from tests.sandbox.harness import RunningSandbox

BEYOND_CHORUS = frozenset(
    {"submitted", "deposited", "delivered", "in_process", "suspended", "completed", "to_recycle", "approved",
     "payment_sent", "paid", "rejected"}
)  # fmt: skip
ENDED = frozenset({"failed", "rejected"})
OUTBOX_GRACE_SECONDS = 30
_OVERDUE = (
    "SELECT job_name, available_at FROM outbox WHERE tenant_id = ANY(:tenants) AND relayed_at IS NULL"
    " AND available_at < now() - interval '10 seconds'"
)
# Chorus made it available to the buyer (MISE_A_DISPOSITION) or went further: what the suite waits for.
DELIVERED = frozenset({"delivered", "in_process", "suspended", "completed", "to_recycle", "approved", "payment_sent"})


@dataclass
class Verdict:
    invoices: int = 0
    by_status: collections.Counter[str] = field(default_factory=collections.Counter)
    ledger_deposits: int = 0
    reconciled: int = 0
    redeposited: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.invoices} invoices {dict(self.by_status)}; ledger deposits {self.ledger_deposits}; "
            f"reconciled after a lost answer {self.reconciled}; attempted again (refused, or never reached Chorus) "
            f"{self.redeposited}"
        )


async def _rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


def ledger_deposits(sandbox: RunningSandbox) -> collections.Counter[tuple[str | None, str | None]]:
    """(supplier SIRET, number) → how many times Chorus took it (answered or not: a dropped answer counts)."""
    counts: collections.Counter[tuple[str | None, str | None]] = collections.Counter()
    for entry in sandbox.control("GET", "ledger"):
        if entry["deposited"] and (200 <= entry["status"] < 300 or entry["fault"] == "drop_after"):
            for siret, number in entry["deposited"]:
                counts[(siret, number)] += 1
    return counts


async def check(
    owner: AsyncEngine,
    archive: Archive,
    sandbox: RunningSandbox,
    parties: list[Party],
    *,
    settled: frozenset[str] = DELIVERED,
) -> Verdict:
    verdict = Verdict()
    problems = verdict.problems
    tenants = [p.tenant.id for p in parties]
    rows = await _rows(
        owner,
        "SELECT id, tenant_id, number, status, next_check_at, last_error, submit_attempts, chorus_flux_number,"
        " original_document_id, deposit_document_id FROM invoices WHERE tenant_id = ANY(:tenants)",
        tenants=tenants,
    )
    by_id = {row.id: row for row in rows}
    by_number = collections.Counter((row.tenant_id, row.number) for row in rows)
    deposits = ledger_deposits(sandbox)
    documents = {
        row.id: row
        for row in await _rows(
            owner,
            "SELECT id, s3_key, version_id, sha256, retain_until FROM documents WHERE subject_id = ANY(:ids)",
            ids=list(by_id),
        )
    }
    for party in parties:
        for sent in party.sent:
            if not sent.acknowledged:
                if by_number[(party.tenant.id, sent.number)]:
                    problems.append(f"{sent.number}: answered {sent.status}, yet an invoice row exists")
                continue
            row = by_id.get(sent.invoice_id or "")
            if row is None:
                problems.append(f"{sent.number}: acknowledged as {sent.invoice_id}, but no such invoice")
                continue
            verdict.invoices += 1
            verdict.by_status[row.status] += 1
            verdict.redeposited += row.submit_attempts > 1
            await _check_archive(archive, documents, row, sent.sha256, problems)
            taken = deposits[(SELLER.siret, row.number)]
            if taken > 1:
                problems.append(f"{row.number}: deposited {taken} times")
            if row.status in BEYOND_CHORUS and taken != 1:
                problems.append(f"{row.number}: {row.status} in pdp, but deposited {taken} times at Chorus")
            if row.status in ENDED and not row.last_error:
                problems.append(f"{row.number}: {row.status} without a reason")
            elif row.status not in settled and row.status not in ENDED:
                problems.append(f"{row.number}: stuck in {row.status} (next check {row.next_check_at})")
            if row.status == "queued" and row.next_check_at is None:
                problems.append(f"{row.number}: queued with no next check")
    verdict.ledger_deposits = sum(deposits[(SELLER.siret, s.number)] for p in parties for s in p.sent)
    # A row whose relay died after claiming it waits out its lease (available_at in the future), then goes again.
    overdue = await _rows(owner, _OVERDUE, tenants=tenants)
    if overdue:
        problems.append(f"outbox rows due but never relayed: {overdue}")
    reconciled = await _rows(
        owner,
        "SELECT DISTINCT subject_id FROM events WHERE tenant_id = ANY(:tenants) AND data->>'reconciled' = 'true'",
        tenants=tenants,
    )
    verdict.reconciled = len(reconciled)
    return verdict


async def settle(
    owner: AsyncEngine,
    sandbox: RunningSandbox,
    parties: list[Party],
    *,
    within: float,
    settled: frozenset[str] = DELIVERED,
) -> None:
    """Wait until every acknowledged invoice is ``settled`` (or failed/rejected), moving the emulator's clock on
    so its buyers act (MISE_A_DISPOSITION comes 5 virtual minutes after integration)."""
    ids = [s.invoice_id for p in parties for s in p.acknowledged]

    async def missing() -> str:
        sandbox.control("POST", "clock/advance", {"minutes": 10})
        rows = await _rows(
            owner,
            "SELECT number, status, chorus_status, next_check_at, last_error FROM invoices WHERE id = ANY(:ids)",
            ids=ids,
        )
        late = [r for r in rows if r.status not in settled | ENDED]
        if not late and len(rows) == len(ids):
            return ""
        counts = collections.Counter(r.status for r in late)
        details = [
            f"{r.number}: {r.status}/{r.chorus_status}, next {r.next_check_at}, {r.last_error}" for r in late[:5]
        ]
        return f"not settled yet: {dict(counts)} {details}"

    await eventually(missing, within=within)
    # The last status changes stage their jobs (notifications…) in the outbox as the invoices settle; the relay
    # sends them within a few of its periods, later when the workers are busy. Wait for that, bounded, so that
    # the checker's "never relayed" means never, not "not in the same second".
    tenants = [p.tenant.id for p in parties]

    async def unrelayed() -> str:
        rows = await _rows(owner, _OVERDUE, tenants=tenants)
        return f"outbox rows due but never relayed: {rows}" if rows else ""

    await eventually(unrelayed, within=OUTBOX_GRACE_SECONDS)


async def _check_archive(
    archive: Archive, documents: dict[str, Any], row: Any, sha256: str, problems: list[str]
) -> None:
    for document_id in {row.original_document_id, row.deposit_document_id}:
        document = documents.get(document_id)
        if document is None:
            problems.append(f"{row.number}: document {document_id} has no row")
            continue
        data = await archive.get(document.s3_key, document.version_id)
        if hashlib.sha256(data).hexdigest() != document.sha256:
            problems.append(f"{row.number}: S3 bytes of {document_id} do not match the recorded SHA-256")
        if document_id == row.original_document_id and document.sha256 != sha256:
            problems.append(f"{row.number}: archived original differs from what the client sent")
        retention = await archive.retention(document.s3_key, document.version_id)
        if retention.retain_until is None or retention.retain_until <= datetime.now(UTC):
            problems.append(f"{row.number}: {document_id} is not locked ({retention})")
