"""The data ``bench_portal.py`` measures the portal on: a supplier's 18 months of invoices, as pdp would hold them.

Rows go in through the app's own models (SQLAlchemy bulk INSERTs, so a renamed column breaks the bench loudly)
in a unit of work bound to the tenant, so row-level security checks every row as it does the app's. What a row
holds follows what pdp writes: ids time-ordered at the invoice's deposit (the list's keyset order), a number
sequence per provider and year, amounts with 20 % VAT, a few dozen public buyers (cached in the directory with
their names), a status that depends on the invoice's age (most paid or payment sent; recent ones on their way;
a few suspended, rejected, sent back or failed; some stuck long after their expected payment date), the Chorus
Pro state behind it, ~3 events per invoice (its timeline) and its archived documents (original, validation
report, the Factur-X pdp wrote for a JSON invoice).
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests.factories import siret

from pdp.platform import ids
from pdp.platform.audit import Actor
from pdp.platform.callers import PortalRole
from pdp.platform.db.session import unit_of_work
from pdp.tenants.accounts import passwords
from pdp.tenants.accounts import service as accounts
from pdp.tenants.archive.models import ArchivedDocument
from pdp.tenants.deposits.intake import FLUX_SYNTAX
from pdp.tenants.deposits.lifecycle import TRACKED
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.directory.models import Recipient
from pdp.tenants.events.models import Event
from pdp.tenants.mandates.models import Mandate

SEEDER = Actor("system", "bench")
PASSWORD = "un cheval correct agrafe la batterie"
DAYS = 548  # 18 months
BUYERS = (
    "Commune de Villeurbanne", "Commune de Saint-Étienne", "Commune d'Annecy", "Mairie de Bourg-en-Bresse",
    "Métropole de Lyon", "Département du Rhône", "Département de l'Isère", "Région Auvergne-Rhône-Alpes",
    "Centre hospitalier de Valence", "Hospices civils de Lyon", "CHU Grenoble Alpes", "Centre hospitalier d'Annecy",
    "Université Lyon 1", "Université Grenoble Alpes", "Lycée Ampère", "Collège Jean Moulin",
    "Rectorat de l'académie de Lyon", "Préfecture du Rhône", "DDT de la Drôme", "Ministère des Armées — SCA Lyon",
    "Météo-France", "Office national des forêts", "Voies navigables de France", "SDIS du Rhône", "SYTRAL Mobilités",
    "Communauté de communes du Pays de Gex", "CCAS de Villeurbanne", "Office de tourisme de Chamonix",
    "Musée des Confluences", "Opéra de Lyon", "Théâtre national populaire", "Bibliothèque municipale de Lyon",
    "Chambre de commerce de Lyon", "Agence de l'eau Rhône Méditerranée Corse", "INSEE — direction régionale",
    "Pôle emploi Auvergne-Rhône-Alpes",
)  # fmt: skip
HOSPITALS = ("Centre hospitalier", "Hospices", "CHU")  # 50-day legal payment delay, the others 30
# Status by the invoice's age in days (an upper bound, then weights): young invoices are on their way, old ones
# mostly paid; problems everywhere, a little.
STATUS_BY_AGE: tuple[tuple[int, dict[str, int]], ...] = (
    (7, {"deposited": 30, "delivered": 50, "in_process": 12, "suspended": 3, "failed": 2, "rejected": 3}),
    (45, {"delivered": 14, "in_process": 33, "approved": 25, "payment_sent": 16, "suspended": 4, "to_recycle": 2,
          "rejected": 4, "failed": 1, "completed": 1}),
    (DAYS + 10, {"paid": 620, "payment_sent": 300, "rejected": 25, "in_process": 15, "delivered": 10, "approved": 10,
                "suspended": 10, "to_recycle": 5, "failed": 5}),
)  # fmt: skip
CHORUS_STATE = {
    "deposited": "DEPOSEE",
    "delivered": "MISE_A_DISPOSITION",
    "in_process": "PRISE_EN_COMPTE_DESTINATAIRE",
    "suspended": "SUSPENDUE",
    "completed": "COMPLETEE",
    "to_recycle": "A_RECYCLER",
    "approved": "SERVICE_FAIT",
    "payment_sent": "MISE_EN_PAIEMENT",
    "paid": "MISE_EN_PAIEMENT",
    "rejected": "REJETEE",
}
# The steps an invoice of each final status went through after its deposit (its timeline, besides creation).
STEPS = {
    "failed": ["failed"],
    "deposited": ["deposited"],
    "paid": ["deposited", "payment_sent", "paid"],
    "payment_sent": ["deposited", "payment_sent"],
}
COMMENTS = {
    "suspended": "Pièce justificative manquante : joindre le bon de commande signé.",
    "rejected": "Numéro d'engagement inconnu de nos services.",
    "to_recycle": "Service destinataire erroné : à adresser au service achats.",
}
FORMATS = (("facturx", 55), ("json", 25), ("ubl", 12), ("cii", 8))


@dataclass(frozen=True)
class SeededProvider:
    id: str
    invoices: int
    sample_number: str  # the number of one of its invoices, a third of the way back
    rare_recipient: str  # the SIRET of the customer it invoiced least
    rare_recipient_word: str  # the last word of that customer's name in the directory, as a supplier would search it


@dataclass(frozen=True)
class Portal:
    """The seeded tenant's portal as the bench asks for it: P's 10,000 invoices, Q's as many, S's 100."""

    api: str
    tenant_id: str
    large: str  # P
    other: str  # Q
    small: str  # S
    searched_number: str  # one of P's invoice numbers, as a supplier would type it into the search
    rare_recipient: str  # the SIRET of P's customer with the fewest invoices
    rare_recipient_word: str  # a word of its name, searched in the directory's names

    def url(self, path: str = "/") -> str:
        return f"{self.api}/portal/{self.tenant_id}{path}"


@dataclass(frozen=True)
class SeededUser:
    id: str
    email: str
    password: str


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _status(rng: random.Random, age_days: int) -> str:
    return _pick(rng, next(weights for bound, weights in STATUS_BY_AGE if age_days < bound))


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _document(tenant_id: str, provider_id: str, subject: str, kind: str, at: datetime, size: int) -> dict[str, Any]:
    names = {"invoice_original": "facture.pdf", "invoice_facturx": "facture-facturx.pdf",
             "validation_report": "rapport.json", "mandate": "mandat.pdf"}  # fmt: skip
    return {
        "tenant_id": tenant_id, "id": f"doc_{ids.ulid(_ms(at))}", "created_at": at, "provider_id": provider_id,
        "subject_id": subject, "kind": kind, "filename": names[kind],
        "content_type": "application/json" if kind == "validation_report" else "application/pdf",
        "s3_key": f"{tenant_id}/{subject}/{kind}", "version_id": secrets.token_hex(16), "sha256": secrets.token_hex(32),
        "size": size, "lock_mode": "COMPLIANCE", "retain_until": at + timedelta(days=3653),
    }  # fmt: skip


def _event(tenant_id: str, subject: str, at: datetime, data: dict[str, Any], kind: str) -> dict[str, Any]:
    return {"tenant_id": tenant_id, "id": f"evt_{ids.ulid(_ms(at))}", "created_at": at, "type": kind,
            "subject_id": subject, "data": data}  # fmt: skip


@dataclass
class Rows:
    invoices: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)


def _timeline(
    rng: random.Random, tenant_id: str, invoice_id: str, status: str, created: datetime, now: datetime
) -> list[dict[str, Any]]:
    """The invoice's events as pdp emits them: created (queued), then each status Chorus Pro reported."""
    created_data = {"invoice_id": invoice_id, "status": "queued", "original_invoice_id": None, "relation": None}
    events = [_event(tenant_id, invoice_id, created, created_data, "invoice.created")]
    previous = "queued"
    for index, step in enumerate(STEPS.get(status, ["deposited", status])):
        at = min(now, created + timedelta(minutes=5) + timedelta(days=index * rng.uniform(3, 12)))
        data = {"invoice_id": invoice_id, "status": step, "previous_status": previous,
                "chorus_status": CHORUS_STATE.get(step), "cdar_code": None}  # fmt: skip
        if step in COMMENTS:
            data["chorus_comment"] = COMMENTS[step]
        events.append(_event(tenant_id, invoice_id, at, data, "invoice.status_changed"))
        previous = step
    return events


