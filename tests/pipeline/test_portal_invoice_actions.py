"""The portal's invoice actions against the Chorus Pro emulator: a supplier reads why the buyer suspended, sent
back or rejected an invoice (the buyer's own words and what to do), completes it with a supporting document,
recycles it with new routing — each through the API's own service, as the portal user."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from pdp.tenants.deposits.pipeline import Pipeline, advance
from tests.conftest import TenantFixture
from tests.invoices.pdf.pdfgen import simple_pdf
from tests.journeys import deposit_cii
from tests.portal.accounts import BROWSER, PortalPerson, csrf_of
from tests.portal.invoice_steps import hidden, seller_with_mandate, signed_in
from tests.sandbox.harness import NO_PARAMS, RECYCLE, REJECT, SUSPEND, RunningSandbox

Stopped = Callable[..., Awaitable[tuple[str, PortalPerson]]]


@pytest.fixture
def stopped(
    chorus_client: Any,
    tenant: TenantFixture,
    pipeline: Pipeline,
    sandbox: RunningSandbox,
    owner_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> Stopped:
    """``await stopped(recipient=…, status=…)``: an invoice deposited for ``recipient`` and followed until the buyer
    set ``status``, and a depositor signed in."""

    async def stop(*, recipient: str, status: str) -> tuple[str, PortalPerson]:
        provider, _ = await seller_with_mandate(chorus_client, tenant, owner_engine)
        response = await deposit_cii(
            chorus_client, tenant, provider["id"], recipient={"siret": recipient, "name": "R", "service_code": None}
        )
        assert response.status_code == 201, response.text
        invoice_id = str(response.json()["id"])
        assert await advance(pipeline, tenant.id, invoice_id) == "deposited"
        for _ in range(10):
            sandbox.control("POST", "clock/advance", {"days": 1})
            await advance(pipeline, tenant.id, invoice_id)
            shown = await chorus_client.get(f"/v1/invoices/{invoice_id}", headers=tenant.headers)
            if shown.json()["status"] == status:
                break
        else:
            raise AssertionError(f"{invoice_id} never reached {status}")
        person = await signed_in(chorus_client, sessionmaker, tenant.id, {provider["id"]: PortalRole.DEPOSITOR})
        return invoice_id, person

    return stop


async def _api_status(client: Any, tenant: TenantFixture, invoice_id: str) -> tuple[str, str]:
    shown = (await client.get(f"/v1/invoices/{invoice_id}", headers=tenant.headers)).json()
    return shown["status"], shown["chorus"]["status"]


async def test_a_suspended_invoice_is_completed_from_its_page(
    chorus_client: Any, tenant: TenantFixture, stopped: Stopped
) -> None:
    invoice_id, person = await stopped(recipient=SUSPEND, status="suspended")
    page = await chorus_client.get(f"{person.base}/factures/{invoice_id}")
    assert "Suspendue par l&#39;acheteur public" in page.text
    assert "Pièce justificative manquante : merci de joindre le bon de livraison signé." in page.text
    base = f"{person.base}/factures/{invoice_id}/completer"
    assert f'href="{base}"' in page.text

    form = await chorus_client.get(base)
    refused = await chorus_client.post(
        base,
        data={"_csrf_token": csrf_of(form)},
        files=[("files", ("bon.exe", b"MZ\x90\x00", "application/octet-stream"))],
        headers=BROWSER,
    )
    assert refused.status_code == 422 and "L&#39;extension de fichier .exe n&#39;est pas acceptée." in refused.text

    checked = await chorus_client.post(
        base,
        data={"_csrf_token": csrf_of(form), "commentaire": "Bon de livraison signé joint."},
        files=[("files", ("bon-de-livraison.pdf", simple_pdf(), "application/pdf"))],
        headers=BROWSER,
    )
    assert checked.status_code == 200 and "bon-de-livraison.pdf" in checked.text
    assert await _api_status(chorus_client, tenant, invoice_id) == ("suspended", "SUSPENDUE")  # nothing sent yet
    done = await chorus_client.post(
        f"{base}/confirmation",
        data={"_csrf_token": csrf_of(checked), "lot": hidden(checked, "lot"), "commentaire": "Bon de livraison."},
        headers=BROWSER,
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert await _api_status(chorus_client, tenant, invoice_id) == ("completed", "COMPLETEE")
    documents = (await chorus_client.get(f"/v1/invoices/{invoice_id}/documents", headers=tenant.headers)).json()
    assert "attachment" in {d["kind"] for d in documents["data"]}
    replay = await chorus_client.post(
        f"{base}/confirmation",
        data={"_csrf_token": csrf_of(checked), "lot": hidden(checked, "lot")},
        headers=BROWSER,
    )
    assert replay.status_code == 410 and "ne sont plus conservées" in replay.text  # the held pieces went once


async def test_an_invoice_sent_back_is_recycled_from_its_page(
    chorus_client: Any, tenant: TenantFixture, stopped: Stopped
) -> None:
    invoice_id, person = await stopped(recipient=RECYCLE, status="to_recycle")
    page = await chorus_client.get(f"{person.base}/factures/{invoice_id}")
    assert "À recycler : données d&#39;acheminement erronées" in page.text
    assert "le service exécutant indiqué ne traite pas ce marché" in page.text
    base = f"{person.base}/factures/{invoice_id}/recycler"
    fields = {"siret": NO_PARAMS, "service": "SERVICE_DESTINATAIRE1", "engagement": "", "commentaire": ""}
    step = await chorus_client.post(
        base, data={"_csrf_token": csrf_of(await chorus_client.get(base)), **fields}, headers=BROWSER
    )
    assert "SERVICE_DESTINATAIRE1" in step.text and await _api_status(chorus_client, tenant, invoice_id) == (
        "to_recycle",
        "A_RECYCLER",
    )
    done = await chorus_client.post(
        base,
        data={"_csrf_token": csrf_of(step), **fields, "confirme": "oui"},
        headers=BROWSER,
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    shown = (await chorus_client.get(f"/v1/invoices/{invoice_id}", headers=tenant.headers)).json()
    assert shown["status"] == "deposited"
    assert shown["recipient"] == {
        "siret": NO_PARAMS,
        "service_code": "SERVICE_DESTINATAIRE1",
        "engagement_number": None,
    }


async def test_a_rejected_invoice_quotes_the_buyer_and_offers_the_corrected_invoice(
    chorus_client: Any, tenant: TenantFixture, stopped: Stopped
) -> None:
    invoice_id, person = await stopped(recipient=REJECT, status="rejected")
    page = await chorus_client.get(f"{person.base}/factures/{invoice_id}")
    advice = page.text.split('id="advice"', 1)[1].split("</section>", 1)[0]
    assert "Rejetée par l&#39;acheteur public" in advice
    assert "Facture rejetée : le montant ne correspond pas au bon de commande." in advice
    assert "Déposez une facture rectificative, sous un nouveau numéro" in advice
    assert f"/deposer/facture?remplace={invoice_id}" in page.text and "/retirer" not in page.text
    comments = page.text.split('id="comments"', 1)[1].split("</section>", 1)[0]
    assert "le montant ne correspond pas au bon de commande" in comments
