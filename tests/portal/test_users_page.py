"""« Utilisateurs »: an administrator sees and manages their provider's team — invite by e-mail (the invitee joins
through the e-mailed link, once), change a role, remove someone — and nobody else can: a viewer or depositor is
refused, another provider's or tenant's ids are not found, forms need their CSRF token, the last administrator
stays."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.conftest import TenantFixture
from tests.journeys import new_provider, portal_path
from tests.mail import PUBLIC_URL, CaughtMail, run_staged
from tests.portal.accounts import BROWSER, PASSWORD
from tests.portal.records import Browser, form, signed_in, use
from tests.stored import audit_actions


@pytest.fixture
async def team(client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """Provider X (an admin, a viewer) and provider Y (its own admin), one tenant."""
    x, y = (await new_provider(client, tenant))["id"], (await new_provider(client, tenant))["id"]
    return {
        "x": x,
        "y": y,
        "admin_y": await signed_in(client, sessionmaker, tenant.id, {y: PortalRole.ADMIN}),
        "viewer": await signed_in(client, sessionmaker, tenant.id, {x: PortalRole.VIEWER}),
        "admin": await signed_in(client, sessionmaker, tenant.id, {x: PortalRole.ADMIN}),  # the browser in use
    }


def members(page: Any) -> dict[str, str]:
    return dict(re.findall(r'<tr data-user="([^"]+)" data-role="([a-z]+)"', page.text))


async def emailed_invitation(
    mailbox: CaughtMail, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine, tenant_id: str
) -> str:
    """Run the invitation's job as the worker would; the path of the link it e-mailed (on pdp's public URL)."""
    sent = await run_staged(mailbox.job_context(sessionmaker), owner_engine, tenant_id, "portal.invite_user")
    assert sent == ["sent"]
    link = mailbox.last_link("/invitation-utilisateur/")
    assert link.startswith(f"{PUBLIC_URL}/portal/"), link
    return portal_path(link)


async def test_an_admin_sees_their_providers_team_only(client: Any, team: dict[str, Any]) -> None:
    admin: Browser = team["admin"]
    page = await client.get(f"{admin.base}/utilisateurs")
    assert page.status_code == 200
    assert members(page) == {admin.person.id: "admin", team["viewer"].person.id: "viewer"}
    assert team["admin_y"].person.id not in page.text and team["y"] not in page.text
    assert ">Gestionnaire</option>" in page.text and ">Déposant</option>" in page.text
    assert f'<a href="{admin.base}/utilisateurs" aria-current="page">Utilisateurs</a>' in page.text


async def test_a_viewer_can_neither_open_the_page_nor_invite(client: Any, team: dict[str, Any]) -> None:
    viewer: Browser = team["viewer"]
    use(client, viewer)
    dashboard = await client.get(f"{viewer.base}/")
    assert f'href="{viewer.base}/utilisateurs"' not in dashboard.text  # not in the navigation
    refused = await client.get(f"{viewer.base}/utilisateurs")
    assert refused.status_code == 403 and "Accès refusé" in refused.text
    invite = await form(
        client, f"{viewer.base}/", f"{viewer.base}/utilisateurs/{team['x']}/invitations", email="a@b.fr", role="admin"
    )
    assert invite.status_code == 403 and "Accès refusé" in invite.text
    promote = await form(
        client,
        f"{viewer.base}/",
        f"{viewer.base}/utilisateurs/{team['x']}/membres/{viewer.person.id}/role",
        role="admin",
    )
    assert promote.status_code == 403


async def test_another_providers_or_tenants_ids_are_not_found(
    client: Any, team: dict[str, Any], other_tenant: TenantFixture
) -> None:
    admin: Browser = team["admin"]
    use(client, admin)
    page = f"{admin.base}/utilisateurs"
    y, admin_y = team["y"], team["admin_y"].person.id
    assert (await form(client, page, f"{page}/{y}/invitations", email="a@b.fr", role="viewer")).status_code == 404
    assert (await form(client, page, f"{page}/{y}/membres/{admin_y}/role", role="viewer")).status_code == 404
    assert (await form(client, page, f"{page}/{team['x']}/membres/{admin_y}/role", role="viewer")).status_code == 404
    assert (await client.get(f"{page}/{y}/membres/{admin_y}/retrait")).status_code == 404
    z = (await new_provider(client, other_tenant))["id"]
    assert (await form(client, page, f"{page}/{z}/invitations", email="a@b.fr", role="viewer")).status_code == 404


async def test_forms_need_their_csrf_token(
    client: Any, tenant: TenantFixture, team: dict[str, Any], owner_engine: AsyncEngine
) -> None:
    admin: Browser = team["admin"]
    use(client, admin)
    viewer_id = team["viewer"].person.id
    forged = await client.post(
        f"{admin.base}/utilisateurs/{team['x']}/membres/{viewer_id}/role", data={"role": "admin"}, headers=BROWSER
    )
    assert forged.status_code == 403 and "Formulaire expiré" in forged.text
    assert members(await client.get(f"{admin.base}/utilisateurs"))[viewer_id] == "viewer"
    assert "membership.changed" not in await audit_actions(owner_engine, tenant.id, admin.person.id)


async def test_roles_change_users_go_and_the_last_admin_stays(
    client: Any, tenant: TenantFixture, team: dict[str, Any], owner_engine: AsyncEngine
) -> None:
    admin: Browser = team["admin"]
    use(client, admin)
    page = f"{admin.base}/utilisateurs"
    x, me, viewer_id = team["x"], admin.person.id, team["viewer"].person.id

    alone = await form(client, page, f"{page}/{x}/membres/{me}/role", role="viewer")
    assert alone.status_code == 409 and "doit garder au moins un administrateur" in alone.text
    stay = await form(client, page, f"{page}/{x}/membres/{me}/retrait")
    assert stay.status_code == 409 and members(await client.get(page))[me] == "admin"

    changed = await form(client, page, f"{page}/{x}/membres/{viewer_id}/role", role="depositor")
    assert changed.status_code == 303 and changed.headers["location"].endswith("/utilisateurs?notice=role")
    assert members(await client.get(page))[viewer_id] == "depositor"

    confirm = await client.get(f"{page}/{x}/membres/{viewer_id}/retrait")
    assert confirm.status_code == 200 and "Confirmer le retrait" in confirm.text
    removed = await form(client, f"{page}/{x}/membres/{viewer_id}/retrait", f"{page}/{x}/membres/{viewer_id}/retrait")
    assert removed.status_code == 303 and viewer_id not in members(await client.get(page))
    actions = [a for a in await audit_actions(owner_engine, tenant.id, me) if a.startswith("membership.")]
    assert actions == ["membership.changed", "membership.revoked"]

    # The removed user's session no longer reaches the provider (their scope is read at every request).
    use(client, team["viewer"])
    dashboard = await client.get(f"{team['viewer'].base}/")
    assert "Votre compte n&#39;est rattaché à aucun fournisseur" in dashboard.text


async def test_an_invited_viewer_joins_once_through_the_emailed_link(
    client: Any,
    tenant: TenantFixture,
    team: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
) -> None:
    admin: Browser = team["admin"]
    use(client, admin)
    page = f"{admin.base}/utilisateurs"
    sent = await form(
        client, page, f"{page}/{team['x']}/invitations", email="Claire@Fournisseur.example", role="viewer"
    )
    assert sent.status_code == 303
    listed = await client.get(page)
    assert "claire@fournisseur.example" in listed.text and 'data-invitation="' in listed.text
    refused = await form(client, page, f"{page}/{team['x']}/invitations", email="pas une adresse", role="viewer")
    assert refused.status_code == 422 and "Adresse e-mail invalide." in refused.text

    path = await emailed_invitation(mailbox, sessionmaker, owner_engine, tenant.id)
    assert mailbox.messages[-1]["To"] == "claire@fournisseur.example"

    client.cookies.clear()  # the invitee's own browser
    opened = await client.get(path)
    assert opened.status_code == 200 and "Gestionnaire" in opened.text and "Rejoindre" in opened.text
    short = await form(client, path, path, full_name="Claire Martin", password="court", confirmation="court")
    assert short.status_code == 422 and "Choisissez au moins 12 caractères." in short.text
    joined = await form(client, path, path, full_name="Claire Martin", password=PASSWORD, confirmation=PASSWORD)
    assert joined.status_code == 303 and joined.headers["location"] == f"{admin.base}/"
    dashboard = await client.get(f"{admin.base}/")
    assert dashboard.status_code == 200 and "Tableau de bord" in dashboard.text
    again = await client.get(path)
    assert again.status_code == 410 and "Invitation inutilisable" in again.text

    use(client, admin)
    after = members(await client.get(page))
    assert sorted(after.values()) == ["admin", "viewer", "viewer"]
    assert "portal_user.invited" in await audit_actions(owner_engine, tenant.id, admin.person.id)


async def test_an_invited_administrator_still_sets_up_a_second_factor(
    client: Any,
    tenant: TenantFixture,
    team: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
) -> None:
    admin: Browser = team["admin"]
    use(client, admin)
    page = f"{admin.base}/utilisateurs"
    await form(client, page, f"{page}/{team['x']}/invitations", email="second-admin@fournisseur.example", role="admin")
    path = await emailed_invitation(mailbox, sessionmaker, owner_engine, tenant.id)
    client.cookies.clear()
    joined = await form(client, path, path, full_name="Paul Leroy", password=PASSWORD, confirmation=PASSWORD)
    assert joined.status_code == 303
    # An e-mailed link is one factor: the new administrator sets up a code before any page, as after a sign-in link.
    held = await client.get(f"{admin.base}/utilisateurs", follow_redirects=False)
    assert held.status_code == 303 and "/connexion/code" in held.headers["location"]