def invoice_rows(
    rng: random.Random,
    tenant_id: str,
    provider_id: str,
    mandate_id: str,
    count: int,
    buyers: dict[str, str],
    now: datetime,
) -> Rows:
    """``count`` invoices deposited over the last 18 months, with their events and documents."""
    rows = Rows()
    moments = sorted(now - timedelta(seconds=rng.uniform(600, DAYS * 86400)) for _ in range(count))
    numbers: dict[int, int] = {}
    recipients = rng.sample(list(buyers), k=min(len(buyers), 24))  # a supplier works for some of the buyers
    weights = [1 / (rank + 1) for rank in range(len(recipients))]  # a few big customers, many small ones
    for created in moments:
        issued = created.date() - timedelta(days=rng.randint(0, 3))
        numbers[issued.year] = numbers.get(issued.year, 0) + 1
        status = _status(rng, (now.date() - issued).days)
        recipient = rng.choices(recipients, weights=weights)[0]
        excl = Decimal(rng.lognormvariate(7.2, 1.0)).quantize(Decimal("0.01"))
        tax = (excl * Decimal("0.20")).quantize(Decimal("0.01"))
        fmt = _pick(rng, dict(FORMATS))
        invoice_id = f"inv_{ids.ulid(_ms(created))}"
        delay = 50 if buyers[recipient].startswith(HOSPITALS) else 30
        events = _timeline(rng, tenant_id, invoice_id, status, created, now)
        in_chorus = status != "failed"
        original = _document(
            tenant_id, provider_id, invoice_id, "invoice_original", created, rng.randint(40, 300) << 10
        )
        documents = [original, _document(tenant_id, provider_id, invoice_id, "validation_report", created, 6_000)]
        if fmt == "json":
            documents.append(_document(tenant_id, provider_id, invoice_id, "invoice_facturx", created, 90_000))
        rows.events += events
        rows.documents += documents
        rows.invoices.append(
            {
                "tenant_id": tenant_id, "id": invoice_id, "created_at": created, "updated_at": events[-1]["created_at"],
                "provider_id": provider_id, "mandate_id": mandate_id,
                "number": f"FA-{issued.year}-{numbers[issued.year]:05d}", "type": "invoice", "issue_date": issued,
                "due_date": issued + timedelta(days=delay), "currency": "EUR", "total_excl_tax": excl,
                "total_tax": tax, "total_incl_tax": excl + tax, "amount_due": excl + tax, "recipient_siret": recipient,
                "service_code": "ACHATS" if rng.random() < 0.15 else None,
                "engagement_number": f"EJ{rng.randint(10**8, 10**9 - 1)}" if rng.random() < 0.3 else None,
                "billing_frame": "A1", "format": fmt, "flux_syntax": FLUX_SYNTAX[fmt], "status": status,
                "mode": "live", "original_document_id": original["id"], "deposit_document_id": documents[-1]["id"]
                if fmt == "json" else original["id"], "archive_sha256": original["sha256"],
                "retain_until": original["retain_until"],
                "chorus_flux_number": f"CPP{rng.randint(10**9, 10**10 - 1)}" if in_chorus else None,
                "chorus_invoice_id": rng.randint(10**6, 10**8) if in_chorus else None,
                "chorus_status": CHORUS_STATE.get(status), "chorus_status_at": events[-1]["created_at"]
                if in_chorus else None,
                # The legal delay runs from the buyer's reception, a day or two after the deposit.
                "expected_payment_date": created.date() + timedelta(days=rng.randint(0, 2) + delay)
                if in_chorus else None,
                "submit_attempts": 1, "checks": rng.randint(0, 40), "chorus_history_seen": len(events) - 2,
                "last_error": "Chorus Pro indisponible (503)" if status == "failed" else None,
                "next_check_at": now + timedelta(hours=rng.uniform(1, 24)) if status in TRACKED else None,
            }
        )  # fmt: skip
    return rows


