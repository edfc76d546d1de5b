"""The provider's side of a mandate: pdp's invitation e-mail, the proof of identity (ProConnect, through pdp dev's
stand-in), the signed acceptance or the refusal, and the signatory signed in as the provider's administrator."""

from __future__ import annotations

import hashlib
import html
from dataclasses import replace
from typing import Any

import httpx
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.accounts import sessions
from pdp.tenants.archive.store import Archive
from pdp.tenants.mandates.invitations import send_invitation
from pdp.web.app import create_app
from pdp.web.portal.auth import lifetimes
from tests.conftest import NewTenant, ProConnectMock, TenantFixture
from tests.factories import provider_payload
from tests.journeys import (
    BROWSER,
    csrf_field,
    invitation_path,
    mandate_evidence,
    new_mandate,
    new_provider,
    portal_path,
    post_form,
    prove_with_proconnect,
)
from tests.mail import PUBLIC_URL, CaughtMail, link_in
from tests.stored import staged_jobs


async def _status(client: Any, tenant: TenantFixture, mandate_id: str) -> dict[str, Any]:
    return dict((await client.get(f"/v1/mandates/{mandate_id}", headers=tenant.headers)).json())


async def test_pdp_e_mails_the_invitation_itself_and_the_tenant_gets_no_link(
    client: Any,
    tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    mailbox: CaughtMail,
) -> None:
    provider = await new_provider(client, tenant, email="signataire@dupont.fr")
    created = await new_mandate(client, tenant, provider["id"])
    assert "acceptance_url" not in created and created["invited_at"] is None
    assert created["acceptance_expires_at"] is not None
    staged = [job["mandate_id"] for job in await staged_jobs(owner_engine, tenant.id, "mandates.invite")]
    assert staged == [created["id"]]  # sent by a worker once the creation committed

    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        assert await send_invitation(session, mailbox.settings, created["id"]) == "sent"
    [message] = mailbox.messages
    assert message["To"] == "signataire@dupont.fr" and "Mandat de facturation" in message["Subject"]
    body = message.get_content()
    link = link_in(message, "/invitation/")
    assert link.startswith(f"{PUBLIC_URL}/portal/{tenant.id}/invitation/") and provider["siret"] in body
    assert (await _status(client, tenant, created["id"]))["invited_at"] is not None

    # The link in the e-mail opens the invitation: who asks, for which provider, how to prove it.
    page = await client.get(portal_path(link))
    assert page.status_code == 200, page.text
    assert "Test platform" in page.text and provider["siret"] in page.text and "ProConnect" in page.text
    assert created["document_sha256"] not in page.text  # the mandate itself comes after the proof


async def test_the_link_alone_accepts_nothing_and_refuses_nothing(client: Any, tenant: TenantFixture) -> None:
    provider = await new_provider(client, tenant)
    mandate = await new_mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    accepted = await post_form(client, path, full_name="Mallory Martin", consent="yes")
    assert accepted.status_code == 403 and "Prouvez d'abord" in html.unescape(accepted.text)
    refused = await post_form(client, f"{path}/refus", path, reason="non")
    assert refused.status_code == 403
    assert (await _status(client, tenant, mandate["id"]))["status"] == "pending"


