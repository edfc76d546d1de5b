"""« Mandats »: a provider's mandates here (state, scope, acceptance, the PDF and evidence byte-identical), the other
platforms asking for its SIRET (listed with a link, never acted on from here), and its administrators' answers —
refusing a pending mandate, revoking an active one — that nobody else can give."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from pdp.platform.db.session import unit_of_work
from pdp.tenants.archive import service as archive_service
from pdp.tenants.archive.store import Archive
from pdp.tenants.mandates.repository import MandateRepository
from tests.conftest import TenantFixture
from tests.journeys import active_mandate, deposit_cii, new_mandate, new_provider, seller_provider
from tests.portal.accounts import BROWSER
from tests.portal.records import Browser, form, signed_in, use


def mandates_on(page: Any) -> dict[str, str]:
    return dict(re.findall(r'<article class="mandate" data-mandate="([^"]+)" data-state="([a-z]+)"', page.text))


@pytest.fixture
async def world(
    client: Any,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, Any]:
    """Provider X (an accepted mandate, a pending one), Y of the same tenant (a pending one), and another platform
    asking a mandate of X's SIRET; a viewer and an administrator of X, signed in."""
    x = await seller_provider(client, tenant)
    active = await active_mandate(client, tenant, x["id"])
    pending = await new_mandate(client, tenant, x["id"], valid_until="2027-12-31")
    y = await new_provider(client, tenant)
    y_mandate = await new_mandate(client, tenant, y["id"])
    elsewhere = await new_provider(client, other_tenant, siret=x["siret"], name=x["name"])
    foreign = await new_mandate(client, other_tenant, elsewhere["id"])
    return {
        "x": x,
        "active": active["id"],
        "pending": pending["id"],
        "y_mandate": y_mandate["id"],
        "foreign": foreign["id"],
        "viewer": await signed_in(client, sessionmaker, tenant.id, {x["id"]: PortalRole.VIEWER}),
        "admin": await signed_in(client, sessionmaker, tenant.id, {x["id"]: PortalRole.ADMIN}),
    }


async def test_a_viewer_reads_the_mandates_and_their_evidence(
    client: Any,
    tenant: TenantFixture,
    other_tenant: TenantFixture,
    sessionmaker: async_sessionmaker[AsyncSession],
    archive: Archive,
    world: dict[str, Any],
) -> None:
    viewer: Browser = world["viewer"]
    use(client, viewer)
    page = await client.get(f"{viewer.base}/mandats")
    assert page.status_code == 200
    assert mandates_on(page) == {world["active"]: "active", world["pending"]: "pending"}  # not Y's
    assert "Identité vérifiée avec ProConnect (jeanne.dupont@example.fr)" in page.text
    assert "Accepté par Jeanne Dupont" in page.text and "au 31 décembre 2027" in page.text
    assert "Révoquer ce mandat" not in page.text and "Refuser ce mandat" not in page.text  # a viewer only reads

    # The other platform asking for X's SIRET: listed, with its own portal's address, and nothing to act on.
    others = page.text[page.text.index('id="others-') :]
    assert f'data-platform="{other_tenant.id}"' in others and f'href="/portal/{other_tenant.id}/"' in others
    assert "Other platform" in others and world["foreign"] not in page.text

    mandate = (await client.get(f"/v1/mandates/{world['active']}", headers=tenant.headers)).json()
    async with unit_of_work(sessionmaker, tenant_id=tenant.id) as session:
        row = await MandateRepository(session).get(world["active"])
        _, pdf = await archive_service.content(session, archive, row.document_id)
        assert row.evidence_document_id is not None
        _, evidence = await archive_service.content(session, archive, row.evidence_document_id)
    downloaded = await client.get(f"{viewer.base}/archive/documents/{row.document_id}")
    assert downloaded.content == pdf and downloaded.headers["content-type"] == "application/pdf"
    assert downloaded.headers["digest"] == f"sha-256={mandate['document_sha256']}"
    proof = await client.get(f"{viewer.base}/archive/documents/{row.evidence_document_id}")
    assert proof.content == evidence and json.loads(proof.content)["mandate_id"] == world["active"]


