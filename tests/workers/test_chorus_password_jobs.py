"""Technical accounts' passwords expire: the daily jobs read when from the emulator (its virtual clock), record it,
and warn once per threshold — the tenant by events and webhooks, the provider's contact by e-mail, the operators
(for the platform's own account) by the logs — and start over once the password is renewed."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import clock, jobs
from pdp.platform.settings import Settings
from pdp.tenants.chorus_gateway import ChorusGateway, open_chorus
from pdp.workers.registry import JobContext
from pdp.workers.tasks import chorus_passwords, daily
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.mail import CaughtMail, run_staged
from tests.sandbox.harness import SUPPLIER, RunningSandbox, start_sandbox, with_emulator
from tests.stored import owner_row, owner_value
from tests.webhooks.conftest import deliveries, register
from tests.webhooks.receiver import Receiver

EXPIRING = "provider.chorus_password_expiring"
EXPIRED = "provider.chorus_password_expired"


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningSandbox]:
    running = start_sandbox()
    yield running
    running.stop()


@pytest.fixture
async def gateway(settings: Settings, emulator: RunningSandbox) -> AsyncIterator[ChorusGateway]:
    emulator.control("POST", "reset")
    async with open_chorus(with_emulator(settings, emulator.info)) as opened:
        assert opened is not None
        yield opened


@pytest.fixture
async def ctx(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], gateway: ChorusGateway
) -> AsyncIterator[JobContext]:
    redis = await jobs.create_arq_redis(settings.redis_url)
    yield JobContext(settings, sessionmaker, jobs.ArqQueue(redis), "test-job", 1, chorus=gateway)
    await redis.aclose()


@pytest.fixture
def same_clock(emulator: RunningSandbox) -> Iterator[None]:
    """pdp's clock follows the emulator's, which the tests move forward."""
    clock.set_clock(lambda: datetime.now(UTC) + timedelta(seconds=emulator.control("GET", "clock")["offset_s"]))
    yield
    clock.set_clock(None)


async def _provider_with_its_account(client: Any, tenant: TenantFixture, emulator: RunningSandbox) -> dict[str, Any]:
    provider = await new_provider(client, tenant, siret=SUPPLIER, name="Atelier Dupont SARL", email="compta@dupont.fr")
    account = emulator.account(SUPPLIER)
    body = {"login": account.login, "password": account.password}
    response = await client.put(f"/v1/providers/{provider['id']}/chorus-account", json=body, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return provider


def _expire_in(emulator: RunningSandbox, days: float, **more: Any) -> None:
    emulator.control("POST", f"accounts/{emulator.account(SUPPLIER).login}/password", {"expires_in_days": days, **more})


async def _events(client: Any, tenant: TenantFixture, event_type: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/events?type={event_type}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def _account(client: Any, tenant: TenantFixture, provider_id: str) -> dict[str, Any]:
    return dict((await client.get(f"/v1/providers/{provider_id}", headers=tenant.headers)).json()["chorus_account"])


@pytest.mark.usefixtures("same_clock")
async def test_a_provider_hears_once_before_and_once_after_its_password_expires(
    ctx: JobContext, client: Any, tenant: TenantFixture, emulator: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    provider = await _provider_with_its_account(client, tenant, emulator)
    receiver = Receiver()
    endpoint = await register(client, tenant, receiver.url(), [EXPIRING, EXPIRED])

    _expire_in(emulator, 40)
    assert await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id) == []
    recorded = await _account(client, tenant, provider["id"])
    expires = datetime.fromisoformat(recorded["password_expires_at"])
    assert timedelta(days=39) < expires - clock.now() <= timedelta(days=40)

    _expire_in(emulator, 10)  # nearer than PDP_CHORUS_PASSWORD_WARNING_DAYS (15)
    assert await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id) == [f"{provider['id']}:expiring"]
    assert await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id) == []  # once, not every day
    [expiring] = await _events(client, tenant, EXPIRING)
    assert expiring["data"]["provider_id"] == provider["id"] and expiring["data"]["days_left"] in (9, 10)
    assert expiring["data"]["login"] == emulator.account(SUPPLIER).login
    assert [one["event_id"] for one in await deliveries(client, tenant, endpoint["id"])] == [expiring["id"]]

    emulator.control("POST", "clock/advance", {"days": 11})
    assert await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id) == [f"{provider['id']}:expired"]
    assert await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id) == []
    [expired] = await _events(client, tenant, EXPIRED)
    assert expired["data"]["days_left"] == 0 and expired["data"]["account_status"] == "refused"
    assert (await _account(client, tenant, provider["id"]))["status"] == "refused"  # deposits stop using it
    assert len(await deliveries(client, tenant, endpoint["id"])) == 2

    # The structure renews the password on Chorus Pro; the tenant sets it in pdp: a new date, nothing to say.
    account = emulator.account(SUPPLIER)
    emulator.control("POST", f"accounts/{account.login}/password", {"password": "Renewed-Tech-1!"})
    renewed = {"login": account.login, "password": "Renewed-Tech-1!"}
    await client.put(f"/v1/providers/{provider['id']}/chorus-account", json=renewed, headers=tenant.headers)
    assert (await _account(client, tenant, provider["id"]))["password_expires_at"] is None
    assert await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id) == []
    notice, read = await owner_row(
        owner_engine,
        "SELECT chorus_password_notice, chorus_password_expires_at FROM providers WHERE id = :id",
        id=provider["id"],
    )
    assert notice is None and read - clock.now() > timedelta(days=420)


@pytest.mark.usefixtures("same_clock")
async def test_the_contact_gets_an_e_mail_for_each_warning(
    ctx: JobContext,
    client: Any,
    tenant: TenantFixture,
    emulator: RunningSandbox,
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    provider = await _provider_with_its_account(client, tenant, emulator)
    _expire_in(emulator, 3)
    await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id)
    emulator.control("POST", "clock/advance", {"days": 4})
    await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id)
    sent = await run_staged(mailbox.job_context(sessionmaker), owner_engine, tenant.id, "notifications.chorus_password")
    assert sent == ["sent", "sent"]
    before, after = mailbox.messages
    assert [before["To"], after["To"]] == ["compta@dupont.fr", "compta@dupont.fr"]
    assert "expire le" in str(before["Subject"]) and "a expiré" in str(after["Subject"])
    text = before.get_content()
    login = emulator.account(SUPPLIER).login
    assert login in text and ("(dans 2 jours)" in text or "(dans 3 jours)" in text)
    assert "Activité du gestionnaire" in text and provider["id"] in text and SUPPLIER in text
    assert "Chorus Pro refuse désormais ce compte." in after.get_content()


async def test_a_provider_chorus_cannot_answer_for_keeps_its_date(
    ctx: JobContext, client: Any, tenant: TenantFixture, emulator: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    provider = await _provider_with_its_account(client, tenant, emulator)
    _expire_in(emulator, 30)
    await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id)
    first = await owner_value(
        owner_engine, "SELECT chorus_password_read_at FROM providers WHERE id = :id", id=provider["id"]
    )
    emulator.control("POST", "faults", {"kind": "server_error", "status": 503, "count": 10})
    assert await chorus_passwords.check_provider_passwords(ctx, tenant_id=tenant.id) == []
    emulator.control("DELETE", "faults")
    expires, read_at = await owner_row(
        owner_engine,
        "SELECT chorus_password_expires_at, chorus_password_read_at FROM providers WHERE id = :id",
        id=provider["id"],
    )
    assert expires is not None and read_at == first  # unread today: the date stays, and so does when it was read


@pytest.mark.usefixtures("same_clock")
async def test_the_platform_account_is_the_operators_business(
    ctx: JobContext, emulator: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    platform = next(one for one in emulator.info["technical_accounts"] if one["deposits_for_others"])
    change = f"accounts/{platform['login']}/password"
    emulator.control("POST", change, {"expires_in_days": 5})
    with structlog.testing.capture_logs() as logs:
        assert await chorus_passwords.check_platform_passwords(ctx) == ["test:expiring"]
        assert await chorus_passwords.check_platform_passwords(ctx) == []
        emulator.control("POST", "clock/advance", {"days": 6})
        assert await chorus_passwords.check_platform_passwords(ctx) == ["test:expired"]
    events = [(one["event"], one["log_level"]) for one in logs if one["event"].startswith("chorus.platform")]
    assert events == [
        ("chorus.platform_password_expiring", "warning"),
        ("chorus.platform_account_refused", "error"),
        ("chorus.platform_password_expired", "error"),
    ]
    siret, notice = await owner_row(
        owner_engine,
        "SELECT structure_siret, notice FROM chorus_platform_accounts WHERE mode = 'test' AND login = :login",
        login=platform["login"],
    )
    assert (siret, notice) == (platform["siret"], "expired")
    emulator.control("POST", change, {"never_expires": True})


async def test_the_daily_fan_out_queues_the_password_jobs(ctx: JobContext, tenant: TenantFixture) -> None:
    assert isinstance(ctx.queue, jobs.ArqQueue)
    await daily.fan_out_daily(ctx)
    redis = ctx.queue.redis
    assert len(await redis.keys(f"arq:job:providers.chorus_passwords:{tenant.id}:*")) == 1
    assert len(await redis.keys("arq:job:chorus.platform_passwords:*")) == 1


async def test_without_chorus_the_jobs_do_nothing(ctx: JobContext, tenant: TenantFixture) -> None:
    bare = dataclasses.replace(ctx, chorus=None)
    assert await chorus_passwords.check_provider_passwords(bare, tenant_id=tenant.id) == []
    assert await chorus_passwords.check_platform_passwords(bare) == []
