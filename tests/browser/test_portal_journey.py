"""The portal's whole journey in one browser test, as a supplier lives it, against real processes: the tenant asks
for a mandate through the API; the signatory opens pdp's invitation e-mail, proves with ProConnect (the stand-in's
own page) that they act for the SIRET, signs, and lands on the dashboard; their first deposit is refused with its
validation report in French, fixed, deposited; then they follow it until the public buyer pays.

Other browser tests share one lone ``pdp serve`` and never see an invoice past ``queued``: this one has its own
``pdp serve``, ``pdp worker`` (the outbox relay, the e-mails, the deposit and the status polls) and Chorus Pro
emulator, its clock sped up so that the buyer's week of processing passes in seconds, on a database of its own
(a worker relays every tenant's outbox and sweeps every tenant's invoices: the session's database holds what the
other tests staged and never ran) and a Redis database of its own (the same reason, for the queue).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from playwright.async_api import Browser, FilePayload, Page, expect

from pdp.einvoice.formats.json_input import to_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.platform import ids, jobs
from pdp.platform.db import admin
from pdp.platform.db.session import create_engine, create_sessionmaker, unit_of_work
from pdp.platform.devstack import EngineInfo
from pdp.platform.settings import Settings
from pdp.tenants.accounts import service as accounts
from pdp.tenants.deposits.lifecycle import TRACKED
from tests.browser.harness import assert_accessible, open_page, portal_process, shoot
from tests.conftest import ProConnectMock, TenantFixture
from tests.faults.stack import Workers, wait_up
from tests.invoices.validation.test_engine import RECIPIENT_ADDRESS, SELLER, structured
from tests.journeys import new_mandate, new_provider
from tests.mail import CaughtMail, link_in
from tests.sandbox.harness import NO_PARAMS, SUPPLIER, RunningSandbox, start_sandbox, with_emulator

pytestmark = pytest.mark.slow

# The emulator's buyer pays six virtual days after the deposit (its lifecycle module): ~1 s at this speed, so the
# first poll, which pdp makes a second after the deposit at the earliest, reads the whole history at once. The
# emulator's other delays (integration, token lifetime) are on the same clock or scaled to it; pdp reads none of
# its dates (its timeline stamps its own), so a clock months ahead shows nowhere.
CLOCK_SPEED = 500_000
# pdp's side of the chase: the outbox relayed every second, an invoice polled a second after each look (the
# sweep that queues the polls runs every 5 s whatever the settings).
QUICK = {
    "outbox_relay_seconds": 1.0,
    "tracking_intervals_seconds": "1",
    "invoice_first_check_seconds": 1,
    "chorus_timeout_seconds": 5.0,
    "chorus_rate_per_second": 100.0,
    "chorus_tenant_rate_per_second": 100.0,
    "worker_concurrency": 4,
    "database_pool_size": 4,
}
REDIS_DB = 13  # the session's app queues on its Redis's database 0
WITHIN = 90.0  # every wait on a process is bounded by this, and fails with what was seen last
NUMBER = "F-2026-0042"
# Statuses Chorus Pro and its buyer move on by themselves; any other one the chase stops at is a failure.
MOVING = {"queued", *TRACKED}


@dataclass(frozen=True)
class Platform:
    """The journey's running platform: its URL (pdp serve's, and the links in its e-mails), its tenant, what the
    worker sent and how to tell the worker died."""

    url: str
    tenant: TenantFixture
    mailbox: CaughtMail
    workers: Workers

    def worker_problem(self) -> str:
        """Empty while the worker runs; else its exit code and the end of its log, for a failure's message."""
        exited = self.workers.exited()
        return f"the worker exited {exited}:\n{self.workers.log_tail()}" if exited else ""

    async def mail_link(self, page: str) -> str:
        """The link to ``page`` in the first e-mail that carries one, once the worker has sent it."""
        deadline = time.monotonic() + WITHIN
        while True:
            for message in self.mailbox.messages:
                if page in message.get_content():
                    return link_in(message, page)
            problem = self.worker_problem()
            assert not problem, problem
            subjects = [message["Subject"] for message in self.mailbox.messages]
            assert time.monotonic() < deadline, f"no e-mail with a link to {page} within {WITHIN} s: {subjects}"
            await asyncio.sleep(0.2)


def _own_redis_database(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


@contextlib.asynccontextmanager
async def _own_database(engines: EngineInfo) -> AsyncIterator[tuple[str, str]]:
    """A migrated database of its own on the session's PostgreSQL, dropped after: (app URL, owner URL)."""
    name = f"pdp_journey_{secrets.token_hex(4)}"
    app_url, owner_url = await admin.ensure_database(engines.postgres_admin_url, admin.DatabasePlan(name))
    try:
        await asyncio.to_thread(admin.upgrade, owner_url, app_url)
        yield app_url, owner_url
    finally:
        await admin.drop_database(engines.postgres_admin_url, name)


async def _new_tenant(settings: Settings) -> TenantFixture:
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant_id=ids.new_id("tenant")) as session:
            tenant, issued = await accounts.create_tenant(session, "Marketplace du parcours")
    finally:
        await engine.dispose()
    return TenantFixture(tenant.id, issued.secret, issued.key.id)