async def test_only_the_providers_admin_answers_and_only_for_its_own_mandates(
    client: Any, world: dict[str, Any], tenant: TenantFixture
) -> None:
    viewer: Browser = world["viewer"]
    use(client, viewer)
    assert (await client.get(f"{viewer.base}/mandats/{world['active']}/revocation")).status_code == 403
    refused = await form(client, f"{viewer.base}/mandats", f"{viewer.base}/mandats/{world['active']}/revocation")
    assert refused.status_code == 403 and "Accès refusé" in refused.text

    admin: Browser = world["admin"]
    use(client, admin)
    for other in (world["y_mandate"], world["foreign"]):  # Y's (same tenant), another tenant's
        assert (await client.get(f"{admin.base}/mandats/{other}/revocation")).status_code == 404
        crafted = await form(client, f"{admin.base}/mandats", f"{admin.base}/mandats/{other}/revocation")
        assert crafted.status_code == 404
    forged = await client.post(f"{admin.base}/mandats/{world['active']}/revocation", headers=BROWSER)
    assert forged.status_code == 403 and "Formulaire expiré" in forged.text
    statuses = {m["id"]: m["status"] for m in (await client.get("/v1/mandates", headers=tenant.headers)).json()["data"]}
    assert statuses[world["active"]] == "active" and statuses[world["y_mandate"]] == "pending"


async def test_an_admin_refuses_a_pending_mandate_and_revokes_the_active_one(
    client: Any, tenant: TenantFixture, world: dict[str, Any], owner_engine: AsyncEngine
) -> None:
    admin: Browser = world["admin"]
    use(client, admin)
    page = await client.get(f"{admin.base}/mandats")
    assert "Révoquer ce mandat" in page.text and "Refuser ce mandat" in page.text

    confirm = f"{admin.base}/mandats/{world['pending']}/revocation"
    assert "Confirmer le refus" in (await client.get(confirm)).text
    answered = await form(client, confirm, confirm, motif="  Nous ne travaillons pas avec cette plateforme. ")
    assert answered.status_code == 303 and answered.headers["location"].endswith("/mandats?notice=refuse")

    confirm = f"{admin.base}/mandats/{world['active']}/revocation"
    assert "Confirmer la révocation" in (await client.get(confirm)).text
    answered = await form(client, confirm, confirm)
    assert answered.headers["location"].endswith("/mandats?notice=revoque")
    after = await client.get(f"{admin.base}/mandats?notice=revoque")
    assert mandates_on(after) == {world["active"]: "revoked", world["pending"]: "refused"}
    assert "Motif : Nous ne travaillons pas avec cette plateforme." in after.text

    pending = (await client.get(f"/v1/mandates/{world['pending']}", headers=tenant.headers)).json()
    assert pending["revoked_by"] == "provider" and pending["refusal_reason"].startswith("Nous ne travaillons")
    # Deposits stop at once: the tenant's next deposit for X is refused.
    deposit = await deposit_cii(client, tenant, world["x"]["id"])
    assert deposit.status_code == 403 and deposit.json()["code"] == "mandate_required"
    # Nothing left to say no to: the page says so rather than failing.
    again = await client.get(confirm, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].endswith("/mandats?notice=deja")

    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT target_id, data FROM audit_events WHERE tenant_id = :t AND action = 'mandate.revoked' "
                "AND actor_type = 'portal_user' AND actor_id = :a ORDER BY occurred_at, id"
            ),
            {"t": tenant.id, "a": admin.person.id},
        )
        audited = [(row.target_id, row.data["refused"]) for row in rows]
    assert audited == [(world["pending"], True), (world["active"], False)]
