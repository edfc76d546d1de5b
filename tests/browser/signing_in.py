"""Signing in on the portal as its users do, in the browser: the sign-in form, then, for an administrator's first
sign-in, the two-step set-up it owes (the secret read off the page, the code computed as an authenticator app
does)."""

from __future__ import annotations

import pyotp
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.portal.accounts import PortalPerson, portal_user


async def sign_in(page: Page, person: PortalPerson, *, set_up_code: bool = False) -> None:
    """The password form, and the code set up when ``set_up_code`` (a new administrator); ends on the dashboard."""
    await page.goto(f"{person.base}/connexion")
    await page.fill("#email", person.email)
    await page.fill("#password", person.password)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Se connecter", exact=True).click()
    if set_up_code:
        secret = "".join((await page.locator(".secret").inner_text()).split())
        await page.fill("#code", pyotp.TOTP(secret).now())
        async with page.expect_navigation():
            await page.locator("#code").press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")


async def signed_in(
    page: Page, sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, roles: dict[str, PortalRole]
) -> PortalPerson:
    """A new portal user with ``roles``, signed in on ``page`` (an administrator sets up its code)."""
    person = await portal_user(sessionmaker, tenant_id, roles)
    await sign_in(page, person, set_up_code=PortalRole.ADMIN in roles.values())
    return person
