"""``pdp staff …``: a support case from the command line, through the same sign-in, grants and audit as the
console: create, sign in with password and code, search without a grant (routing data only), open a grant, read
the tenant under it."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp.cli import staff_tasks
from pdp.platform.errors import Unauthenticated
from pdp.platform.settings import Settings
from pdp.tenants.staff.auth import SessionEnded
from tests.conftest import TenantFixture
from tests.journeys import new_provider


async def _signed_in(settings: Settings, role: str = "support") -> tuple[dict[str, Any], str]:
    made = await staff_tasks.create_staff(settings, f"{pyotp.random_base32()[:8].lower()}@support.example", "Lou", role)
    code = pyotp.TOTP(made["totp_secret"]).now()
    signed = await staff_tasks.sign_in(settings, made["email"], made["password"], code)
    return made, signed["session"]


async def test_a_wrong_password_or_code_or_a_replayed_code_signs_nobody_in(settings: Settings) -> None:
    made = await staff_tasks.create_staff(settings, "refused@support.example", "Refused", "support")
    code = pyotp.TOTP(made["totp_secret"]).now()
    for password, given in ((made["password"] + "x", code), (made["password"], "000000")):
        with pytest.raises(Unauthenticated, match="not recognised"):
            await staff_tasks.sign_in(settings, made["email"], password, given)
    await staff_tasks.sign_in(settings, made["email"], made["password"], code)
    with pytest.raises(Unauthenticated):  # the same code, once more
        await staff_tasks.sign_in(settings, made["email"], made["password"], code)
    with pytest.raises(SessionEnded):
        await staff_tasks.find(settings, "not-a-session", "anything")


async def test_a_support_case_from_search_to_the_tenant_under_a_grant(
    client: Any, tenant: TenantFixture, other_tenant: TenantFixture, settings: Settings, owner_engine: AsyncEngine
) -> None:
    provider = await new_provider(client, tenant)
    made, session = await _signed_in(settings)
    found = await staff_tasks.find(settings, session, provider["siret"])
    mine = [row for row in found if row["tenant_id"] == tenant.id]
    assert mine and mine[0]["provider_id"] == provider["id"] and mine[0]["matched"] == "provider"
    assert set(mine[0]) == {
        "tenant_id",
        "tenant_name",
        "provider_id",
        "provider_siret",
        "provider_name",
        "invoice_id",
        "invoice_number",
        "invoice_status",
        "flux_number",
        "matched",
    }
    assert await staff_tasks.find(settings, session, "ab") == []  # too short to search
    opened = await staff_tasks.open_grant(
        settings,
        session,
        tenant.id,
        reason="Dépôt bloqué",
        ticket="SUP-77",
        provider_id=None,
        invoice_id=None,
        minutes=30,
    )
    overview = await staff_tasks.show_tenant(settings, session, tenant.id, opened["grant_id"])
    assert overview["tenant_id"] == tenant.id and overview["status"] == "active"
    assert [key["last4"] for key in overview["api_keys"]] == [tenant.api_key[-4:]]
    # The grant names its tenant: the other tenant's page is not readable with it.
    with pytest.raises(Exception, match="grant"):
        await staff_tasks.show_tenant(settings, session, other_tenant.id, opened["grant_id"])
    listed = (await client.get("/v1/staff-access", headers=tenant.headers)).json()["data"]
    assert [(g["id"], g["ticket"], g["pages_read"]) for g in listed] == [(opened["grant_id"], "SUP-77", 1)]
    async with owner_engine.connect() as conn:
        actions = (
            (
                await conn.execute(
                    text("SELECT action FROM audit_events WHERE tenant_id = :t AND actor_id = :s ORDER BY occurred_at"),
                    {"t": tenant.id, "s": made["staff_id"]},
                )
            )
            .scalars()
            .all()
        )
    assert actions == ["staff_access.opened", "staff_access.read"]


async def test_suspension_from_the_command_line_needs_an_admin_and_a_grant(
    client: Any, tenant: TenantFixture, settings: Settings
) -> None:
    _, support = await _signed_in(settings)
    granted = await staff_tasks.open_grant(
        settings, support, tenant.id, reason="Impayés", ticket="SUP-3", provider_id=None, invoice_id=None, minutes=10
    )
    with pytest.raises(Exception, match="admin role"):
        await staff_tasks.lifecycle(settings, support, tenant.id, granted["grant_id"], "Impayés")
    _, admin = await _signed_in(settings, role="admin")
    with pytest.raises(Exception, match="grant"):  # the support member's grant is not the admin's
        await staff_tasks.lifecycle(settings, admin, tenant.id, granted["grant_id"], "Impayés")
    own = await staff_tasks.open_grant(
        settings, admin, tenant.id, reason="Impayés", ticket="SUP-3", provider_id=None, invoice_id=None, minutes=10
    )
    suspended = await staff_tasks.lifecycle(settings, admin, tenant.id, own["grant_id"], "Impayés")
    assert suspended["status"] == "suspended"
    assert (await client.get("/v1/me", headers=tenant.headers)).json()["code"] == "tenant_suspended"
    assert (await staff_tasks.lifecycle(settings, admin, tenant.id, own["grant_id"], None))["status"] == "active"
