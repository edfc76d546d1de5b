"""The console's remaining actions and views: manual follow-up of an invoice, webhook secret rotation, the
operations view (API refusals per tenant, audit checkpoints), the audit of staff activity — and the same acts from
``pdp staff``, through the same grants and audit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.cli import staff_tasks
from pdp.platform import jobs
from pdp.platform.admission import Admission, TenantLimits
from pdp.platform.errors import NotFound, RateLimited
from pdp.platform.ops_tallies import CHECKPOINTS, record_checkpoint
from pdp.platform.settings import Settings
from pdp.tenants.staff import actions, grants
from tests.conftest import TenantFixture
from tests.integration.test_console import _granted, _signed_in
from tests.integration.test_staff_commands import _signed_in as cli_signed_in
from tests.journeys import active_mandate, deposit_cii, new_mandate, new_provider, post_form, seller_provider
from tests.sandbox.harness import NO_PARAMS


async def _audited(owner_engine: AsyncEngine, target_id: str) -> list[str]:
    async with owner_engine.connect() as conn:
        found = await conn.execute(
            text("SELECT action FROM audit_events WHERE target_id = :t ORDER BY occurred_at"), {"t": target_id}
        )
        return list(found.scalars())


async def _invoice(client: Any, tenant: TenantFixture) -> dict[str, Any]:
    provider = await seller_provider(client, tenant)
    await active_mandate(client, tenant, provider["id"])
    deposited = await deposit_cii(client, tenant, provider["id"], recipient={"siret": NO_PARAMS, "name": "R"})
    assert deposited.status_code == 201, deposited.text
    return dict(deposited.json())


async def test_an_invoice_marked_for_follow_up_is_in_the_staff_queue_until_resolved(
    client: Any, tenant: TenantFixture, settings: Settings, owner_engine: AsyncEngine
) -> None:
    invoice = await _invoice(client, tenant)
    await _signed_in(client, settings)
    await _granted(client, tenant.id)
    path = f"/console/tenants/{tenant.id}/invoices/{invoice['id']}"
    blank = await post_form(client, f"{path}/suivi", path, note="  ")
    # A refused action is a console page that says why, with its stable code and the way back — not JSON.
    assert blank.status_code == 422 and "text/html" in blank.headers["content-type"]
    assert "follow_up_note" in blank.text and f'href="{path}"' in blank.text
    marked = await post_form(client, f"{path}/suivi", path, note="Appeler le service facturier du CHU")
    assert marked.status_code == 303
    page = await client.get(path)
    assert "En suivi manuel" in page.text and "Appeler le service facturier du CHU" in page.text
    home = (await client.get("/console/")).text
    row = next(part for part in home.split("<tr>") if "Appeler le service facturier du CHU" in part)
    assert "Suivi manuel" in row and f"/console/tenants/{tenant.id}/invoices/{invoice['id']}" in row
    again = await post_form(client, f"{path}/suivi", path, note="Relancé par courrier")
    assert again.status_code == 303  # the open case takes the new note: still one case
    async with owner_engine.connect() as conn:
        notes = await conn.execute(
            text("SELECT detail->>'note' FROM staff_cases WHERE kind = 'manual_follow_up' AND subject_id = :i"),
            {"i": invoice["id"]},
        )
        assert list(notes.scalars()) == ["Relancé par courrier"]
    case_id = re.search(
        r'action="/console/cas/([^/]+)/resolution"',
        next(part for part in (await client.get("/console/")).text.split("<tr>") if "Relancé par courrier" in part),
    )
    assert case_id
    done = await post_form(client, f"/console/cas/{case_id.group(1)}/resolution", "/console/", resolution="Payée")
    assert done.status_code == 303
    assert "En suivi manuel" not in (await client.get(path)).text
    assert (await _audited(owner_engine, invoice["id"])).count("invoice.follow_up_marked") == 2


async def test_an_operator_rotates_a_leaked_webhook_secret_and_a_support_member_cannot(
    client: Any, tenant: TenantFixture, settings: Settings, owner_engine: AsyncEngine
) -> None:
    created = await client.post(
        "/v1/webhook-endpoints", json={"url": "https://hooks.example.com/pdp", "events": ["*"]}, headers=tenant.headers
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    rotation = f"/console/tenants/{tenant.id}/webhook-endpoints/{endpoint['id']}/rotation"
    page = f"/console/tenants/{tenant.id}"

    async def sealed() -> str:
        async with owner_engine.connect() as conn:
            secret = await conn.scalar(
                text("SELECT secret_enc FROM webhook_endpoints WHERE id = :e"), {"e": endpoint["id"]}
            )
            return str(secret)

    await _signed_in(client, settings)
    await _granted(client, tenant.id)
    assert "Renouveler le secret" not in (await client.get(page)).text
    before = await sealed()
    refused = await post_form(client, rotation, page, previous_valid_hours="0")
    assert refused.status_code == 403 and "staff_role_required" in refused.text
    assert await sealed() == before
    await client.post("/console/deconnexion", follow_redirects=False)
    await _signed_in(client, settings, role="operator")
    await _granted(client, tenant.id)
    assert "Renouveler le secret" in (await client.get(page)).text
    rotated = await post_form(client, rotation, page, previous_valid_hours="0")
    assert rotated.status_code == 303
    assert await sealed() != before
    assert endpoint["secret"] not in (await client.get(page)).text
    assert "webhook_endpoint.secret_rotated" in await _audited(owner_engine, endpoint["id"])


async def test_the_operations_view_counts_refusals_per_tenant_and_shows_audit_checkpoints(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    redis = await jobs.create_arq_redis(settings.redis_url)
    try:
        admission = Admission(redis, TenantLimits(max_in_flight=5, rate_per_second=0.001, burst=1))
        async with admission.admit(tenant.id):
            pass
        for _ in range(3):
            with pytest.raises(RateLimited):
                async with admission.admit(tenant.id):
                    pass
        await record_checkpoint(redis, tenant.id, "refused", "lane 3: truncated")
        await _signed_in(client, settings)
        home = (await client.get("/console/")).text
    finally:
        await redis.hdel(CHECKPOINTS, tenant.id)
        await redis.aclose()
    refusals = home[home.index("limite de débit") :]
    row = next(part for part in refusals.split("<tr>") if tenant.id in part)
    # This hour's count is 3, or 0 if the hour turned between the refusals and the page; the day's is 3.
    assert "débit" in row and ("<td>3</td><td>3</td>" in row or "<td>0</td><td>3</td>" in row)
    checkpoints = home[home.index("Vérification du journal") :]
    row = next(part for part in checkpoints.split("<tr>") if tenant.id in part)
    assert "REFUSÉ" in row and "lane 3: truncated" in row


async def test_an_admin_reads_staff_activity_and_a_support_member_cannot(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    support = await _signed_in(client, settings)
    await _granted(client, tenant.id)
    refused = await client.get("/console/activite")
    assert refused.status_code == 403 and "staff_role_required" in refused.text
    await client.post("/console/deconnexion", follow_redirects=False)
    await _signed_in(client, settings, role="admin")
    role = await post_form(client, f"/console/equipe/{support['staff_id']}/role", "/console/equipe", role="operator")
    assert role.status_code == 303
    page = (await client.get("/console/activite")).text
    rows = page.split("<tr>")
    assert any("accès ouvert" in row and "SUP-1" in row and tenant.id in row for row in rows)
    assert any("compte modifié" in row and "rôle" in row and "(operator)" in row for row in rows)
    assert any("connexion" in row and "Lou" in row for row in rows)


async def test_the_console_actions_from_the_command_line_go_through_the_grant_and_the_audit(
    client: Any, tenant: TenantFixture, settings: Settings, owner_engine: AsyncEngine
) -> None:
    invoice = await _invoice(client, tenant)
    made, token = await cli_signed_in(settings)
    granted = await staff_tasks.open_grant(
        settings,
        token,
        tenant.id,
        reason="Facture en attente",
        ticket="SUP-77",
        provider_id=None,
        invoice_id=None,
        minutes=30,
    )
    grant_id = granted["grant_id"]

    def follow_up(session: Any, caller: Any) -> Any:
        return actions.mark_for_follow_up(session, caller, invoice["id"], "Rappeler l'acheteur")

    await staff_tasks.act(settings, token, tenant.id, grant_id, follow_up)
    story = await staff_tasks.show_invoice(settings, token, tenant.id, grant_id, invoice["id"])
    assert story["invoice"]["number"] == invoice["number"] and story["events"]
    await staff_tasks.act(settings, token, tenant.id, grant_id, lambda s, c: actions.redrive(s, c, invoice["id"]))
    seen = await staff_tasks.operations(settings, token)
    assert any(case["subject_id"] == invoice["id"] and case["kind"] == "manual_follow_up" for case in seen["cases"])
    await staff_tasks.act(settings, token, tenant.id, grant_id, grants.revoke)
    with pytest.raises(grants.GrantClosed):
        await staff_tasks.act(settings, token, tenant.id, grant_id, lambda s, c: actions.redrive(s, c, invoice["id"]))
    assert (await _audited(owner_engine, invoice["id"]))[-2:] == ["invoice.follow_up_marked", "invoice.redriven"]
    assert await _audited(owner_engine, grant_id) == [
        "staff_access.opened",
        "staff_access.read",
        "staff_access.revoked",
    ], made["email"]


async def test_a_grant_opened_from_an_invoice_page_leads_back_to_it_and_never_elsewhere(
    client: Any, tenant: TenantFixture, other_tenant: TenantFixture, settings: Settings
) -> None:
    invoice = await _invoice(client, tenant)
    await _signed_in(client, settings)
    path = f"/console/tenants/{tenant.id}/invoices/{invoice['id']}"
    form = (await client.get(path)).text
    assert f'name="next" value="{path}"' in form
    for elsewhere in ("https://evil.example/console", f"/console/tenants/{other_tenant.id}", "//evil.example"):
        opened = await post_form(
            client, f"/console/tenants/{tenant.id}/acces", path, reason="R", ticket="T-1", next=elsewhere
        )
        assert (opened.status_code, opened.headers["location"]) == (303, f"/console/tenants/{tenant.id}")
    opened = await post_form(client, f"/console/tenants/{tenant.id}/acces", path, reason="R", ticket="T-2", next=path)
    assert opened.headers["location"] == path


async def test_the_tenant_page_says_when_each_api_key_was_last_used(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    me = await client.get("/v1/me", headers=tenant.headers)
    assert me.status_code == 200
    await _signed_in(client, settings)
    await _granted(client, tenant.id)
    page = (await client.get(f"/console/tenants/{tenant.id}")).text
    row = next(part for part in page.split("<tr>") if f"…{tenant.api_key[-4:]}" in part)
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", row), row


async def test_the_provider_page_flags_a_siret_two_platforms_ask_mandates_for(
    client: Any, tenant: TenantFixture, other_tenant: TenantFixture, settings: Settings
) -> None:
    mine = await seller_provider(client, tenant)
    await new_mandate(client, tenant, mine["id"])
    theirs = await seller_provider(client, other_tenant)
    await new_mandate(client, other_tenant, theirs["id"])
    await _signed_in(client, settings)
    await _granted(client, tenant.id)
    page = (await client.get(f"/console/tenants/{tenant.id}/providers/{mine['id']}")).text
    assert "demandé par plusieurs plateformes" in page and other_tenant.id in page


async def test_a_grant_narrowed_to_a_provider_acts_on_its_invoices_only_even_from_the_command_line(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    invoice = await _invoice(client, tenant)
    other = await new_provider(client, tenant)
    _made, token = await cli_signed_in(settings, role="admin")

    async def narrowed_to(provider_id: str) -> str:
        granted = await staff_tasks.open_grant(
            settings,
            token,
            tenant.id,
            reason="Un fournisseur",
            ticket="SUP-8",
            provider_id=provider_id,
            invoice_id=None,
            minutes=30,
        )
        return str(granted["grant_id"])  # the command line's caller names the grant only: its narrowing is read

    def redrive(session: Any, caller: Any) -> Any:
        return actions.redrive(session, caller, invoice["id"])

    elsewhere = await narrowed_to(other["id"])
    with pytest.raises(NotFound):
        await staff_tasks.act(settings, token, tenant.id, elsewhere, redrive)
    with pytest.raises(actions.GrantTooNarrow):
        await staff_tasks.lifecycle(settings, token, tenant.id, elsewhere, "Impayés")
    await staff_tasks.act(settings, token, tenant.id, await narrowed_to(invoice["provider_id"]), redrive)


async def test_an_action_under_a_grant_closed_meanwhile_leads_back_to_its_page_and_its_grant_form(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    """The grant closed between the page and the action: the action goes back to the page it was taken from (which
    shows the grant form), not to its own POST-only address (which would answer 405)."""
    await _signed_in(client, settings)
    await _granted(client, tenant.id)
    page = f"/console/tenants/{tenant.id}"
    closed = await post_form(client, f"{page}/acces/fermeture", page)
    assert closed.status_code == 303
    acted = await post_form(client, f"{page}/suspension", page, reason="x")  # the form still open in a tab
    assert (acted.status_code, acted.headers["location"]) == (303, page)
    landed = await client.get(acted.headers["location"])
    assert landed.status_code == 200 and "Motif" in landed.text
