"""Acting on an invoice from its page: a depositor withdraws it after a confirmation, audited as the portal user;
a form without its CSRF token changes nothing; a viewer sees no button and gets 403 on a crafted post; a refusal
(wrong status, Chorus unreachable) is a French page with the refusal's status, and nothing changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.portal.accounts import BROWSER, csrf_of
from tests.portal.invoice_steps import form_post, row, signed_in
from tests.portal.invoices import pending_mandate, seed


async def _status(owner_engine: AsyncEngine, invoice_id: str) -> str:
    async with owner_engine.connect() as conn:
        return str((await conn.execute(text("SELECT status FROM invoices WHERE id = :i"), {"i": invoice_id})).scalar())


async def test_a_depositor_withdraws_a_queued_invoice_after_confirming(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider = await new_provider(client, tenant)
    queued = row(provider["id"], await pending_mandate(client, tenant, provider["id"]), "queued", "10.00")
    await seed(sessionmaker, tenant.id, [queued])
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
    page = f"{person.base}/factures/{queued.id}"
    assert f'href="{page}/retirer"' in (await client.get(page)).text

    question = await client.get(f"{page}/retirer")
    assert question.status_code == 200 and "Oui, retirer la facture" in question.text
    forged = await client.post(f"{page}/retirer", data={}, headers=BROWSER)
    assert forged.status_code == 403 and "Formulaire expiré" in forged.text
    assert await _status(owner_engine, queued.id) == "queued"

    done = await client.post(
        f"{page}/retirer", data={"_csrf_token": csrf_of(question)}, headers=BROWSER, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == f"{page}?notice=retiree"
    assert await _status(owner_engine, queued.id) == "withdrawn"
    shown = await client.get(done.headers["location"])
    assert "La facture est retirée" in shown.text and 'data-status="withdrawn"' in shown.text
    async with owner_engine.connect() as conn:
        audited = await conn.execute(
            text("SELECT actor_type, actor_id FROM audit_events WHERE target_id = :i AND action = :a"),
            {"i": queued.id, "a": "invoice.status_changed"},
        )
        assert audited.all() == [("portal_user", person.id)]

    again = await form_post(client, f"{page}/retirer", f"{page}/retirer")
    assert again.status_code == 200  # withdrawing twice is harmless, as in the API


async def test_a_viewer_sees_no_action_and_a_crafted_post_is_refused(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await pending_mandate(client, tenant, provider["id"])
    queued = row(provider["id"], mandate, "queued", "10.00")
    to_recycle = row(provider["id"], mandate, "to_recycle", "10.00", chorus_invoice_id=42)
    await seed(sessionmaker, tenant.id, [queued, to_recycle])
    viewer = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.VIEWER})
    page = await client.get(f"{viewer.base}/factures/{queued.id}")
    assert page.status_code == 200 and 'id="actions"' not in page.text and "/retirer" not in page.text
    assert "Déposer" not in page.text.split("</nav>", 1)[0].split('class="main-nav"', 1)[1]  # nor the menu entry
    token = csrf_of(page)  # the page's own forms (language, sign-out) carry a valid token

    for path, fields in (
        (f"/factures/{queued.id}/retirer", {}),
        (f"/factures/{to_recycle.id}/recycler", {"siret": "11000201100044", "confirme": "oui"}),
        (f"/factures/{to_recycle.id}/completer/confirmation", {"lot": "x"}),
    ):
        refused = await client.post(viewer.base + path, data={"_csrf_token": token, **fields}, headers=BROWSER)
        assert refused.status_code == 403, path
        assert "<h1>Accès refusé</h1>" in refused.text
        assert (await client.get(viewer.base + path.removesuffix("/confirmation"))).status_code == 403
    assert await _status(owner_engine, queued.id) == "queued"
    assert await _status(owner_engine, to_recycle.id) == "to_recycle"


async def test_refusals_are_shown_in_french_and_change_nothing(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    provider = await new_provider(client, tenant)
    mandate = await pending_mandate(client, tenant, provider["id"])
    delivered = row(provider["id"], mandate, "delivered", "10.00", chorus_invoice_id=41)
    to_recycle = row(provider["id"], mandate, "to_recycle", "10.00", chorus_invoice_id=42, service_code="OLD")
    await seed(sessionmaker, tenant.id, [delivered, to_recycle])
    person = await signed_in(client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})

    base = f"{person.base}/factures/{delivered.id}"
    question = await client.get(f"{base}/retirer")
    assert "ne peut plus être retirée" in question.text and "Oui, retirer" not in question.text
    refused = await client.post(f"{base}/retirer", data={"_csrf_token": csrf_of(question)}, headers=BROWSER)
    assert refused.status_code == 409 and "a changé d&#39;état entre-temps" in refused.text
    assert await _status(owner_engine, delivered.id) == "delivered"

    base = f"{person.base}/factures/{to_recycle.id}"
    form = await client.get(f"{base}/recycler")
    assert 'value="OLD"' in form.text
    fields = {"siret": "11000201100044", "service": "SERV01", "engagement": "", "commentaire": "Bon service"}
    step = await client.post(f"{base}/recycler", data={"_csrf_token": csrf_of(form), **fields}, headers=BROWSER)
    assert step.status_code == 200 and "Vérifiez avant d&#39;envoyer" in step.text and "SERV01" in step.text
    confirmed = await client.post(
        f"{base}/recycler", data={"_csrf_token": csrf_of(step), **fields, "confirme": "oui"}, headers=BROWSER
    )
    # This deployment has no Chorus Pro access: said in French, with the refusal's status; nothing was sent.
    assert confirmed.status_code == 503 and "Chorus Pro n&#39;est pas joignable" in confirmed.text
    assert await _status(owner_engine, to_recycle.id) == "to_recycle"
