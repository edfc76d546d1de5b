"""The probe's takeover: tenant B registers the SIRET of tenant A's supplier, with B's own address as the contact,
asks it for a mandate, and accepts that mandate itself — then deposits invoices that reached ``payment_sent`` under
the supplier's name. Now the invitation B receives is useless without a proof for that SIRET, which B cannot give
through any channel, and the duplicate is flagged to support; the supplier sees every platform claiming it."""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole, PortalUserCaller
from pdp.platform.db.session import unit_of_work
from pdp.platform.settings import Settings
from pdp.tenants.mandates.service import platforms_for_siret
from tests.conftest import NewTenant
from tests.invoices.validation.test_engine import SELLER
from tests.journeys import (
    active_mandate,
    deposit_cii,
    invitation_path,
    new_mandate,
    post_form,
    prove_with_proconnect,
    seller_provider,
)
from tests.portal_channels import channel_settings, emulator, portal
from tests.sandbox.harness import RunningSandbox

__all__ = ["channel_settings", "emulator", "portal"]  # the fixtures this module uses

VICTIM = SELLER.siret  # a supplier Chorus Pro and SIRENE know: every channel can be tried against it
ATTACKER_SIRET = "44306184100047"  # the attacker's own company, with its own Chorus Pro account


async def test_a_tenant_cannot_accept_a_mandate_for_someone_elses_siret(
    portal: Any,
    new_tenant: NewTenant,
    emulator: RunningSandbox,
    channel_settings: Settings,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    platform_a = await new_tenant("Marketplace A")
    platform_b = await new_tenant("Platform B")
    supplier = await seller_provider(portal, platform_a, email="compta@dupont.fr")
    held = await active_mandate(portal, platform_a, supplier["id"])  # the supplier proved itself with A

    claimed = await seller_provider(portal, platform_b, email="attacker@platform-b.example")
    mandate = await new_mandate(portal, platform_b, claimed["id"])
    assert "acceptance_url" not in mandate
    mandate_id = mandate["id"]

    # Support sees the SIRET two tenants ask mandates for.
    async with owner_engine.connect() as conn:
        case = (
            await conn.execute(
                text("SELECT id, tenant_ids FROM staff_cases WHERE siret = :s AND resolved_at IS NULL"), {"s": VICTIM}
            )
        ).one()
        flagged = (
            await conn.execute(
                text(
                    "SELECT data FROM audit_events WHERE tenant_id = :t AND action = 'mandate.siret_contested' "
                    "AND target_id = :m"
                ),
                {"t": platform_b.id, "m": mandate_id},
            )
        ).scalar_one()
    assert {platform_a.id, platform_b.id} <= set(case.tenant_ids)
    assert flagged["case_id"] == case.id and flagged["siret"] == VICTIM and flagged["other_tenants"] >= 1

    # B receives the invitation (its own address is the contact): the link alone accepts nothing.
    path = await invitation_path(portal, platform_b.id, mandate_id, settings=channel_settings)
    assert (await post_form(portal, path, full_name="Mallory Martin", consent="yes")).status_code == 403
    # ProConnect vouches for B's own SIRET, not the supplier's.
    other_identity = await prove_with_proconnect(portal, path, settings.proconnect_issuer, siret=ATTACKER_SIRET)
    assert other_identity.status_code == 403
    # B's own Chorus Pro account is not attached to the supplier's structure.
    account = emulator.account(ATTACKER_SIRET)
    chorus = await post_form(portal, f"{path}/chorus", path, login=account.login, password=account.password)
    assert "n'est pas rattaché au SIRET" in html.unescape(chorus.text)
    # A letter goes to the supplier's registered address, not to B: guesses lock it after five.
    assert (await post_form(portal, f"{path}/courrier", path)).status_code == 303
    for _ in range(5):
        guessed = await post_form(portal, f"{path}/code", path, code="ABCD-EFGH")
        assert guessed.status_code == 200
    assert "dernier essai" in html.unescape(guessed.text)

    assert (await post_form(portal, path, full_name="Mallory Martin", consent="yes")).status_code == 403
    after = (await portal.get(f"/v1/mandates/{mandate_id}", headers=platform_b.headers)).json()
    assert after["status"] == "pending"
    to_a_known_recipient = {"recipient": {"siret": "11001011300014", "name": "R", "service_code": None}}
    refused = await deposit_cii(portal, platform_b, claimed["id"], **to_a_known_recipient)
    assert (refused.status_code, refused.json()["code"]) == (403, "mandate_required"), refused.text

    # The supplier, signed in with A, sees every platform that holds or asks for its mandate; B's key sees none.
    async with owner_engine.connect() as conn:
        signatory = (
            await conn.execute(text("SELECT accepted_by_user_id FROM mandates WHERE id = :id"), {"id": held["id"]})
        ).scalar_one()
    caller = PortalUserCaller(platform_a.id, signatory, {supplier["id"]: PortalRole.ADMIN})
    async with unit_of_work(sessionmaker, caller=caller) as session:
        seen = {(p.tenant_name, p.mandate_id, p.status) for p in await platforms_for_siret(session, VICTIM)}
    assert {("Marketplace A", held["id"], "active"), ("Platform B", mandate_id, "pending")} <= seen
    async with unit_of_work(sessionmaker, tenant_id=platform_b.id) as session:
        assert await platforms_for_siret(session, VICTIM) == []
