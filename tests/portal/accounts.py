"""Portal users for tests, made through the services (the invitation pages are another slice), and a browser's
moves on the portal: its forms' CSRF token, signing in, a TOTP code."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import clock
from pdp.platform.audit import Actor
from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.db.session import unit_of_work
from pdp.tenants.accounts import passwords
from pdp.tenants.accounts import service as accounts

PASSWORD = "un cheval correct agrafe la batterie"
BROWSER = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) pdp-tests"}
TESTS = Actor("system", "tests")


@dataclass(frozen=True)
class PortalPerson:
    tenant_id: str
    id: str
    email: str
    password: str

    @property
    def base(self) -> str:
        return f"/portal/{self.tenant_id}"


async def portal_user(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: str,
    roles: dict[str, PortalRole],
    *,
    email: str | None = None,
    password: str | None = PASSWORD,
    locale: str = "fr",
) -> PortalPerson:
    """An active portal user with ``roles`` (provider id → role) and, unless None, ``password``."""
    email = email or f"user-{secrets.token_hex(4)}@fournisseur.example"
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        user = await accounts.create_portal_user(session, email, "Jeanne Dupont", TESTS)
        user.locale = locale
        for provider_id, role in roles.items():
            await accounts.grant_membership(session, user.id, provider_id, role, TESTS)
        if password is not None:
            await passwords.set_password(session, user, password, TESTS)
    return PortalPerson(tenant_id, user.id, email, password or "")


async def portal_user_caller(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, roles: dict[str, PortalRole]
) -> PortalUserCaller:
    """A portal user with ``roles`` and no password, as the caller its session would be (for the services)."""
    person = await portal_user(sessionmaker, tenant_id, roles, password=None)
    return PortalUserCaller(tenant_id, person.id, roles)


def csrf_of(page: Any) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found, f"no CSRF field on the page:\n{page.text[:2000]}"
    return found.group(1)


async def post_form(client: Any, page_url: str, action: str, **fields: str) -> Any:
    """Open ``page_url`` like a browser (for its CSRF cookie and field), then post ``fields`` to ``action``."""
    page = await client.get(page_url, headers=BROWSER)
    assert page.status_code == 200, page.text
    return await client.post(action, data={"_csrf_token": csrf_of(page), **fields}, headers=BROWSER)


async def sign_in(client: Any, person: PortalPerson, *, password: str | None = None, suite: str = "") -> Any:
    """Post the sign-in form (the answer is not followed)."""
    fields = {"email": person.email, "password": password if password is not None else person.password}
    if suite:
        fields["suite"] = suite
    return await post_form(client, f"{person.base}/connexion", f"{person.base}/connexion", **fields)


def totp_secret_of(page: Any) -> str:
    found = re.search(r'<span class="secret">([A-Z2-7 ]+)</span>', page.text)
    assert found, "no TOTP secret on the page"
    return found.group(1).replace(" ", "")


def code(secret: str, *, steps_later: int = 0) -> str:
    """The code an authenticator app shows now (by pdp's clock), or ``steps_later`` 30-second steps later."""
    return pyotp.TOTP(secret).at(clock.now(), counter_offset=steps_later)


async def set_up_code(client: Any, person: PortalPerson, page: Any) -> str:
    """On ``page``, the two-step set-up an administrator owes, confirm it with the code an authenticator app shows
    for its secret (the QR code's, also shown as text); ends on the dashboard. The secret."""
    secret = totp_secret_of(page)
    sealed = re.search(r'name="sealed" value="([^"]+)"', page.text)
    assert sealed, page.text
    done = await client.post(
        f"{person.base}/connexion/code/activation",
        data={"_csrf_token": csrf_of(page), "sealed": sealed.group(1), "code": code(secret)},
        headers=BROWSER,
    )
    assert done.status_code == 200 and "<h1>Tableau de bord</h1>" in done.text, done.text
    return secret