async def seed_directory(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str) -> dict[str, str]:
    """The public buyers (SIRET → name), cached in the directory as a lookup of Chorus Pro would have left them."""
    buyers = {siret(): name for name in BUYERS}
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        await session.execute(
            insert(Recipient),
            [
                {"siret": number, "known": True, "chorus_id": 25_000_000 + index, "name": name, "active": True,
                 "city": "Lyon", "postal_code": "69000", "country_code": "FR", "fetched_at": datetime.now(UTC)}
                for index, (number, name) in enumerate(buyers.items())
            ],
        )  # fmt: skip
    return buyers


async def seed_provider(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: str,
    provider_id: str,
    count: int,
    buyers: dict[str, str],
    rng: random.Random,
) -> SeededProvider:
    """An active mandate (accepted 19 months ago) and ``count`` invoices for ``provider_id``."""
    now = datetime.now(UTC)
    signed = now - timedelta(days=DAYS + 30)
    mandate_id = f"mdt_{ids.ulid(_ms(signed))}"
    document = _document(tenant_id, provider_id, mandate_id, "mandate", signed, 48_000)
    rows = invoice_rows(rng, tenant_id, provider_id, mandate_id, count, buyers, now)
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        await session.execute(insert(ArchivedDocument), [document])
        await session.execute(
            insert(Mandate),
            [
                {"tenant_id": tenant_id, "id": mandate_id, "created_at": signed, "provider_id": provider_id,
                 "status": "active", "valid_from": signed.date(), "contest_days": 15, "document_id": document["id"],
                 "document_sha256": document["sha256"], "accepted_at": signed, "accepted_by": "Jeanne Dupont"}
            ],
        )  # fmt: skip
        for model, batch in ((ArchivedDocument, rows.documents), (InvoiceRecord, rows.invoices), (Event, rows.events)):
            for start in range(0, len(batch), 5_000):
                await session.execute(insert(model), batch[start : start + 5_000])
    recipients = Counter(invoice["recipient_siret"] for invoice in rows.invoices)
    rare = min(recipients, key=recipients.__getitem__)
    word = buyers[rare].split()[-1]
    return SeededProvider(provider_id, count, rows.invoices[-(count // 3) - 1]["number"], rare, word)


async def seed_user(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: str, provider_id: str, role: PortalRole
) -> SeededUser:
    """A portal user of ``provider_id`` only, with a password (the sign-in the bench goes through)."""
    email = f"compta-{secrets.token_hex(3)}@fournisseur.example"
    async with unit_of_work(sessionmaker, tenant_id=tenant_id) as session:
        user = await accounts.create_portal_user(session, email, "Jeanne Dupont", SEEDER)
        await accounts.grant_membership(session, user.id, provider_id, role, SEEDER)
        await passwords.set_password(session, user, PASSWORD, SEEDER)
    return SeededUser(user.id, email, PASSWORD)
