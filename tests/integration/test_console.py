"""The back-office console (``/console``): signed in with password and code, staff search across tenants
without reading their data, open an access grant with a reason, then read the tenant — and the tenant sees it."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.cli import staff_tasks
from pdp.platform import jobs
from pdp.platform.callers import PortalRole
from pdp.platform.db.session import unit_of_work
from pdp.platform.errors import Unauthenticated
from pdp.platform.settings import Settings
from pdp.tenants.deposits.repository import InvoiceRepository, open_invoice_case
from pdp.tenants.deposits.transitions import move
from pdp.tenants.staff import grants
from pdp.tenants.staff.auth import SessionEnded
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, new_provider, post_form, seller_provider
from tests.portal.accounts import portal_user
from tests.portal.accounts import sign_in as portal_sign_in
from tests.sandbox.harness import NO_PARAMS


async def _signed_in(client: Any, settings: Settings, role: str = "support") -> dict[str, Any]:
    email = f"{pyotp.random_base32()[:8].lower()}@support.example"
    made = await staff_tasks.create_staff(settings, email, "Lou", role)
    signed = await post_form(
        client,
        "/console/connexion",
        email=made["email"],
        password=made["password"],
        code=pyotp.TOTP(made["totp_secret"]).now(),
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/console", signed.text
    return made


async def test_without_a_session_every_page_leads_to_the_sign_in(client: Any) -> None:
    client.cookies.clear()  # the client is the session's: an earlier test may have signed in
    for path in ("/console/", "/console/tenants/ten_01M97F2SARYP30FATF4GBXRJQ0"):
        answer = await client.get(path, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/console/connexion")


async def test_a_wrong_code_is_refused_on_the_form(client: Any, settings: Settings) -> None:
    made = await staff_tasks.create_staff(settings, "wrong-code@support.example", "Lou", "support")
    refused = await post_form(
        client, "/console/connexion", email=made["email"], password=made["password"], code="123456"
    )
    assert refused.status_code == 200 and "non reconnus" in refused.text
    assert "pdp_console" not in refused.headers.get("set-cookie", "")


async def test_search_then_a_grant_then_the_tenant_page_audited_and_listed_to_the_tenant(
    client: Any, tenant: TenantFixture, settings: Settings, owner_engine: AsyncEngine
) -> None:
    provider = await new_provider(client, tenant)
    made = await _signed_in(client, settings)
    found = await client.get("/console/", params={"q": provider["siret"]})
    assert found.status_code == 200 and f"/console/tenants/{tenant.id}" in found.text
    page = await client.get(f"/console/tenants/{tenant.id}")
    assert "Ouvrir l'accès" in page.text and tenant.api_key[-4:] not in page.text  # nothing read without a grant
    refused = await post_form(
        client, f"/console/tenants/{tenant.id}/acces", f"/console/tenants/{tenant.id}", reason=" ", ticket="SUP-9"
    )
    assert refused.status_code == 200 and "Say why" in refused.text
    opened = await post_form(
        client,
        f"/console/tenants/{tenant.id}/acces",
        f"/console/tenants/{tenant.id}",
        reason="Le fournisseur ne voit pas sa facture",
        ticket="SUP-9",
        minutes="30",
    )
    assert opened.status_code == 303
    page = await client.get(f"/console/tenants/{tenant.id}")
    assert page.status_code == 200 and f"…{tenant.api_key[-4:]}" in page.text and "SUP-9" in page.text
    listed = (await client.get("/v1/staff-access", headers=tenant.headers)).json()["data"]
    assert [(g["ticket"], g["pages_read"], g["active"]) for g in listed] == [("SUP-9", 1, True)]
    async with owner_engine.connect() as conn:
        reads = (
            (
                await conn.execute(
                    text(
                        "SELECT data->>'page' FROM audit_events"
                        " WHERE tenant_id = :t AND actor_id = :s AND action = 'staff_access.read'"
                    ),
                    {"t": tenant.id, "s": made["staff_id"]},
                )
            )
            .scalars()
            .all()
        )
    assert reads == [f"/console/tenants/{tenant.id}"]
    signed_out = await post_form(client, "/console/deconnexion", "/console/")
    assert signed_out.status_code == 303
    after = await client.get("/console/", follow_redirects=False)
    assert after.headers["location"] == "/console/connexion"


async def _granted(client: Any, tenant_id: str) -> None:
    opened = await post_form(
        client, f"/console/tenants/{tenant_id}/acces", f"/console/tenants/{tenant_id}", reason="Impayés", ticket="SUP-1"
    )
    assert opened.status_code == 303


async def test_an_admin_suspends_a_tenant_its_keys_get_403_and_its_portal_says_why_then_reactivates(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    support = await _signed_in(client, settings)
    await _granted(client, tenant.id)
    page = await client.get(f"/console/tenants/{tenant.id}")
    assert "Suspendre" not in page.text  # a support member has no lifecycle actions
    refused = await post_form(
        client, f"/console/tenants/{tenant.id}/suspension", f"/console/tenants/{tenant.id}", reason="Impayés"
    )
    assert refused.status_code == 403 and "staff_role_required" in refused.text, support["email"]
    await client.post("/console/deconnexion", follow_redirects=False)
    await _signed_in(client, settings, role="admin")
    await _granted(client, tenant.id)
    done = await post_form(
        client, f"/console/tenants/{tenant.id}/suspension", f"/console/tenants/{tenant.id}", reason="Factures impayées"
    )
    assert done.status_code == 303
    me = await client.get("/v1/me", headers=tenant.headers)
    assert (me.status_code, me.json()["code"]) == (403, "tenant_suspended")
    portal = await client.get(f"/portal/{tenant.id}/connexion")
    assert portal.status_code == 403 and "Plateforme suspendue" in portal.text and "Factures impayées" in portal.text
    back = await post_form(client, f"/console/tenants/{tenant.id}/reactivation", f"/console/tenants/{tenant.id}")
    assert back.status_code == 303
    assert (await client.get("/v1/me", headers=tenant.headers)).status_code == 200


async def test_the_invoice_page_tells_its_story_and_a_redrive_is_audited(
    client: Any, tenant: TenantFixture, settings: Settings, owner_engine: AsyncEngine
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    deposited = await deposit_cii(client, tenant, provider["id"], recipient={"siret": NO_PARAMS, "name": "R"})
    assert deposited.status_code == 201, deposited.text
    invoice = deposited.json()
    await _signed_in(client, settings)
    path = f"/console/tenants/{tenant.id}/invoices/{invoice['id']}"
    assert "Ouvrir l'accès" in (await client.get(path)).text  # nothing of it without a grant
    await _granted(client, tenant.id)
    page = await client.get(path)
    assert page.status_code == 200 and invoice["number"] in page.text and "invoice.created" in page.text
    async with owner_engine.connect() as conn:
        digests = (
            (await conn.execute(text("SELECT sha256 FROM documents WHERE subject_id = :i"), {"i": invoice["id"]}))
            .scalars()
            .all()
        )
    assert digests and all(digest in page.text for digest in digests)
    redriven = await post_form(client, f"{path}/relance", path)
    assert redriven.status_code == 303
    async with owner_engine.connect() as conn:
        action = await conn.scalar(
            text("SELECT action FROM audit_events WHERE target_id = :i ORDER BY occurred_at DESC LIMIT 1"),
            {"i": invoice["id"]},
        )
    assert action == "invoice.redriven"
    assert (
        await client.get(f"/console/tenants/{tenant.id}/invoices/inv_01M97F2SARYP30FATF4GBXRJQ0")
    ).status_code == 404


async def test_the_home_page_shows_the_staff_queue_and_the_waiting_jobs(
    client: Any, tenant: TenantFixture, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    invoice_id = (
        await deposit_cii(client, tenant, provider["id"], recipient={"siret": NO_PARAMS, "name": "R"})
    ).json()["id"]
    stuck = {"number": "F-STUCK-1", "stalled_in": "submitted"}
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        await open_invoice_case(session, "invoice_stalled", invoice_id, stuck)
    redis = await jobs.create_arq_redis(settings.redis_url)
    try:
        await jobs.ArqQueue(redis).send(jobs.JobRequest("console.test_kind", {}, f"console-test:{invoice_id}", 3600))
        await _signed_in(client, settings)
        home = (await client.get("/console/")).text
    finally:
        await redis.delete(f"arq:job:console-test:{invoice_id}")
        await redis.zrem("arq:queue", f"console-test:{invoice_id}")
        await redis.aclose()
    assert f"/console/tenants/{tenant.id}/invoices/{invoice_id}" in home and "F-STUCK-1" in home
    assert "Facture bloquée" in home and "console.test_kind" in home
    row = next(part for part in home.split("<tr>") if "F-STUCK-1" in part)
    case_id = re.search(r'action="/console/cas/([^/]+)/resolution"', row)
    assert case_id
    refused = await post_form(client, f"/console/cas/{case_id.group(1)}/resolution", "/console/", resolution=" ")
    assert refused.status_code == 422
    done = await post_form(client, f"/console/cas/{case_id.group(1)}/resolution", "/console/", resolution="Relancée")
    assert done.status_code == 303
    assert case_id.group(1) not in (await client.get("/console/")).text


async def test_the_provider_page_and_a_grant_narrowed_to_one_provider(
    client: Any, tenant: TenantFixture, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    other = await new_provider(client, tenant)
    made = await _signed_in(client, settings)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        member = await grants.staff_member(session, made["staff_id"])
        await grants.open_grant(session, member, grants.Purpose("Mandat", "SUP-5"), provider_id=provider["id"])
    page = await client.get(f"/console/tenants/{tenant.id}/providers/{provider['id']}")
    assert page.status_code == 200 and provider["siret"] in page.text and "active" in page.text
    assert (await client.get(f"/console/tenants/{tenant.id}/providers/{other['id']}")).status_code == 404


async def test_an_operator_revokes_a_leaked_key_and_a_support_member_cannot(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    me = (await client.get("/v1/me", headers=tenant.headers)).json()
    key_path = f"/console/tenants/{tenant.id}/keys/{me['api_key']['id']}/revocation"
    await _signed_in(client, settings)
    await _granted(client, tenant.id)
    assert "Révoquer" not in (await client.get(f"/console/tenants/{tenant.id}")).text
    refused = await post_form(client, key_path, f"/console/tenants/{tenant.id}")
    assert refused.status_code == 403
    await client.post("/console/deconnexion", follow_redirects=False)
    await _signed_in(client, settings, role="operator")
    await _granted(client, tenant.id)
    assert (await post_form(client, key_path, f"/console/tenants/{tenant.id}")).status_code == 303
    assert (await client.get("/v1/me", headers=tenant.headers)).json()["code"] == "api_key_revoked"


async def test_an_admin_manages_the_team_but_never_their_own_account(
    client: Any, settings: Settings, owner_engine: AsyncEngine
) -> None:
    client.cookies.clear()  # the client is the session's: an earlier test may have signed in
    assert (await client.get("/console/equipe", follow_redirects=False)).status_code == 303  # not signed in
    await _signed_in(client, settings)
    assert (await client.get("/console/equipe", follow_redirects=False)).status_code == 403  # a support member
    await client.post("/console/deconnexion", follow_redirects=False)
    admin = await _signed_in(client, settings, role="admin")
    email = f"{pyotp.random_base32()[:8].lower()}@support.example"
    created = await post_form(
        client, "/console/equipe", "/console/equipe", email=email, full_name="Ada", role="support"
    )
    assert created.status_code == 200 and "ne seront plus jamais affichés" in created.text
    password = re.search(r"Mot de passe : <code>([^<]+)</code>", created.text)
    secret = re.search(r"Secret TOTP : <code>([^<]+)</code>", created.text)
    assert password and secret
    signed = await staff_tasks.sign_in(settings, email, password.group(1), pyotp.TOTP(secret.group(1)).now())
    assert await staff_tasks.find(settings, signed["session"], "anything at all") == []
    async with owner_engine.connect() as conn:
        new_id = await conn.scalar(text("SELECT id FROM staff_users WHERE email = :e"), {"e": email})
    reset = await post_form(client, f"/console/equipe/{new_id}/code", "/console/equipe")
    assert reset.status_code == 200 and "Secret TOTP" in reset.text
    with pytest.raises(SessionEnded):  # a reset code ends the sessions signed in with the old one
        await staff_tasks.find(settings, signed["session"], "anything at all")
    own = await post_form(client, f"/console/equipe/{admin['staff_id']}/role", "/console/equipe", role="support")
    assert own.status_code == 403
    assert (await post_form(client, f"/console/equipe/{new_id}/desactivation", "/console/equipe")).status_code == 303
    with pytest.raises(Unauthenticated):
        await staff_tasks.sign_in(settings, email, password.group(1), pyotp.TOTP(secret.group(1)).now())


async def test_console_pages_are_never_cached_nor_framed_and_an_idempotency_key_is_ignored(
    client: Any, settings: Settings
) -> None:
    await _signed_in(client, settings)
    home = await client.get("/console/")
    assert home.headers["cache-control"] == "no-store" and home.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]
    page = await client.get("/console/")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token
    signed_out = await client.post(
        "/console/deconnexion",
        data={"_csrf_token": token.group(1)},
        headers={"Idempotency-Key": "console-1"},
        follow_redirects=False,
    )
    assert signed_out.status_code == 303


async def test_a_supplier_sees_on_its_account_page_when_support_read_its_data(
    client: Any, tenant: TenantFixture, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mine, theirs = (await new_provider(client, tenant))["id"], (await new_provider(client, tenant))["id"]
    made = await _signed_in(client, settings)
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        member = await grants.staff_member(session, made["staff_id"])
        await grants.open_grant(session, member, grants.Purpose("Le leur", "SUP-THEIRS"), provider_id=theirs)
        await grants.open_grant(session, member, grants.Purpose("Le mien", "SUP-MINE"), provider_id=mine)
        await grants.open_grant(session, member, grants.Purpose("Toute la plateforme", "SUP-ALL"))
    client.cookies.clear()
    person = await portal_user(sessionmaker, tenant.id, {mine: PortalRole.DEPOSITOR})
    await portal_sign_in(client, person)
    account = await client.get(f"{person.base}/compte")
    assert "Accès du support pdp" in account.text
    assert "SUP-MINE" in account.text and "SUP-ALL" in account.text and "SUP-THEIRS" not in account.text


async def test_the_status_email_is_sent_again_on_request_and_audited(
    client: Any,
    tenant: TenantFixture,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    deposited = await deposit_cii(client, tenant, provider["id"], recipient={"siret": NO_PARAMS, "name": "R"})
    invoice_id = deposited.json()["id"]
    await _signed_in(client, settings)
    await _granted(client, tenant.id)
    path = f"/console/tenants/{tenant.id}/invoices/{invoice_id}"
    assert (await post_form(client, f"{path}/courriel", path)).status_code == 409  # queued: no e-mail for that
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        invoice = await InvoiceRepository(session).for_update(invoice_id)
        await move(session, invoice, "failed", detail={"error": "test"})
    assert (await post_form(client, f"{path}/courriel", path)).status_code == 303
    async with owner_engine.connect() as conn:
        staged = await conn.scalar(
            text("SELECT count(*) FROM outbox WHERE tenant_id = :t AND job_name = 'notifications.invoice_status'"),
            {"t": tenant.id},
        )
        action = await conn.scalar(
            text("SELECT action FROM audit_events WHERE target_id = :i ORDER BY occurred_at DESC LIMIT 1"),
            {"i": invoice_id},
        )
    assert staged == 2 and action == "invoice.email_resent"  # the change's own e-mail, and the one sent again
