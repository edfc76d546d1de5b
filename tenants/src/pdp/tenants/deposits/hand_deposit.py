"""Deposits a person makes on the portal: files checked first, then deposited through the API's own intake.

A supplier drops its files, reads what pdp thinks of each one, and only then confirms. The check is
:func:`pdp.tenants.deposits.intake.check_deposit`, everything ``POST /v1/invoices`` checks before it archives
(validation with the recipient's directory entry, the seller is the provider, a mandate covers the deposit, the
credit or replacement link, a number not used yet); the deposit is the batch service of
``POST /v1/invoice-batches``, so each confirmed file is deposited exactly as the API would, or refused alone.

Which Chorus Pro environment: an invoice goes where its ``mode`` says (test: qualification, live: production),
and the API takes the mode from the depositing key. A person on the portal has no key; what they deposit is a
real invoice for a real buyer, so it goes to production whenever this deployment can reach it, and to
qualification only where production is not configured (a development or staging deployment, whose emulator or
PISTE sandbox is then all there is). The page says which one before anything is confirmed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.einvoice.findings import Finding
from pdp.einvoice.formats.policy import safe_display_name
from pdp.einvoice.model import Invoice
from pdp.platform.audit import Actor
from pdp.platform.errors import AppError
from pdp.tenants.archive.store import Archive
from pdp.tenants.chorus_gateway import ChorusGateway
from pdp.tenants.deposits import batches, intake
from pdp.tenants.deposits.intake import InvoiceRefused
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.directory.service import RecipientDirectory

MAX_FILES = 20

# Why a valid file would still be refused, in French (message ids; ``{tenant}`` names the platform).
REFUSALS = {
    "mandate_required": (
        "Aucun mandat actif ne couvre ce dépôt : le mandat que vous avez donné à {tenant} est absent, révoqué, "
        "expiré, ou ne couvre pas ce destinataire ou ce type de facture. Demandez à {tenant} un mandat qui le "
        "couvre, puis déposez à nouveau."
    ),
    "invoice_duplicate": (
        "Ce numéro de facture a déjà été déposé pour ce fournisseur : Chorus Pro refuse un numéro déjà utilisé, "
        "même après un rejet. Donnez un nouveau numéro à la facture."
    ),
    "seller_not_provider": (
        "Le SIRET du vendeur inscrit dans la facture n'est pas celui du fournisseur choisi : choisissez le bon "
        "fournisseur, ou corrigez le SIRET du vendeur (BT-30)."
    ),
    "invoice_link_invalid": (
        "Le lien avec la facture d'origine est refusé : seule une facture rejetée est remplacée, et un avoir "
        "crédite une facture que Chorus Pro a reçue et dont il cite le numéro (BT-25)."
    ),
    "provider_inactive": "Ce fournisseur est désactivé : {tenant} doit le réactiver avant tout dépôt.",
    "archive_quota_exceeded": "L'espace d'archivage de {tenant} est plein : prévenez {tenant}.",
    "archive_unavailable": "L'archive est momentanément indisponible : rien n'a été déposé. Réessayez dans un instant.",
    "metadata_malformed": "Les informations jointes au fichier sont illisibles.",
    "validation_failed": "Le fichier ne peut pas être lu comme une facture.",
    "invoice_invalid": (
        "La facture n'est plus valide depuis sa vérification (l'annuaire de Chorus Pro a pu changer) : "
        "vérifiez-la à nouveau."
    ),
    "same_number_twice": (
        "Un autre fichier de ce dépôt porte déjà ce numéro de facture : un numéro ne sert qu'une fois."
    ),
}
REFUSAL_DEFAULT = "Ce fichier ne peut pas être déposé."


def portal_mode(gateway: ChorusGateway | None) -> str:
    """The mode of a portal deposit: ``live`` when this deployment reaches Chorus Pro's production, else ``test``."""
    return "live" if gateway is not None and "live" in gateway.environments else "test"


@dataclass(frozen=True, slots=True)
class DroppedFile:
    name: str
    data: bytes


@dataclass
class FileVerdict:
    """What pdp thinks of one dropped file, before anything is deposited."""

    index: int
    name: str  # safe to show
    size: int
    syntax: str | None = None
    findings: list[Finding] = field(default_factory=list)  # errors first, then warnings
    refusal: str | None = None  # code of a refusal beyond the report (REFUSALS)
    number: str | None = None
    recipient_siret: str | None = None
    total: Decimal | None = None
    currency: str | None = None
    invoice: Invoice | None = None  # as read (and, for a JSON invoice, computed): lines, VAT breakdown, totals

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity in ("fatal", "error")]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity not in ("fatal", "error")]

    @property
    def ok(self) -> bool:
        return not self.errors and self.refusal is None