@pytest.fixture
async def platform(
    engines: EngineInfo, settings: Settings, mailbox: CaughtMail, tmp_path: Path
) -> AsyncIterator[Platform]:
    async with contextlib.AsyncExitStack() as stack:
        app_url, owner_url = await stack.enter_async_context(_own_database(engines))
        redis_url = _own_redis_database(engines.redis_url)
        redis = await jobs.create_arq_redis(redis_url)
        stack.push_async_callback(redis.aclose)
        await redis.flushdb()  # a previous run's jobs and results, if it was killed before its clean-up
        stack.push_async_callback(redis.flushdb)
        sandbox: RunningSandbox = start_sandbox(speed=CLOCK_SPEED)
        stack.callback(sandbox.stop)
        ours = mailbox.sending(
            with_emulator(settings, sandbox.info),
            database_url=app_url,
            database_owner_url=owner_url,
            redis_url=redis_url,
            **QUICK,
        )
        url = stack.enter_context(portal_process(ours, tmp_path / "pdp-serve.log"))
        workers = Workers(dataclasses.replace(ours, public_url=url), tmp_path)
        stack.callback(workers.stop_all)
        await wait_up(redis, workers.start("journey"), within=WITHIN)
        yield Platform(url, await _new_tenant(ours), mailbox, workers)


def _file(name: str, data: bytes) -> FilePayload:
    return {"name": name, "mimeType": "application/xml", "buffer": data}


def _invoice() -> bytes:
    """A UBL invoice of the emulator's demo supplier (its SIRET, VAT number, address) to its recipient that asks
    for no service code: Chorus Pro takes it and its buyer pays it."""
    recipient = {"siret": NO_PARAMS, "name": "Destinataire sans paramètre", "address": RECIPIENT_ADDRESS}
    return write_ubl(to_invoice(structured(number=NUMBER, recipient=recipient), seller=SELLER))


def _totals_wrong(invoice: bytes) -> bytes:
    """The invoice as software that adds VAT wrongly writes it: its total with VAT (and so its amount due) is
    10 € more than its total without VAT plus its VAT (EN 16931's BR-CO-15)."""
    total = re.search(rb"<cbc:TaxInclusiveAmount currencyID=\"EUR\">([0-9.]+)<", invoice)
    assert total, "the invoice has no total with VAT"
    wrong = b"%.2f" % (Decimal(total.group(1).decode()) + 10)
    amounts = rb"(<cbc:(?:TaxInclusive|Payable)Amount currencyID=\"EUR\">)[0-9.]+<"
    return re.sub(amounts, rb"\g<1>" + wrong + b"<", invoice)


async def _badges(page: Page, scope: str) -> list[str]:
    found: list[str] = await page.locator(f"{scope} .badge").evaluate_all("els => els.map(e => e.dataset.status)")
    return found


async def _reload_until(page: Page, platform: Platform, wanted: str) -> None:
    """Reloads the invoice page until its status badge shows ``wanted``; fails at once on a status the invoice
    cannot move on from by itself (rejected, suspended…), and after :data:`WITHIN` seconds, with the status and
    timeline seen last."""
    deadline = time.monotonic() + WITHIN
    while True:
        shown = await _badges(page, ".title-row")
        status = shown[0] if shown else f"no status on the page « {await page.title()} »"
        if status == wanted:
            return
        seen = f"last seen: {status}, timeline {await _badges(page, '#history')}"
        assert status in MOVING, f"the invoice stopped short of {wanted} ({seen}): {await page.inner_text('main')}"
        problem = platform.worker_problem()
        assert not problem, problem
        assert time.monotonic() < deadline, f"the invoice did not reach {wanted} within {WITHIN} s ({seen})"
        await asyncio.sleep(0.5)
        await page.reload()


