"""Engine, sessions and the unit of work the edge (request or job) owns.

Which tenant (and which of its providers) a session sees is bound by :mod:`pdp.platform.db.tenancy`.
Services and repositories only flush; :func:`unit_of_work` commits, then sends the jobs that were buffered
during the transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from pdp.platform import jobs
from pdp.platform.db import tenancy
from pdp.platform.errors import ServiceUnavailable

if TYPE_CHECKING:
    from pdp.platform.callers import Caller


def create_engine(url: str, *, pool_size: int = 10, **kwargs: Any) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # No pre-ping: it costs a round trip on every checkout. A connection found dead mid-request makes
        # SQLAlchemy invalidate the pool, so after a database restart each process fails at most its
        # in-flight requests, with a 503 that an Idempotency-Key makes safe to retry.
        pool_pre_ping=False,
        pool_timeout=5,
        connect_args={"timeout": 5, "server_settings": {"application_name": "pdp"}},
        **kwargs,
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


# A pool checkout timing out (SQLAlchemy's TimeoutError) is overload, not a bug: answer 503 and let clients retry.
_UNAVAILABLE = (OperationalError, InterfaceError, OSError, ConnectionError, TimeoutError, PoolTimeout)


# SQLSTATE classes of a server that cannot serve right now: 08 connection exception; 57P01 to 57P03 admin or crash
# shutdown, "the database system is shutting down / starting up" (a restart), which asyncpg raises as plain errors.
_UNAVAILABLE_SQLSTATES = ("08", "57P")


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database could not be reached (as opposed to a bad statement)."""
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None) or ""
        if sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
            return True
    return isinstance(exc, _UNAVAILABLE)


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    tenant_id: str | None = None,
    caller: Caller | None = None,
    queue: jobs.JobQueue | None = None,
) -> AsyncIterator[AsyncSession]:
    """One transaction owned by the edge: commit on success, roll back on error, then send buffered jobs.

    Jobs enqueued through :func:`pdp.platform.jobs.enqueue` during the block are sent only after the commit
    succeeded; a rollback drops them. The session sees ``caller``'s rows, or ``tenant_id``'s as pdp itself.
    """
    session = sessionmaker()
    if caller is not None:
        tenancy.bind(session, caller)
    else:
        tenancy.bind_tenant(session, tenant_id)
    try:
        try:
            yield session
            await session.commit()
        except BaseException as exc:
            await session.rollback()
            if is_unavailable(exc):
                raise ServiceUnavailable("the database is unavailable") from exc
            raise
        await jobs.flush(session, queue)
    finally:
        jobs.discard(session)
        await session.close()