async def test_a_proconnect_proof_then_the_signature_activate_the_mandate_and_sign_the_signatory_in(
    client: Any,
    tenant: TenantFixture,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    archive: Archive,
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await new_mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    proved = await prove_with_proconnect(
        client, path, settings.proconnect_issuer, siret=provider["siret"], email="Jeanne.Dupont@Dupont.fr", sub="jd-1"
    )
    assert (proved.status_code, proved.headers["location"]) == (303, path)

    page = await client.get(path, headers={"user-agent": BROWSER})
    assert page.status_code == 200 and mandate["document_sha256"] in page.text and "Contestation" in page.text
    pdf = await client.get(f"{path}/document")
    assert hashlib.sha256(pdf.content).hexdigest() == mandate["document_sha256"]  # what is shown is what is signed

    incomplete = await client.post(
        path, data={"_csrf_token": csrf_field(page.text), "full_name": "Jeanne Dupont"}, headers={"user-agent": BROWSER}
    )
    assert incomplete.status_code == 422 and "Cochez la case" in incomplete.text
    accepted = await post_form(client, path, full_name="  Jeanne   Dupont ", consent="yes")
    assert (accepted.status_code, accepted.headers["location"]) == (303, f"/portal/{tenant.id}/")
    session_cookie = accepted.cookies.get("pdp_portal")
    assert session_cookie

    after = await _status(client, tenant, mandate["id"])
    assert (after["status"], after["accepted_by"], after["acceptance_expires_at"]) == ("active", "Jeanne Dupont", None)
    async with owner_engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT m.identity_proof_id, m.accepted_by_user_id, p.channel, p.status, p.subject, u.email, "
                    "u.proconnect_sub, b.role FROM mandates m JOIN identity_proofs p ON p.id = m.identity_proof_id "
                    "JOIN portal_users u ON u.id = m.accepted_by_user_id "
                    "JOIN memberships b ON b.user_id = u.id AND b.provider_id = m.provider_id WHERE m.id = :id"
                ),
                {"id": mandate["id"]},
            )
        ).one()
    assert row[2:] == ("proconnect", "verified", "jd-1", "jeanne.dupont@dupont.fr", "jd-1", "admin")

    # Signed in: the cookie's session is the signatory's, by ProConnect, its second factor passed.
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        resumed = await sessions.resume(session, session_cookie, lifetimes(settings))
    assert resumed.user.id == row[1] and resumed.record.method == "proconnect" and resumed.second_factor_done

    kinds, evidence = await mandate_evidence(sessionmaker, archive, tenant.id, mandate["id"])
    assert kinds == {"mandate", "mandate_evidence"}
    assert evidence["document_sha256"] == mandate["document_sha256"] and evidence["accepted_by"] == "Jeanne Dupont"
    assert evidence["invitation_id"].startswith("ptk_") and evidence["ip"] and evidence["user_agent"] == BROWSER
    identity = evidence["identity"]
    assert (identity["channel"], identity["subject"], identity["siret"]) == ("proconnect", "jd-1", provider["siret"])
    assert identity["claims"]["siret"] == provider["siret"] and identity["verified_at"] and identity["ip"]
    assert "nonce" not in identity["claims"] and "access_token" not in str(evidence)  # no secret in the evidence

    # The link worked once.
    again = await client.get(path)
    assert again.status_code == 410


