"""The TOTP step over HTTP: an administrator sets it up at first sign-in and gives a code every time; a code is
accepted one step early or late, once; wrong codes are counted and held; turning it on or off is audited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform import clock
from pdp.platform.callers import PortalRole
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.portal.accounts import PortalPerson, code, csrf_of, portal_user, set_up_code, sign_in, totp_secret_of
from tests.portal.test_sign_in import audited

REFUSED = "Ce code n&#39;est pas valable (ou a déjà servi)."


@pytest.fixture(autouse=True)
def fresh_browser(client: Any) -> Iterator[None]:
    client.cookies.clear()
    now = datetime.now(UTC)
    clock.set_clock(lambda: now)  # codes are computed on the same clock as pdp's, which the tests move
    yield
    clock.set_clock(None)


def later(seconds: int) -> None:
    moved = clock.now() + timedelta(seconds=seconds)
    clock.set_clock(lambda: moved)


async def admin(client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]) -> PortalPerson:
    provider = await new_provider(client, tenant)
    return await portal_user(sessionmaker, tenant.id, {provider["id"]: PortalRole.ADMIN})


async def enrol(client: Any, person: PortalPerson) -> str:
    """Sign in as a new administrator and set the code up; returns the secret."""
    page = await sign_in(client, person)
    assert page.status_code == 200 and "Activez la validation en deux étapes" in page.text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text  # the QR code, drawn by pdp
    return await set_up_code(client, person, page)


async def give_code(client: Any, person: PortalPerson, value: str) -> Any:
    page = await client.get(f"{person.base}/connexion/code")
    return await client.post(f"{person.base}/connexion/code", data={"_csrf_token": csrf_of(page), "code": value})


async def test_an_administrator_sets_up_a_code_before_any_page_then_gives_one_at_each_sign_in(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    person = await admin(client, tenant, sessionmaker)
    await sign_in(client, person)
    held = await client.get(f"{person.base}/compte", follow_redirects=False)
    assert held.status_code == 303 and held.headers["location"].startswith(f"{person.base}/connexion/code")
    secret = await enrol(client, person)
    assert (await audited(owner_engine, tenant.id, "portal_user.totp_enabled"))[0]["target"] == person.id

    client.cookies.clear()
    later(60)
    page = await sign_in(client, person)
    assert "Saisissez le code à six chiffres" in page.text and "sealed" not in page.text
    assert (await client.get(f"{person.base}/", follow_redirects=False)).status_code == 303
    wrong = await give_code(client, person, "000000" if code(secret) != "000000" else "111111")
    assert wrong.status_code == 200 and REFUSED in wrong.text
    assert (await audited(owner_engine, tenant.id, "portal_user.totp_failed"))[0]["reason"] == "mismatch"
    early = await give_code(client, person, code(secret, steps_later=-1))  # the phone is 30 s behind
    assert early.status_code == 200 and "<h1>Tableau de bord</h1>" in early.text


async def test_a_code_works_once(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    person = await admin(client, tenant, sessionmaker)
    secret = await enrol(client, person)  # this step's code is used
    client.cookies.clear()
    await sign_in(client, person)
    replayed = await give_code(client, person, code(secret))
    assert replayed.status_code == 200 and REFUSED in replayed.text
    assert (await audited(owner_engine, tenant.id, "portal_user.totp_failed"))[0]["reason"] == "reused"
    later(30)
    fresh = await give_code(client, person, code(secret))
    assert "<h1>Tableau de bord</h1>" in fresh.text
    assert (await give_code(client, person, code(secret))).status_code == 200  # done: the step sends it on


async def test_five_wrong_codes_hold_the_code_step(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    person = await admin(client, tenant, sessionmaker)
    secret = await enrol(client, person)
    client.cookies.clear()
    later(60)
    await sign_in(client, person)
    wrong = "123456" if code(secret) != "123456" else "654321"
    for _ in range(5):
        assert REFUSED in (await give_code(client, person, wrong)).text
    held = await give_code(client, person, code(secret))
    assert held.status_code == 429 and "Trop de codes erronés" in held.text


async def test_a_user_who_is_not_an_administrator_may_turn_the_code_on_and_off(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider = await new_provider(client, tenant)
    person = await portal_user(sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    signed_in = await sign_in(client, person)
    assert "<h1>Tableau de bord</h1>" in signed_in.text  # no code owed
    page = await client.get(f"{person.base}/compte/double-authentification")
    secret = totp_secret_of(page)
    sealed = re.search(r'name="sealed" value="([^"]+)"', page.text)
    assert sealed
    on = await client.post(
        f"{person.base}/compte/double-authentification/activation",
        data={"_csrf_token": csrf_of(page), "sealed": sealed.group(1), "code": code(secret)},
    )
    assert "La validation en deux étapes est activée." in on.text

    client.cookies.clear()  # from now on, a code is owed after the password
    later(30)
    await sign_in(client, person)
    assert (await client.get(f"{person.base}/", follow_redirects=False)).status_code == 303
    await give_code(client, person, code(secret))
    later(30)
    account = await client.get(f"{person.base}/compte")
    off = await client.post(
        f"{person.base}/compte/double-authentification/desactivation",
        data={"_csrf_token": csrf_of(account), "code": code(secret)},
    )
    assert "La validation en deux étapes est désactivée." in off.text
    assert len(await audited(owner_engine, tenant.id, "portal_user.totp_disabled")) == 1


async def test_the_set_up_form_of_one_user_cannot_set_up_another(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first, second = await admin(client, tenant, sessionmaker), await admin(client, tenant, sessionmaker)
    page = await sign_in(client, first)
    sealed = re.search(r'name="sealed" value="([^"]+)"', page.text)
    secret = totp_secret_of(page)
    assert sealed
    client.cookies.clear()
    other = await sign_in(client, second)
    refused = await client.post(
        f"{second.base}/connexion/code/activation",
        data={"_csrf_token": csrf_of(other), "sealed": sealed.group(1), "code": code(secret)},
    )
    assert refused.status_code == 200 and REFUSED in refused.text
    assert (await client.get(f"{second.base}/", follow_redirects=False)).status_code == 303
