"""Steps of the mandates, archive, users and notifications pages' tests: people signed in on the in-process client
(an administrator with the code step passed), each one's browser kept so a test can switch between them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.portal.accounts import BROWSER, PortalPerson, csrf_of, portal_user, set_up_code, sign_in


@dataclass
class Browser:
    """A person and the cookies of their browser (session, CSRF, chosen provider)."""

    person: PortalPerson
    cookies: httpx.Cookies

    @property
    def base(self) -> str:
        return self.person.base


async def signed_in(
    client: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: str,
    roles: dict[str, PortalRole],
    *,
    email: str | None = None,
) -> Browser:
    """A new portal user with ``roles``, signed in on ``client`` (an administrator sets up and gives its code)."""
    client.cookies.clear()
    person = await portal_user(sessionmaker, tenant_id, roles, email=email)
    answer = await sign_in(client, person)
    assert answer.status_code == 200, answer.text
    if PortalRole.ADMIN in roles.values():
        await set_up_code(client, person, answer)
    return Browser(person, httpx.Cookies(client.cookies))


def use(client: Any, browser: Browser) -> None:
    """Go on in ``browser`` (its cookies only)."""
    client.cookies.clear()
    client.cookies.update(browser.cookies)


async def form(client: Any, page_url: str, action: str, **fields: str) -> Any:
    """Open ``page_url`` (its CSRF field), then post ``fields`` to ``action``; the answer is not followed."""
    page = await client.get(page_url, headers=BROWSER)
    assert page.status_code == 200, page.text
    return await client.post(
        action, data={"_csrf_token": csrf_of(page), **fields}, headers=BROWSER, follow_redirects=False
    )
