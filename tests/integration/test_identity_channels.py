"""The two proofs that run against other services: the supplier's own Chorus Pro account (the emulator's
``monCompte/recuperer/rattachements``) and a code sent by post to the address SIRENE registers (the SIRENE stand-in
the emulator serves, the letter written by pdp's folder sender), each ending in a signed acceptance."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.db.session import unit_of_work
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.identity.postal_code import send_letter
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.invoices.validation.test_engine import SELLER
from tests.journeys import invitation_path, post_form
from tests.portal_channels import channel_settings, emulator, portal
from tests.sandbox.harness import RunningSandbox

__all__ = ["channel_settings", "emulator", "portal"]  # the fixtures this module uses

CLOSED = "73282932000058"  # the seed's closed establishment of Atelier Dupont


async def _invitation(client: Any, tenant: TenantFixture, siret: str = SELLER.siret) -> tuple[str, str]:
    provider = await client.post("/v1/providers", json=provider_payload(siret=siret), headers=tenant.headers)
    assert provider.status_code == 201, provider.text
    mandate = await client.post(
        f"/v1/providers/{provider.json()['id']}/mandates", json={"valid_from": "2026-01-01"}, headers=tenant.headers
    )
    assert mandate.status_code == 201, mandate.text
    return await invitation_path(client, tenant.id, mandate.json()["id"]), mandate.json()["id"]


async def _session_method(owner_engine: AsyncEngine, mandate_id: str) -> tuple[str, str, str]:
    async with owner_engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT m.status, s.method, u.email FROM mandates m JOIN portal_users u ON u.id = "
                    "m.accepted_by_user_id JOIN portal_sessions s ON s.user_id = u.id WHERE m.id = :id"
                ),
                {"id": mandate_id},
            )
        ).one()
    return row[0], row[1], row[2]


async def test_the_supplier_s_own_chorus_account_proves_its_siret(
    portal: Any, tenant: TenantFixture, emulator: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    path, mandate_id = await _invitation(portal, tenant)
    account = emulator.account(SELLER.siret)
    proved = await post_form(portal, f"{path}/chorus", path, login=account.login, password=account.password)
    assert (proved.status_code, proved.headers["location"]) == (303, path)
    accepted = await post_form(portal, path, full_name="Jeanne Dupont", consent="yes")
    assert accepted.status_code == 303, accepted.text
    # The signatory's account takes the invitation's e-mail: Chorus Pro vouches for no address.
    assert await _session_method(owner_engine, mandate_id) == ("active", "chorus_account", "compta@dupont.fr")
    async with owner_engine.connect() as conn:
        claims = (
            await conn.execute(
                text(
                    "SELECT p.claims FROM identity_proofs p JOIN mandates m ON m.identity_proof_id = p.id "
                    "WHERE m.id = :id"
                ),
                {"id": mandate_id},
            )
        ).scalar_one()
    assert claims["structure_siret"] == SELLER.siret and claims["attachment_status"] == "ACTIF"
    assert account.password not in str(claims)


async def test_a_chorus_account_of_another_siret_or_a_wrong_password_proves_nothing_and_is_limited(
    portal: Any, tenant: TenantFixture, emulator: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    path, mandate_id = await _invitation(portal, tenant)
    other = emulator.account("44306184100047")
    not_attached = await post_form(portal, f"{path}/chorus", path, login=other.login, password=other.password)
    assert not_attached.status_code == 200 and "n'est pas rattaché au SIRET" in html.unescape(not_attached.text)
    own = emulator.account(SELLER.siret)
    wrong = await post_form(portal, f"{path}/chorus", path, login=own.login, password="not-the-password")
    assert wrong.status_code == 200 and "refuse cet identifiant" in wrong.text
    for _ in range(3):
        await post_form(portal, f"{path}/chorus", path, login=own.login, password="still-not-it")
    # Five failures for this provider: even the right password waits until the window ends.
    throttled = await post_form(portal, f"{path}/chorus", path, login=own.login, password=own.password)
    assert throttled.status_code == 429 and "Trop de tentatives" in throttled.text
    assert "Retry-After" in throttled.headers
    async with owner_engine.connect() as conn:
        refused = (
            await conn.execute(
                text("SELECT count(*) FROM audit_events WHERE tenant_id = :t AND action = 'identity.refused'"),
                {"t": tenant.id},
            )
        ).scalar_one()
        status = (
            await conn.execute(text("SELECT status FROM mandates WHERE id = :id"), {"id": mandate_id})
        ).scalar_one()
    assert (refused, status) == (5, "pending")


async def _staged_code(owner_engine: AsyncEngine, tenant_id: str) -> tuple[str, str]:
    async with owner_engine.connect() as conn:
        proof_id, sealed = (
            await conn.execute(
                text(
                    "SELECT payload->>'proof_id', payload->>'code' FROM outbox WHERE tenant_id = :t "
                    "AND job_name = 'identity.send_letter' ORDER BY id DESC LIMIT 1"
                ),
                {"t": tenant_id},
            )
        ).one()
    return proof_id, sealed


async def _letter_code(
    channel_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
    tenant_id: str,
) -> str:
    """Run the letter job as the worker would, and read the code off the PDF it wrote."""
    proof_id, sealed = await _staged_code(owner_engine, tenant_id)
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        sent = await send_letter(session, channel_settings, Envelope(channel_settings.master_keys), proof_id, sealed)
    assert sent == "sent"
    async with owner_engine.connect() as conn:
        letter_id = (
            await conn.execute(
                text("SELECT claims->>'letter_id' FROM identity_proofs WHERE id = :id"), {"id": proof_id}
            )
        ).scalar_one()
    words = " ".join(page.extract_text() for page in PdfReader(Path(channel_settings.letters_dir) / letter_id).pages)
    code = next(word.strip(".,()") for word in words.split() if len(word.strip(".,()")) == 9 and word[4] == "-")
    return code


async def test_a_code_sent_by_post_proves_the_siret_and_the_letter_keeps_the_only_clear_copy(
    portal: Any,
    tenant: TenantFixture,
    channel_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    path, mandate_id = await _invitation(portal, tenant)
    asked = await post_form(portal, f"{path}/courrier", path)
    assert (asked.status_code, asked.headers["location"]) == (303, path)
    page = await portal.get(path)
    assert "Valider le code" in page.text  # the letter is on its way: the page asks for its code
    code = await _letter_code(channel_settings, sessionmaker, owner_engine, tenant.id)
    _, sealed = await _staged_code(owner_engine, tenant.id)
    async with owner_engine.connect() as conn:
        stored = (
            await conn.execute(
                text("SELECT code_sha256 FROM identity_proofs WHERE tenant_id = :t AND channel = 'postal_code'"),
                {"t": tenant.id},
            )
        ).scalar_one()
    clear = code.replace("-", "")
    assert clear not in stored and clear not in sealed  # the database holds a keyed digest and a sealed copy

    wrong = await post_form(portal, f"{path}/code", path, code="AAAA-AAAA")
    assert wrong.status_code == 200 and "Il vous reste 4 essai" in wrong.text
    proved = await post_form(portal, f"{path}/code", path, code=code.lower())  # typed back as it comes
    assert (proved.status_code, proved.headers["location"]) == (303, path)
    accepted = await post_form(portal, path, full_name="Jeanne Dupont", consent="yes")
    assert accepted.status_code == 303, accepted.text
    assert await _session_method(owner_engine, mandate_id) == ("active", "postal_code", "compta@dupont.fr")


async def test_five_wrong_codes_lock_the_letter(
    portal: Any,
    tenant: TenantFixture,
    channel_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    path, mandate_id = await _invitation(portal, tenant)
    await post_form(portal, f"{path}/courrier", path)
    code = await _letter_code(channel_settings, sessionmaker, owner_engine, tenant.id)
    for _ in range(5):
        refused = await post_form(portal, f"{path}/code", path, code="BBBB-BBBB")
        assert refused.status_code == 200
    assert "dernier essai" in html.unescape(refused.text)
    late = await post_form(portal, f"{path}/code", path, code=code)  # the right code, too late
    assert late.status_code == 410
    assert (await post_form(portal, path, full_name="Jeanne Dupont", consent="yes")).status_code == 403
    async with owner_engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT p.status, p.attempts, m.status FROM identity_proofs p JOIN mandates m ON m.id = "
                    "p.mandate_id WHERE m.id = :id"
                ),
                {"id": mandate_id},
            )
        ).one()
    assert tuple(row) == ("failed", 5, "pending")


async def test_no_letter_goes_to_a_closed_or_unknown_establishment(portal: Any, tenant: TenantFixture) -> None:
    closed_path, _ = await _invitation(portal, tenant, siret=CLOSED)
    closed = await post_form(portal, f"{closed_path}/courrier", closed_path)
    assert closed.status_code == 422 and "est fermé selon le répertoire SIRENE" in html.unescape(closed.text)
    unknown_path, _ = await _invitation(portal, tenant, siret=str(provider_payload()["siret"]))
    unknown = await post_form(portal, f"{unknown_path}/courrier", unknown_path)
    assert unknown.status_code == 422 and "inconnu du répertoire SIRENE" in html.unescape(unknown.text)
