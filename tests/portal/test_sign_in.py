"""Signing in to the portal over HTTP: password, e-mailed link, lockout, cookie, expiry, signing out, and the
redirects that bring a browser back — to this portal only."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.accounts.sign_in_links import prepare_sign_in_link
from tests.conftest import TenantFixture
from tests.journeys import new_provider, portal_path
from tests.mail import link_in
from tests.portal.accounts import BROWSER, PortalPerson, csrf_of, portal_user, post_form, sign_in
from tests.stored import staged_jobs

WRONG = "Adresse e-mail ou mot de passe incorrect."


@pytest.fixture(autouse=True)
def fresh_browser(client: Any) -> None:
    client.cookies.clear()  # the session-wide client: no cookie of another test


async def viewer(client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]) -> PortalPerson:
    provider = await new_provider(client, tenant)
    return await portal_user(sessionmaker, tenant.id, {provider["id"]: PortalRole.VIEWER})


@pytest.fixture
async def person(client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]) -> PortalPerson:
    """A viewer of a new provider (no second factor owed), with a password."""
    return await viewer(client, tenant, sessionmaker)


async def audited(owner_engine: AsyncEngine, tenant_id: str, action: str) -> list[dict[str, Any]]:
    async with owner_engine.connect() as conn:
        await conn.execute(text("SELECT set_config('app.tenant_id', :t, false)"), {"t": tenant_id})
        rows = await conn.execute(
            text("SELECT target_id, data FROM audit_events WHERE tenant_id = :t AND action = :a ORDER BY occurred_at"),
            {"t": tenant_id, "a": action},
        )
        return [{"target": r.target_id, **r.data} for r in rows]


async def test_a_password_signs_in_with_a_session_cookie_for_this_portal_only(
    client: Any, tenant: TenantFixture, person: PortalPerson, owner_engine: AsyncEngine
) -> None:
    answer = await post_form(
        client, f"{person.base}/connexion", f"{person.base}/connexion",
        email=person.email.upper(), password=person.password,
    )  # fmt: skip
    assert answer.status_code == 200 and "<h1>Tableau de bord</h1>" in answer.text
    cookie = next(c for c in answer.history[0].headers.get_list("set-cookie") if c.startswith("pdp_portal="))
    flags = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")[1:]}
    assert f"Path={person.base}" in flags["path"]
    assert "httponly" in flags and "samesite" in flags and flags["samesite"].split("=")[1].lower() == "lax"
    assert "secure" not in flags  # http in tests; https public URLs get it (auth.set_session_cookie)
    assert answer.history[0].status_code == 303
    assert [e["method"] for e in await audited(owner_engine, tenant.id, "portal_user.signed_in")] == ["password"]

    other = await new_provider(client, tenant)
    assert other["id"] not in answer.text  # the dashboard of its own provider only


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer_and_are_audited(
    client: Any, tenant: TenantFixture, person: PortalPerson, owner_engine: AsyncEngine
) -> None:
    wrong = await sign_in(client, person, password="pas le bon mot de passe")
    unknown = await post_form(
        client, f"{person.base}/connexion", f"{person.base}/connexion", email="personne@ailleurs.example",
        password="pas le bon mot de passe",
    )  # fmt: skip
    for answer in (wrong, unknown):
        assert answer.status_code == 200 and WRONG in answer.text and 'role="alert"' in answer.text
        assert "pdp_portal=" not in answer.headers.get("set-cookie", "")
    failures = await audited(owner_engine, tenant.id, "portal_user.sign_in_failed")
    assert [f["reason"] for f in failures] == ["mismatch", "mismatch"]
    assert failures[0]["target"] == person.id
    assert "ailleurs" not in str(failures[1])  # an unknown address is kept as a digest only


async def test_five_wrong_passwords_hold_the_email_for_a_while(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], person: PortalPerson
) -> None:
    for _ in range(5):
        assert WRONG in (await sign_in(client, person, password="non")).text
    held = await sign_in(client, person)  # even the right password, now
    assert held.status_code == 429
    assert "Trop de tentatives. Patientez 15 minutes, puis réessayez." in held.text
    assert 0 < int(held.headers["retry-after"]) <= 900
    assert "pdp_portal=" not in held.headers.get("set-cookie", "")
    # Another user of the same portal is not held by this one's failures.
    assert (await sign_in(client, await viewer(client, tenant, sessionmaker))).status_code == 200


@pytest.mark.parametrize(
    "suite",
    [
        "//evil.example/portal/{t}/",
        "https://evil.example/portal/{t}/",
        "/portal/{t}/../../portal/ten_01HOTHERTENANT0000000000/",
        "/portal/ten_01HOTHERTENANT0000000000/",
        "/portal/{t}\\@evil.example",
        "/portal/{t}/\r\nLocation: https://evil.example",
        "javascript:alert(1)",
    ],
)
async def test_after_signing_in_only_a_path_of_the_same_portal_is_followed(
    client: Any, tenant: TenantFixture, person: PortalPerson, suite: str
) -> None:
    form = await client.get(f"{person.base}/connexion")
    fields = {"email": person.email, "password": person.password, "suite": suite.format(t=tenant.id)}
    answer = await client.post(
        f"{person.base}/connexion", data={"_csrf_token": csrf_of(form), **fields}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{person.base}/"


async def test_a_page_asked_for_before_signing_in_is_where_the_sign_in_leads(
    client: Any, tenant: TenantFixture, person: PortalPerson
) -> None:
    bounced = await client.get(f"{person.base}/compte?x=1", follow_redirects=False)
    assert bounced.status_code == 303
    asked = quote(f"{person.base}/compte?x=1", safe="/")
    assert bounced.headers["location"] == f"{person.base}/connexion?suite={asked}"
    htmx = await client.get(f"{person.base}/compte", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 200 and htmx.headers["hx-redirect"] == f"{person.base}/connexion"
    page = await client.get(bounced.headers["location"])
    assert f'name="suite" value="{person.base}/compte?x=1"' in page.text
    answer = await sign_in(client, person, suite=f"{person.base}/compte?x=1")
    assert answer.status_code == 200 and "<h1>Mon compte</h1>" in answer.text


async def test_an_idle_or_too_old_session_sends_the_browser_to_sign_in_again(
    client: Any,
    tenant: TenantFixture,
    person: PortalPerson,
    owner_engine: AsyncEngine,
    settings: Settings,
) -> None:
    await sign_in(client, person)
    assert (await client.get(f"{person.base}/", follow_redirects=False)).status_code == 200
    idle = settings.portal_session_idle_minutes
    for change in (
        f"last_seen_at = now() - interval '{idle} minutes' - interval '1 second'",  # idle too long
        "expires_at = now() - interval '1 second', last_seen_at = now()",  # past its hard expiry, though active
    ):
        async with owner_engine.begin() as conn:
            await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": tenant.id})
            await conn.execute(text(f"UPDATE portal_sessions SET {change} WHERE user_id = :u"), {"u": person.id})
        ended = await client.get(f"{person.base}/", follow_redirects=False)
        assert ended.status_code == 303 and ended.headers["location"].startswith(f"{person.base}/connexion")
        assert 'pdp_portal=""' in ended.headers["set-cookie"] or "Max-Age=0" in ended.headers["set-cookie"]
        await sign_in(client, person)


async def test_signing_out_ends_this_session_and_everywhere_ends_them_all(
    client: Any, tenant: TenantFixture, person: PortalPerson, owner_engine: AsyncEngine
) -> None:
    await sign_in(client, person)
    first = client.cookies.get("pdp_portal")
    client.cookies.clear()
    await sign_in(client, person)
    second = client.cookies.get("pdp_portal")
    assert first and second and first != second

    out = await post_form(client, f"{person.base}/compte", f"{person.base}/compte/deconnexion-partout")
    assert out.status_code == 200 and "<h1>Connexion à votre espace fournisseur</h1>" in out.text
    for token in (first, second):
        client.cookies.clear()
        client.cookies.set("pdp_portal", token, path=person.base)
        assert (await client.get(f"{person.base}/", follow_redirects=False)).status_code == 303
    assert len(await audited(owner_engine, tenant.id, "portal_user.signed_out_everywhere")) == 1

    client.cookies.clear()
    await sign_in(client, person)
    third = client.cookies.get("pdp_portal")
    await post_form(client, f"{person.base}/", f"{person.base}/deconnexion")
    client.cookies.set("pdp_portal", third, path=person.base)
    assert (await client.get(f"{person.base}/", follow_redirects=False)).status_code == 303


async def test_an_emailed_link_signs_in_once(
    client: Any,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    person: PortalPerson,
    owner_engine: AsyncEngine,
    settings: Settings,
) -> None:
    for email in (person.email, "personne@ailleurs.example"):
        sent = await post_form(client, f"{person.base}/connexion", f"{person.base}/connexion/lien", email=email)
        assert sent.status_code == 200 and "Si un compte existe pour cette adresse" in sent.text
    staged = [job["email"] for job in await staged_jobs(owner_engine, tenant.id, "portal.sign_in_link")]
    assert sorted(staged) == sorted([person.email, "personne@ailleurs.example"])  # both staged: same answer

    # The job's work, as the worker runs it (without the SMTP round trip).
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        assert await prepare_sign_in_link(session, settings, "personne@ailleurs.example", "") is None
        message = await prepare_sign_in_link(session, settings, person.email, "")
    assert message is not None and message["To"] == person.email
    path = portal_path(link_in(message, "/connexion/lien/"))

    shown = await client.get(path)  # a mail scanner opening the link does not use it up
    assert shown.status_code == 200 and "Me connecter" in shown.text
    used = await post_form(client, path, path)
    assert used.status_code == 200 and "<h1>Tableau de bord</h1>" in used.text
    assert [e["method"] for e in await audited(owner_engine, tenant.id, "portal_user.signed_in")] == ["magic_link"]
    client.cookies.clear()
    again = await client.get(path)
    assert again.status_code == 410 and "Lien déjà utilisé" in again.text


async def test_every_form_of_the_portal_refuses_a_post_without_its_csrf_token(
    client: Any, tenant: TenantFixture, person: PortalPerson
) -> None:
    await sign_in(client, person)
    posts = sorted(
        route.path.replace("{tenant_id:str}", tenant.id).replace("{token:str}", "x")
        for route in client.app.routes
        if route.path.startswith("/portal/{tenant_id:str}") and "POST" in getattr(route, "methods", ())
    )
    assert f"{person.base}/connexion" in posts and f"{person.base}/compte/deconnexion-partout" in posts
    for path in posts:
        refused = await client.post(path, data={"email": person.email, "password": person.password}, headers=BROWSER)
        assert refused.status_code == 403, path
        assert "Formulaire expiré" in refused.text, path
    assert (await client.get(f"{person.base}/", follow_redirects=False)).status_code == 200  # still signed in
