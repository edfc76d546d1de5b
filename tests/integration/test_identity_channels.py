"""The two proofs that run against other services: the supplier's own Chorus Pro account (the emulator's
``monCompte/recuperer/rattachements``) and a code sent by post to the address SIRENE registers (the SIRENE stand-in
the emulator serves, the letter written by pdp's folder sender), each ending in a signed acceptance."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.db.session import unit_of_work
from pdp.platform.security.envelope import Envelope
from pdp.platform.settings import Settings
from pdp.tenants.identity.postal_code import send_letter
from tests.conftest import TenantFixture
from tests.factories import provider_payload
from tests.invoices.validation.test_engine import SELLER
from tests.journeys import pending_invitation, post_form
from tests.portal_channels import channel_settings, emulator, portal
from tests.sandbox.harness import RunningSandbox
from tests.stored import owner_row, owner_value, staged_jobs

__all__ = ["channel_settings", "emulator", "portal"]  # the fixtures this module uses

CLOSED = "73282932000058"  # the seed's closed establishment of Atelier Dupont


async def _session_method(owner_engine: AsyncEngine, mandate_id: str) -> tuple[str, str, str]:
    status, method, email = await owner_row(
        owner_engine,
        "SELECT m.status, s.method, u.email FROM mandates m JOIN portal_users u ON u.id = m.accepted_by_user_id "
        "JOIN portal_sessions s ON s.user_id = u.id WHERE m.id = :id",
        id=mandate_id,
    )
    return status, method, email


async def test_the_supplier_s_own_chorus_account_proves_its_siret(
    portal: Any, tenant: TenantFixture, emulator: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    mandate, path = await pending_invitation(portal, tenant, siret=SELLER.siret)
    account = emulator.account(SELLER.siret)
    proved = await post_form(portal, f"{path}/chorus", path, login=account.login, password=account.password)
    assert (proved.status_code, proved.headers["location"]) == (303, path)
    accepted = await post_form(portal, path, full_name="Jeanne Dupont", consent="yes")
    assert accepted.status_code == 303, accepted.text
    # The signatory's account takes the invitation's e-mail: Chorus Pro vouches for no address.
    assert await _session_method(owner_engine, mandate["id"]) == ("active", "chorus_account", "compta@dupont.fr")
    proof = "SELECT p.claims FROM identity_proofs p JOIN mandates m ON m.identity_proof_id = p.id WHERE m.id = :id"
    claims = await owner_value(owner_engine, proof, id=mandate["id"])
    assert claims["structure_siret"] == SELLER.siret and claims["attachment_status"] == "ACTIF"
    assert account.password not in str(claims)


async def test_a_chorus_account_of_another_siret_or_a_wrong_password_proves_nothing_and_is_limited(
    portal: Any, tenant: TenantFixture, emulator: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    mandate, path = await pending_invitation(portal, tenant, siret=SELLER.siret)
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
    refused = "SELECT count(*) FROM audit_events WHERE tenant_id = :t AND action = 'identity.refused'"
    assert await owner_value(owner_engine, refused, t=tenant.id) == 5
    assert await owner_value(owner_engine, "SELECT status FROM mandates WHERE id = :id", id=mandate["id"]) == "pending"


async def test_pdp_s_piste_application_unsubscribed_from_utilisateurs_is_not_the_person_s_failure(
    portal: Any, tenant: TenantFixture, emulator: RunningSandbox, owner_engine: AsyncEngine
) -> None:
    mandate, path = await pending_invitation(portal, tenant, siret=SELLER.siret)
    piste = emulator.info["piste"]
    unsubscribed = {**piste, "apis": ["factures", "structures", "transverses"]}
    emulator.control("POST", "directory", {"applications": [unsubscribed]})
    try:
        own = emulator.account(SELLER.siret)
        answer = await post_form(portal, f"{path}/chorus", path, login=own.login, password=own.password)
    finally:
        emulator.control("POST", "directory", {"applications": [piste]})  # subscribed to every API again
    assert answer.status_code == 502  # pdp's configuration: PISTE answered 403 with an empty body
    refused = "SELECT count(*) FROM audit_events WHERE tenant_id = :t AND action = 'identity.refused'"
    assert await owner_value(owner_engine, refused, t=tenant.id) == 0  # nothing counted against the provider
    assert await owner_value(owner_engine, "SELECT status FROM mandates WHERE id = :id", id=mandate["id"]) == "pending"


async def _staged_code(owner_engine: AsyncEngine, tenant_id: str) -> tuple[str, str]:
    """The last letter staged: its proof and its code, sealed for the letter's job."""
    letter = (await staged_jobs(owner_engine, tenant_id, "identity.send_letter"))[-1]
    return letter["proof_id"], letter["code"]


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
    letter_id = await owner_value(
        owner_engine, "SELECT claims->>'letter_id' FROM identity_proofs WHERE id = :id", id=proof_id
    )
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
    mandate, path = await pending_invitation(portal, tenant, siret=SELLER.siret)
    asked = await post_form(portal, f"{path}/courrier", path)
    assert (asked.status_code, asked.headers["location"]) == (303, path)
    page = await portal.get(path)
    assert "Valider le code" in page.text  # the letter is on its way: the page asks for its code
    code = await _letter_code(channel_settings, sessionmaker, owner_engine, tenant.id)
    _, sealed = await _staged_code(owner_engine, tenant.id)
    stored = await owner_value(
        owner_engine,
        "SELECT code_sha256 FROM identity_proofs WHERE tenant_id = :t AND channel = 'postal_code'",
        t=tenant.id,
    )
    clear = code.replace("-", "")
    assert clear not in stored and clear not in sealed  # the database holds a keyed digest and a sealed copy

    wrong = await post_form(portal, f"{path}/code", path, code="AAAA-AAAA")
    assert wrong.status_code == 200 and "Il vous reste 4 essai" in wrong.text
    proved = await post_form(portal, f"{path}/code", path, code=code.lower())  # typed back as it comes
    assert (proved.status_code, proved.headers["location"]) == (303, path)
    accepted = await post_form(portal, path, full_name="Jeanne Dupont", consent="yes")
    assert accepted.status_code == 303, accepted.text
    assert await _session_method(owner_engine, mandate["id"]) == ("active", "postal_code", "compta@dupont.fr")


