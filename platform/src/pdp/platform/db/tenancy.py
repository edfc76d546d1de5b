"""The one place that binds a session to a tenant and a provider scope.

A session carries its caller's tenant and provider scope in ``session.info``; an ``after_begin`` listener copies
them into the transaction-local settings that row-level security reads, ``app.tenant_id`` and
``app.provider_ids`` (comma-separated; unset means the whole tenant), on every transaction the session begins.
A staff caller's transactions also name its grant (``app.staff_id``, ``app.staff_grant``) and run as the staff
role, which reads only under an open grant.
Nothing else writes those keys (an architecture test greps for it), so what a session may see is decided here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

if TYPE_CHECKING:  # callers need the audit log's Actor, whose repository needs this module
    from pdp.platform.callers import Caller

_TENANT_KEY = "tenant_id"
_PROVIDERS_KEY = "provider_ids"
_STAFF_KEY = "staff_grant"  # (staff id, grant id) of a staff caller: its transactions run as the staff role


def bind(session: AsyncSession, caller: Caller | None) -> None:
    """Bind the session to ``caller``'s tenant and provider scope, from the next transaction it begins
    (``None``: no tenant, row-level security then shows no tenant-owned row)."""
    if session.in_transaction():
        raise RuntimeError("bind the caller before the transaction begins")
    _store(session, caller.tenant_id if caller else None, caller.provider_scope if caller else None)
    from pdp.platform.callers import StaffCaller  # here: callers -> audit -> this module

    if isinstance(caller, StaffCaller):
        session.info[_STAFF_KEY] = (caller.staff_id, caller.grant_id)


def bind_tenant(session: AsyncSession, tenant_id: str | None) -> None:
    """Bind the session to a whole tenant, as pdp itself (jobs, commands)."""
    if session.in_transaction():
        raise RuntimeError("bind the tenant before the transaction begins")
    _store(session, tenant_id or None, None)


def adopt(session: AsyncSession, caller: Caller) -> None:
    """Keep ``caller`` for the session's next transactions, in the middle of one whose settings a SECURITY DEFINER
    function (key or link-token lookup) has already set for that same caller: it saves a round trip.

    Those functions set the tenant only, so a caller narrowed to providers is refused: it is bound with
    :func:`bind` before its first transaction, or the transaction in progress would see the whole tenant."""
    if caller.provider_scope is not None:
        raise ValueError("a caller scoped to providers is bound before its transaction, not adopted in one")
    _store(session, caller.tenant_id, None)


def tenant_of(session: AsyncSession) -> str | None:
    value = session.info.get(_TENANT_KEY)
    return str(value) if value else None


def provider_scope_of(session: AsyncSession) -> frozenset[str] | None:
    """The providers the session may see, or ``None`` for the whole tenant."""
    scope: frozenset[str] | None = session.info.get(_PROVIDERS_KEY)
    return scope


def _store(session: AsyncSession, tenant_id: str | None, providers: frozenset[str] | None) -> None:
    session.info[_TENANT_KEY] = tenant_id
    session.info[_PROVIDERS_KEY] = providers
    session.info[_STAFF_KEY] = None


@event.listens_for(Session, "after_begin")
def _set_scope(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    # set_config(..., true) is transaction-local: a pooled connection cannot leak a tenant to its next user.
    # pdp never sets these settings any other way, so a transaction without a tenant starts with them unset
    # already, and skipping the call saves a round trip (the Partner API's key lookup binds the tenant itself).
    tenant = session.info.get(_TENANT_KEY)
    if not tenant:
        return
    staff: tuple[str, str] | None = session.info.get(_STAFF_KEY)
    if staff is not None:
        # The staff role for this transaction only: its policies let a row through only under the open grant
        # named here (migration 0024); set last, while current_user is still the app role it is named after.
        connection.exec_driver_sql(
            "SELECT set_config('app.staff_id', $1, true), set_config('app.staff_grant', $2, true),"
            " set_config('role', current_user || '_staff', true)",
            staff,
        )
    providers: frozenset[str] | None = session.info.get(_PROVIDERS_KEY)
    if providers is None:
        connection.exec_driver_sql("SELECT set_config('app.tenant_id', $1, true)", (tenant,))
    else:
        # An empty scope is bound as a value no provider id can take, never as "unset" (= the whole tenant).
        scope = ",".join(sorted(providers)) or "-"
        connection.exec_driver_sql(
            "SELECT set_config('app.tenant_id', $1, true), set_config('app.provider_ids', $2, true)",
            (tenant, scope),
        )