async def test_a_proconnect_identity_of_another_siret_proves_nothing(
    client: Any, tenant: TenantFixture, settings: Settings, owner_engine: AsyncEngine
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await new_mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    other_siret = provider_payload()["siret"]
    refused = await prove_with_proconnect(client, path, settings.proconnect_issuer, siret=str(other_siret))
    assert refused.status_code == 403 and str(other_siret) in refused.text
    page = await client.get(path)
    assert mandate["document_sha256"] not in page.text
    accepted = await post_form(client, path, full_name="Jeanne Dupont", consent="yes")
    assert accepted.status_code == 403
    async with owner_engine.connect() as conn:
        audited = (
            (
                await conn.execute(
                    text("SELECT data->>'code' FROM audit_events WHERE tenant_id = :t AND action = 'identity.refused'"),
                    {"t": tenant.id},
                )
            )
            .scalars()
            .all()
        )
        verified = (
            await conn.execute(
                text("SELECT count(*) FROM identity_proofs WHERE tenant_id = :t AND status = 'verified'"),
                {"t": tenant.id},
            )
        ).scalar_one()
    assert audited == ["identity_siret_mismatch"] and verified == 0


async def test_a_proof_serves_the_browser_that_made_it_only(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await new_mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    assert (
        await prove_with_proconnect(client, path, settings.proconnect_issuer, siret=provider["siret"])
    ).status_code == 303
    forwarded_to = httpx.Cookies(client.cookies)
    client.cookies.delete("pdp_identity")  # another browser: the same link, without this one's proof
    try:
        assert mandate["document_sha256"] not in (await client.get(path)).text
        assert (await post_form(client, path, full_name="Mallory Martin", consent="yes")).status_code == 403
    finally:
        client.cookies = forwarded_to


async def test_the_proven_signatory_may_refuse(client: Any, tenant: TenantFixture, settings: Settings) -> None:
    provider = await new_provider(client, tenant)
    mandate = await new_mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    await prove_with_proconnect(client, path, settings.proconnect_issuer, siret=provider["siret"])
    refused = await post_form(client, f"{path}/refus", path, reason="Nous ne travaillons pas avec cette plateforme.")
    assert refused.status_code == 200 and "Mandat refusé" in refused.text
    after = await _status(client, tenant, mandate["id"])
    assert (after["status"], after["revoked_by"]) == ("revoked", "provider")
    assert after["refusal_reason"] == "Nous ne travaillons pas avec cette plateforme."
    events = (await client.get("/v1/events?type=mandate.revoked", headers=tenant.headers)).json()["data"]
    assert [e["data"]["revoked_by"] for e in events if e["data"]["mandate_id"] == mandate["id"]] == ["provider"]
    assert (await client.get(path)).status_code == 410


async def test_an_expired_invitation_is_gone(client: Any, tenant: TenantFixture, owner_engine: AsyncEngine) -> None:
    provider = await new_provider(client, tenant)
    mandate = await new_mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE portal_tokens SET expires_at = now() - interval '1 minute' WHERE mandate_id = :id"),
            {"id": mandate["id"]},
        )
    expired = await client.get(path)
    assert expired.status_code == 410 and "expiré" in expired.text
    unknown = await client.get(f"/portal/{tenant.id}/invitation/not-a-real-token")
    assert unknown.status_code == 404


async def test_a_revoked_mandate_s_invitation_is_closed_and_resending_needs_a_pending_one(
    client: Any, tenant: TenantFixture
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await new_mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    resent = await client.post(f"/v1/mandates/{mandate['id']}/resend-invitation", headers=tenant.headers)
    assert resent.status_code == 202 and resent.json()["status"] == "pending"
    await client.post(f"/v1/mandates/{mandate['id']}/revoke", headers=tenant.headers)
    assert (await client.get(path)).status_code == 410
    again = await client.post(f"/v1/mandates/{mandate['id']}/resend-invitation", headers=tenant.headers)
    assert (again.status_code, again.json()["code"]) == (409, "mandate_not_pending")


async def test_proconnect_signs_a_portal_user_in_and_refuses_strangers(
    client: Any, tenant: TenantFixture, settings: Settings, proconnect_mock: ProConnectMock
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await new_mandate(client, tenant, provider["id"])
    path = await invitation_path(client, tenant.id, mandate["id"])
    await prove_with_proconnect(client, path, settings.proconnect_issuer, siret=provider["siret"], sub="jd-signin")
    assert (await post_form(client, path, full_name="Jeanne Dupont", consent="yes")).status_code == 303
    client.cookies.clear()

    suite = f"/portal/{tenant.id}/factures"
    start = await client.get(f"/portal/{tenant.id}/proconnect/start", params={"suite": suite}, follow_redirects=False)
    assert start.status_code == 303
    async with httpx.AsyncClient() as browser:
        back = await browser.post(start.headers["location"], data={"sub": "jd-signin"})
    signed_in = await client.get(portal_path(back.headers["location"]), follow_redirects=False)
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, suite)
    assert signed_in.cookies.get("pdp_portal")
    replayed = await client.get(portal_path(back.headers["location"]))  # the state cookie is spent
    assert replayed.status_code == 400

    proconnect_mock.person("stranger", email="stranger@example.fr", siret=provider["siret"])
    start = await client.get(f"/portal/{tenant.id}/proconnect/start", follow_redirects=False)
    async with httpx.AsyncClient() as browser:
        back = await browser.post(start.headers["location"], data={"sub": "stranger"})
    stranger = await client.get(portal_path(back.headers["location"]))
    assert stranger.status_code == 401 and "Aucun compte" in stranger.text and not stranger.cookies.get("pdp_portal")


async def test_a_return_from_proconnect_this_browser_did_not_start_is_refused(
    client: Any, tenant: TenantFixture
) -> None:
    client.cookies.clear()
    forged = await client.get("/portal/proconnect/callback", params={"code": "x", "state": "y" * 43})
    assert forged.status_code == 400 and "proconnect_state_invalid" in forged.text


async def test_only_the_channels_the_deployment_allows_are_offered(settings: Settings, new_tenant: NewTenant) -> None:
    # ProConnect is configured but not allowed; Chorus Pro is allowed but not configured: nothing is offered.
    restricted = replace(settings, portal_identity_channels="chorus_account")
    tenant = await new_tenant()
    async with AsyncTestClient(create_app(restricted)) as client:
        provider = await new_provider(client, tenant)
        mandate = await new_mandate(client, tenant, provider["id"])
        path = await invitation_path(client, tenant.id, mandate["id"])
        page = await client.get(path)
        assert page.status_code == 200 and "S'identifier avec ProConnect" not in html.unescape(page.text)
        assert "Aucun moyen de prouver votre identité" in html.unescape(page.text)
        start = await client.get(f"{path}/proconnect", follow_redirects=False)
        assert (start.status_code, "identity_channel_unavailable" in start.text) == (404, True)