async def test_five_wrong_codes_lock_the_letter(
    portal: Any,
    tenant: TenantFixture,
    channel_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    owner_engine: AsyncEngine,
) -> None:
    mandate, path = await pending_invitation(portal, tenant, siret=SELLER.siret)
    await post_form(portal, f"{path}/courrier", path)
    code = await _letter_code(channel_settings, sessionmaker, owner_engine, tenant.id)
    for _ in range(5):
        refused = await post_form(portal, f"{path}/code", path, code="BBBB-BBBB")
        assert refused.status_code == 200
    assert "dernier essai" in html.unescape(refused.text)
    late = await post_form(portal, f"{path}/code", path, code=code)  # the right code, too late
    assert late.status_code == 410
    assert (await post_form(portal, path, full_name="Jeanne Dupont", consent="yes")).status_code == 403
    locked = await owner_row(
        owner_engine,
        "SELECT p.status, p.attempts, m.status FROM identity_proofs p JOIN mandates m ON m.id = p.mandate_id "
        "WHERE m.id = :id",
        id=mandate["id"],
    )
    assert locked == ("failed", 5, "pending")


async def test_no_letter_goes_to_a_closed_or_unknown_establishment(portal: Any, tenant: TenantFixture) -> None:
    _, closed_path = await pending_invitation(portal, tenant, siret=CLOSED)
    closed = await post_form(portal, f"{closed_path}/courrier", closed_path)
    assert closed.status_code == 422 and "est fermé selon le répertoire SIRENE" in html.unescape(closed.text)
    _, unknown_path = await pending_invitation(portal, tenant, siret=str(provider_payload()["siret"]))
    unknown = await post_form(portal, f"{unknown_path}/courrier", unknown_path)
    assert unknown.status_code == 422 and "inconnu du répertoire SIRENE" in html.unescape(unknown.text)
