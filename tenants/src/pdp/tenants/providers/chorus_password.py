"""Chorus Pro technical accounts' passwords expire (docs/chorus-pro-api.md §1): read when, warn before.

Chorus Pro makes a technical account's password expire (it must be renewed every 424 days) and says when in
``dateExpirationMotPasseCompteTech``. Each day (``workers.tasks.chorus_passwords``) pdp reads it for every account
it holds and records it: a provider's own account on the provider, the platform's accounts in
``chorus_platform_accounts``. ``PDP_CHORUS_PASSWORD_WARNING_DAYS`` before (15 by default, as OCA's reminder), and
again once it has expired, pdp warns — once per threshold and date, not every day: for a provider's account, the
tenant through the events ``provider.chorus_password_expiring`` and ``provider.chorus_password_expired`` (hence
its webhooks) and the provider's contact by e-mail; for the platform's, the operators through the logs. A later
date read (the password was renewed), or the account set again, starts over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.client import ChorusProClient, spending
from pdp.connectors.chorus_pro.errors import ChorusAuthError, ChorusError
from pdp.connectors.chorus_pro.passwords import read_password_expiry
from pdp.platform.audit import Actor, AuditRepository
from pdp.platform.logging import get_logger
from pdp.platform.security.envelope import Envelope, SecretUnreadable
from pdp.tenants.events.service import emit
from pdp.tenants.providers.chorus_account import account_of
from pdp.tenants.providers.models import ChorusPlatformAccount, Provider
from pdp.tenants.providers.repository import ProviderRepository

Notice = Literal["expiring", "expired"]
JOB_ACTOR = Actor("system", "providers.chorus_passwords")
log = get_logger("pdp.chorus_passwords")


def notice_due(expires_at: datetime | None, now: datetime, warning_days: int) -> Notice | None:
    """The warning a password expiring at ``expires_at`` calls for at ``now``, if any."""
    if expires_at is None:
        return None
    if expires_at <= now:
        return "expired"
    return "expiring" if expires_at - now <= timedelta(days=warning_days) else None


def days_left(expires_at: datetime, now: datetime) -> int:
    """Whole days until expiry, never negative (0 on the last day and after)."""
    return max(0, (expires_at - now).days)


@dataclass(frozen=True, slots=True)
class AccountToRead:
    provider_id: str
    siret: str
    account: TechnicalAccount


@dataclass(frozen=True, slots=True)
class Reading:
    """What Chorus said of an account: its password's expiry (``read``), or that it refuses the account."""

    read: bool = False
    expires_at: datetime | None = None
    refused: bool = False
    siret: str | None = None  # the structure it was read on


async def accounts_to_read(session: AsyncSession, envelope: Envelope) -> list[AccountToRead]:
    """Every active provider's own technical account, refused ones included: an expired password is refused, and
    its ``expired`` warning is still due."""
    query = ProviderRepository(session).select().where(Provider.chorus_login.is_not(None), Provider.status == "active")
    found = []
    for provider in (await session.execute(query.order_by(Provider.id))).scalars():
        try:
            account = account_of(provider, envelope)
        except SecretUnreadable:
            continue  # already logged and alerted by the envelope; the tenant is told to set the account again
        if account is not None:
            found.append(AccountToRead(provider.id, provider.siret, account))
    return found


async def read(client: ChorusProClient, account: TechnicalAccount, *, siret: str | None = None) -> Reading:
    """Ask Chorus; an account it refuses is a reading too. Its other errors (unavailable, PISTE application not
    subscribed) propagate: the caller logs them and still weighs the date it already has."""
    try:
        found = await read_password_expiry(client, account, siret=siret)
    except ChorusAuthError as exc:
        if exc.code == "chorus_account_refused":
            return Reading(refused=True)
        raise
    return Reading(read=True, expires_at=found.expires_at, siret=found.siret) if found is not None else Reading()


async def read_or_keep(
    client: ChorusProClient, account: TechnicalAccount, *, siret: str | None, spend_as: str, unread: str, **where: str
) -> Reading:
    """:func:`read` on ``spend_as``'s share of the Chorus rate; a failure is logged as ``unread`` and reads as
    nothing new, so the date pdp already has still counts."""
    try:
        with spending(spend_as):
            return await read(client, account, siret=siret)
    except ChorusError as exc:
        log.warning(unread, **where, login=account.login, error=str(exc))
        return Reading()


