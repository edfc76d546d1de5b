"""The portal's statements as PostgreSQL runs them for a portal user: EXPLAIN (ANALYZE, BUFFERS) of exactly the
SQL the services send.

The services run in a unit of work bound to the portal user's caller (``app.tenant_id`` and ``app.provider_ids``
set by :mod:`pdp.platform.db.tenancy`, as the app's connections set them, on the app's role): row-level
security is part of each plan. Their statements are captured as they reach the driver, then explained in the
same transaction, so what is printed is what the page costs, not a hand-copied query that may have drifted.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

SCANS = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan")


@dataclass(frozen=True)
class PlanSummary:
    planning_ms: float
    execution_ms: float
    hit: int  # shared buffers found in PostgreSQL's cache
    read: int  # shared buffers read from the OS
    rows: int
    scans: list[str]  # "Index Scan Backward using pk_invoices on invoices (rows 26, filtered out 24)", …

    @property
    def seq_scans(self) -> list[str]:
        return [scan for scan in self.scans if scan.startswith("Seq Scan")]


def _scans(node: dict[str, Any]) -> Iterator[str]:
    if node["Node Type"] in SCANS:
        where = f" using {node['Index Name']}" if "Index Name" in node else ""
        on = f" on {node['Relation Name']}" if "Relation Name" in node else ""
        backward = " Backward" if node.get("Scan Direction") == "Backward" else ""
        loops = node.get("Actual Loops", 1)
        rows = round(node.get("Actual Rows", 0) * loops)
        removed = round((node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)) * loops)
        heap = f", heap fetches {node['Heap Fetches']}" if node.get("Heap Fetches") else ""
        yield f"{node['Node Type']}{backward}{where}{on} (rows {rows}, filtered out {removed}{heap})"
    for child in node.get("Plans", []):
        yield from _scans(child)


def summary(plan: dict[str, Any]) -> PlanSummary:
    top = plan["Plan"]
    return PlanSummary(
        planning_ms=plan["Planning Time"],
        execution_ms=plan["Execution Time"],
        hit=top.get("Shared Hit Blocks", 0),
        read=top.get("Shared Read Blocks", 0),
        rows=round(top.get("Actual Rows", 0)),
        scans=list(_scans(top)),
    )


@contextmanager
def captured(session: AsyncSession) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT statements (and their parameters) the session sends inside the block."""
    statements: list[tuple[str, Any]] = []
    engine = session.get_bind()

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and "set_config(" not in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", keep)


async def explain(session: AsyncSession, statement: str, parameters: Any) -> PlanSummary:
    connection = await session.connection()
    result = await connection.exec_driver_sql(
        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, tuple(parameters or ())
    )
    raw = result.scalar_one()
    return summary((json.loads(raw) if isinstance(raw, str) else raw)[0])


async def plans_of(session: AsyncSession, call: Callable[[], Awaitable[object]]) -> list[tuple[str, PlanSummary]]:
    """Run ``call`` (a service's read), then explain each statement it sent: (statement, plan) in order."""
    with captured(session) as statements:
        await call()
    explained = []
    for statement, parameters in statements:
        explained.append((statement, await explain(session, statement, parameters)))
    return explained


def tables_of(statement: str) -> str:
    """The tables a statement reads, for a one-line label (``FROM invoices`` …)."""
    words = statement.replace("\n", " ").split()
    found = [words[i + 1].strip('",()') for i, word in enumerate(words[:-1]) if word.upper() in ("FROM", "JOIN")]
    return ", ".join(dict.fromkeys(name for name in found if name and not name.upper().startswith("SELECT")))