def refusal_text(code: str | None) -> str:
    return REFUSALS.get(code or "", REFUSAL_DEFAULT)


def deposit_fields(provider_id: str, link: dict[str, str] | None = None) -> dict[str, Any]:
    """The metadata every dropped file goes with: the provider, and the invoice it credits or replaces."""
    return {"provider_id": provider_id, **(link or {})}


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    rank = {"fatal": 0, "error": 1, "warning": 2, "info": 3}
    return sorted(findings, key=lambda f: rank.get(f.severity, 4))


async def check_upload(
    session: AsyncSession, upload: intake.Upload, *, directory: RecipientDirectory | None, index: int = 0
) -> FileVerdict:
    """What deposit would refuse of ``upload`` (a file, or a JSON invoice), and the warnings it would let through."""
    verdict = FileVerdict(index, safe_display_name(upload.filename or "facture.json"), len(upload.data))
    try:
        checked = await intake.check_deposit(session, upload, directory=directory)
    except InvoiceRefused as refused:
        verdict.syntax, verdict.findings = refused.report.syntax, _ordered(refused.report.errors)
        verdict.invoice = refused.report.invoice
    except AppError as refused:
        verdict.refusal = refused.code
    else:
        verdict.syntax, verdict.findings = checked.report.syntax, _ordered(checked.report.errors)
        verdict.invoice, verdict.recipient_siret = checked.invoice, checked.routing.recipient_siret
    if verdict.invoice is not None:
        verdict.number = verdict.invoice.number
        verdict.total, verdict.currency = verdict.invoice.totals.with_vat, verdict.invoice.currency
    return verdict


async def check_files(
    session: AsyncSession,
    files: Sequence[DroppedFile],
    metadata: dict[str, Any],
    *,
    directory: RecipientDirectory | None,
) -> list[FileVerdict]:
    """Each file's verdict; a number given twice in one drop is refused the second time (deposit would)."""
    verdicts = []
    numbers: set[str] = set()
    for index, dropped in enumerate(files):
        upload = intake.Upload(dropped.data, dropped.name, metadata)
        verdict = await check_upload(session, upload, directory=directory, index=index)
        if verdict.ok and verdict.number is not None:
            if verdict.number in numbers:
                verdict.refusal = "same_number_twice"
            numbers.add(verdict.number)
        verdicts.append(verdict)
    return verdicts


@dataclass(frozen=True, slots=True)
class Deposited:
    name: str
    invoice_id: str | None  # None: refused
    number: str | None
    refusal: str | None = None


async def deposit_files(
    session: AsyncSession,
    bucket: Archive,
    files: Sequence[DroppedFile],
    metadata: dict[str, Any],
    actor: Actor,
    *,
    gateway: ChorusGateway | None,
    directory: RecipientDirectory | None,
    retention_days: int,
) -> list[Deposited]:
    """Deposit ``files`` as ``POST /v1/invoice-batches`` would (each alone: a refused one leaves nothing behind)."""
    items = await batches.deposit_batch(
        session,
        bucket,
        [(f.name, io.BytesIO(f.data)) for f in files],
        metadata,
        actor,
        mode=portal_mode(gateway),
        directory=directory,
        retention_days=retention_days,
    )
    return [
        Deposited(
            item.filename,
            item.invoice.id if item.invoice is not None else None,
            item.invoice.number if item.invoice is not None else None,
            item.error.code if item.error is not None else None,
        )
        for item in items
    ]


async def deposit_json(
    session: AsyncSession,
    bucket: Archive,
    body: bytes,
    actor: Actor,
    *,
    gateway: ChorusGateway | None,
    directory: RecipientDirectory | None,
    retention_days: int,
    first_check_after: timedelta = intake.FIRST_CHECK_AFTER,
) -> InvoiceRecord:
    """Deposit a JSON invoice (the body of ``POST /v1/invoices``), as the API would; pdp writes its Factur-X."""
    return await intake.deposit(
        session,
        bucket,
        intake.Upload(body, None),
        actor,
        mode=portal_mode(gateway),
        directory=directory,
        retention_days=retention_days,
        first_check_after=first_check_after,
    )
