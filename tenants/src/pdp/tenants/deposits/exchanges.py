"""Keeping the Chorus Pro calls made about invoices (:mod:`pdp.connectors.chorus_pro.exchanges`) with them.

A deposit or a tracking round records its calls while it runs and stores those about an invoice when it ends, in
a short transaction of their own. A change feed's call covers many invoices and is not kept per invoice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.connectors.chorus_pro.exchanges import Exchange, recording
from pdp.platform import ids
from pdp.platform.db.session import unit_of_work
from pdp.platform.db.tenancy import tenant_of
from pdp.platform.logging import get_logger
from pdp.tenants.deposits.models import ChorusExchange

log = get_logger("pdp.deposits")


@asynccontextmanager
async def kept(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str) -> AsyncIterator[list[Exchange]]:
    """Record the Chorus calls made in the block; those about an invoice are stored after it, in a transaction of
    their own, whether the block succeeded or not (a refused deposit's answer is the most useful of all)."""
    with recording() as calls:
        try:
            yield calls
        finally:
            about = {call.subject for call in calls if call.subject is not None}
            if about:
                try:
                    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
                        store(session, calls, about)
                except Exception as exc:  # the work itself is done: its record must not undo it
                    log.warning("chorus.exchanges_not_kept", error=str(exc), calls=len(calls))


def store(session: AsyncSession, kept: list[Exchange], invoice_ids: Collection[str]) -> None:
    """Add the calls of ``kept`` about ``invoice_ids`` to the session's transaction, and forget them."""
    tenant_id = tenant_of(session)
    assert tenant_id is not None, "exchanges are stored in the invoice's tenant"
    wanted = set(invoice_ids)
    for exchange in [e for e in kept if e.subject in wanted]:
        kept.remove(exchange)
        session.add(
            ChorusExchange(
                tenant_id=tenant_id,
                id=ids.new_id("chorus_exchange"),
                invoice_id=exchange.subject,
                path=exchange.path,
                at=exchange.at,
                duration_ms=exchange.duration_ms,
                http_status=exchange.http_status,
                code_retour=exchange.code_retour,
                request=exchange.request,
                answer=exchange.answer,
                error=exchange.error,
            )
        )