async def test_a_supplier_from_the_invitation_to_the_payment(
    browser: Browser, platform: Platform, proconnect_mock: ProConnectMock
) -> None:
    tenant = platform.tenant
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        provider = await new_provider(api, tenant, siret=SUPPLIER, name="Atelier Dupont SARL")
        mandate = await new_mandate(api, tenant, provider["id"])
        invitation = await platform.mail_link("/invitation/")

        sub = f"journey-{secrets.token_hex(4)}"
        proconnect_mock.person(sub, email=provider["email"], siret=SUPPLIER, given_name="Jeanne", usual_name="Dupont")
        async with open_page(browser, platform.url) as page:
            # 1. The invitation: proof of identity on ProConnect's own page, then the mandate read and signed.
            await page.goto(invitation)
            await expect(page.get_by_role("heading", level=1)).to_have_text("Mandat de facturation")
            await expect(page.locator("main")).to_contain_text(SUPPLIER)
            await page.get_by_role("link", name="S'identifier avec ProConnect").click()
            await page.locator("input[name=sub]").fill(sub)  # the stand-in signs in whoever is named
            async with page.expect_navigation(url=re.compile(re.escape(urlsplit(invitation).path) + "$")):
                await page.get_by_role("button", name="Authorize").click()
            await expect(page.get_by_role("status")).to_contain_text(f"vous agissez pour le SIRET {SUPPLIER}")
            await expect(page.get_by_role("heading", name="2. Lisez le mandat")).to_be_visible()
            await expect(page.locator("#sha256")).to_have_text(mandate["document_sha256"])
            await page.get_by_label("Vos nom et prénom").fill("Jeanne Dupont")
            await page.locator("input[name=consent]").check()
            async with page.expect_navigation(url=re.compile(rf"/portal/{tenant.id}/$")):
                await page.get_by_role("button", name="J'accepte le mandat").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
            await expect(page.locator("main")).to_contain_text("Aucune facture déposée pour l'instant.")
            accepted = (await api.get(f"/v1/mandates/{mandate['id']}", headers=tenant.headers)).json()
            assert (accepted["status"], accepted["accepted_by"]) == ("active", "Jeanne Dupont"), accepted

            # 2. « Déposer »: the first file's totals do not add up; the report says so in French, and which rule.
            navigation = page.get_by_role("navigation", name="Navigation principale")
            await navigation.get_by_role("link", name="Déposer").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Déposer des factures")
            fixed = _invoice()
            files = page.get_by_label("Fichiers de factures")
            await files.set_input_files([_file("facture.xml", _totals_wrong(fixed))])
            async with page.expect_navigation():
                await page.get_by_role("button", name="Vérifier les factures").click()
            await expect(page.locator("#report-summary")).to_contain_text("Aucun fichier ne peut être déposé en l'état")
            report = page.locator('[data-file="facture.xml"]')
            await expect(report).to_contain_text("À corriger")
            await expect(report).to_contain_text("Le total TTC (BT-112) doit égaler le total HT + le total de TVA.")
            await expect(report).to_contain_text("Règle BR-CO-15")
            await expect(page.get_by_role("button", name="Déposer la facture valide")).to_have_count(0)
            async with page.expect_navigation():
                await page.get_by_role("link", name="Déposer des fichiers corrigés").click()
            await page.get_by_label("Fichiers de factures").set_input_files([_file("facture.xml", fixed)])
            async with page.expect_navigation():
                await page.get_by_role("button", name="Vérifier les factures").click()
            await expect(page.locator('[data-file="facture.xml"]')).to_contain_text("Prête à déposer")
            async with page.expect_navigation():
                await page.get_by_role("button", name="Déposer la facture valide").click()
            await expect(page.locator("#deposit-summary")).to_contain_text("1 facture déposée.")
            async with page.expect_navigation():
                await page.get_by_role("link", name=f"Facture {NUMBER}").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text(f"Facture {NUMBER}")
            # The worker may already have taken it to Chorus Pro: its timeline starts where it waited all the same.
            await expect(page.locator("#history")).to_contain_text("En attente de dépôt")

            # 3. Followed to the payment: Chorus Pro's statuses come in, in order, as the buyer processes it.
            await _reload_until(page, platform, "payment_sent")
            timeline = await _badges(page, "#history")  # SERVICE_FAIT and MANDATEE are both « Approuvée »
            steps = ["queued", "submitted", "deposited", "delivered", "approved", "payment_sent"]
            assert list(dict.fromkeys(timeline)) == steps, timeline
            await expect(page.locator(".title-row .badge")).to_have_text("Mise en paiement")
            for said in ("Déposée", "Mise à disposition", "Chorus Pro : MISE_A_DISPOSITION", "Approuvée"):
                await expect(page.locator("#history")).to_contain_text(said)
            await assert_accessible(page, context="journey: the invoice paid, its whole timeline")
            await shoot(page, "portal-journey-paid")

            await navigation.get_by_role("link", name="Tableau de bord").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
            await expect(page.locator("#status-counts li")).to_have_text(["Mise en paiement : 1"])
            await expect(page.locator("#figure-awaiting")).to_contain_text("(0 factures)")
            await expect(page.locator("#to-act-on")).to_contain_text("Aucune facture n'attend d'action.")
            await assert_accessible(page, context="journey: the dashboard once the invoice is paid")

        listed = (await api.get("/v1/invoices", headers=tenant.headers)).json()["data"]
        assert [(invoice["number"], invoice["status"]) for invoice in listed] == [(NUMBER, "payment_sent")]