async def record_provider(
    session: AsyncSession, target: AccountToRead, reading: Reading, *, now: datetime, warning_days: int
) -> Notice | None:
    """Record ``reading`` on the provider and send the warning it calls for, if not sent yet for that date."""
    provider = await ProviderRepository(session).get(target.provider_id)
    if provider.chorus_login != target.account.login:
        return None  # the account was replaced while Chorus was asked: the next run reads the new one
    if reading.read:
        if reading.expires_at != provider.chorus_password_expires_at:
            provider.chorus_password_expires_at = reading.expires_at
            provider.chorus_password_notice = None  # a new date: its warnings are still to send
        provider.chorus_password_read_at = now
    if reading.refused and provider.chorus_account_status != "refused":
        # As the account check would: deposits stop using an account Chorus refuses (chorus_steps.account_for).
        provider.chorus_account_status, provider.chorus_account_checked_at = "refused", now
        await AuditRepository(session).append(
            JOB_ACTOR, "provider.chorus_account_checked", "provider", provider.id, {"status": "refused"}
        )
    due = _unsent(provider.chorus_password_expires_at, provider.chorus_password_notice, now, warning_days)
    if due is not None:
        provider.chorus_password_notice = due
    await session.flush()
    if due is None:
        return None
    expires_at = provider.chorus_password_expires_at
    assert expires_at is not None  # a notice is due only for a known date
    data: dict[str, Any] = {
        "provider_id": provider.id,
        "login": provider.chorus_login,
        "expires_at": expires_at.isoformat(),
        "days_left": days_left(expires_at, now),
        "account_status": provider.chorus_account_status or "unchecked",
    }
    await AuditRepository(session).append(JOB_ACTOR, f"provider.chorus_password_{due}", "provider", provider.id, data)
    await emit(session, f"provider.chorus_password_{due}", provider.id, data)
    return due


async def record_platform(
    session: AsyncSession,
    mode: str,
    account: TechnicalAccount,
    reading: Reading,
    *,
    now: datetime,
    warning_days: int,
) -> Notice | None:
    """The same for a platform account (no tenant): recorded in ``chorus_platform_accounts``, the operators told
    through the logs (a warning when it is about to expire, an error once it has)."""
    query = select(ChorusPlatformAccount).where(
        ChorusPlatformAccount.mode == mode, ChorusPlatformAccount.login == account.login
    )
    row = (await session.execute(query.with_for_update())).scalar_one_or_none()
    if row is None:
        row = ChorusPlatformAccount(mode=mode, login=account.login)
        session.add(row)
    if reading.read:
        if reading.expires_at != row.password_expires_at:
            row.password_expires_at, row.notice = reading.expires_at, None
        row.read_at, row.structure_siret = now, reading.siret or row.structure_siret
    row.updated_at = now
    fields = {"mode": mode, "login": account.login}
    if reading.refused:
        log.error("chorus.platform_account_refused", **fields, expires_at=_iso(row.password_expires_at))
    due = _unsent(row.password_expires_at, row.notice, now, warning_days)
    if due is not None:
        row.notice = due
    await session.flush()
    if due is None:
        return None
    expires_at = row.password_expires_at
    assert expires_at is not None
    details = {**fields, "expires_at": expires_at.isoformat(), "days_left": days_left(expires_at, now)}
    if due == "expired":
        log.error("chorus.platform_password_expired", **details)
    else:
        log.warning("chorus.platform_password_expiring", **details)
    return due


def _unsent(expires_at: datetime | None, sent: str | None, now: datetime, warning_days: int) -> Notice | None:
    """The warning due now for ``expires_at`` if it was not sent yet (none sent, or ``expired`` after
    ``expiring``), else ``None``: each account's and the platform's alike."""
    due = notice_due(expires_at, now, warning_days)
    if due is None or (sent is not None and not (sent == "expiring" and due == "expired")):
        return None
    return due


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
