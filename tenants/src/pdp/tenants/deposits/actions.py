"""What a tenant can do to a deposited invoice (docs/api.md § Invoices, actions): withdraw, recycle, complete.

Recycle and complete call Chorus Pro during the request: they are rare, a person is waiting for the answer, and
Chorus's refusal (wrong status, routing still wrong) is exactly what that person needs to read. A Chorus failure
changes nothing here; the request can simply be repeated.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import siret as siret_number

from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas import transverses as t
from pdp.einvoice.findings import Finding, public_entry
from pdp.einvoice.formats.policy import FilePolicy, check_file, clean_name, stored_name
from pdp.platform import clock
from pdp.platform.audit import Actor
from pdp.platform.errors import Conflict, ValidationFailed
from pdp.platform.security.envelope import Envelope
from pdp.tenants.archive import service as archive
from pdp.tenants.archive.store import Archive
from pdp.tenants.chorus_gateway import ChorusGateway, require_gateway
from pdp.tenants.common import finding
from pdp.tenants.deposits.chorus_steps import account_for, apply_chorus_status
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.repository import InvoiceRepository
from pdp.tenants.deposits.transitions import move

WITHDRAWABLE = frozenset({"queued", "failed"})


def can_withdraw(invoice: InvoiceRecord) -> bool:
    """Chorus Pro has not received it and no worker is depositing it: queued, or failed."""
    in_flight = invoice.submit_started_at is not None and invoice.chorus_flux_number is None
    return invoice.status in WITHDRAWABLE and not in_flight and invoice.chorus_invoice_id is None


def can_recycle(invoice: InvoiceRecord) -> bool:
    """Chorus Pro sent it back for its routing data (``A_RECYCLER``)."""
    return invoice.status == "to_recycle" and invoice.chorus_invoice_id is not None


def can_complete(invoice: InvoiceRecord) -> bool:
    """The buyer suspended it and asks for documents (``SUSPENDUE``)."""
    return invoice.status == "suspended" and invoice.chorus_invoice_id is not None


def _wrong_status(invoice: InvoiceRecord, action: str, expected: str) -> Conflict:
    return Conflict(
        f"Invoice {invoice.id} is {invoice.status}; it can be {action} only when {expected}.",
        code="invoice_status_conflict",
        status_now=invoice.status,
    )


async def withdraw(session: AsyncSession, invoice_id: str, actor: Actor) -> InvoiceRecord:
    """Stop an invoice Chorus Pro has not received: queued, or failed. Withdrawing twice is harmless."""
    invoice = await InvoiceRepository(session).for_update(invoice_id)
    if invoice.status == "withdrawn":
        return invoice
    if not can_withdraw(invoice):
        raise _wrong_status(invoice, "withdrawn", "Chorus Pro has not received it (queued or failed)")
    invoice.next_check_at = None
    await move(session, invoice, "withdrawn", actor=actor)
    return invoice


@dataclass(frozen=True, slots=True)
class NewRouting:
    recipient_siret: str | None = None
    service_code: str | None = None
    engagement_number: str | None = None
    comment: str | None = None


async def recycle(
    session: AsyncSession,
    invoice_id: str,
    routing: NewRouting,
    actor: Actor,
    *,
    gateway: ChorusGateway | None,
    envelope: Envelope | None,
) -> InvoiceRecord:
    """Send an ``A_RECYCLER`` invoice back to Chorus with new routing data, under the same number."""
    invoice = await InvoiceRepository(session).for_update(invoice_id)
    if not can_recycle(invoice):
        raise _wrong_status(invoice, "recycled", "Chorus Pro sent it back for recycling (to_recycle)")
    assert invoice.chorus_invoice_id is not None  # can_recycle
    siret = (routing.recipient_siret or invoice.recipient_siret).replace(" ", "")
    if not siret_number.is_valid(siret):
        message = f"'{siret}' is not a valid SIRET."
        raise ValidationFailed(message, errors=[finding("PDP-SIRET-INVALID", message, message, "$.recipient_siret")])
    # An emptied field means "none": sent and stored as absent, as for an invoice deposited without it.
    given = routing.service_code, routing.engagement_number
    service = (given[0] if given[0] is not None else invoice.service_code) or None
    engagement = (given[1] if given[1] is not None else invoice.engagement_number) or None
    chorus = require_gateway(gateway).environment(invoice.mode)  # the environment it was deposited on
    account = await account_for(session, invoice, chorus, envelope)
    answer = await chorus.client.recycle_invoice(
        account,
        f.RecyclerRequest(
            identifiant_facture_cpp=invoice.chorus_invoice_id,
            destinataire=f.Destinataire(code_destinataire=siret, code_service_executant=service),
            reference=f.References(numero_bon_commande=engagement) if engagement else None,
            commentaire=routing.comment,
        ),
    )
    invoice.recipient_siret, invoice.service_code, invoice.engagement_number = siret, service, engagement
    invoice.next_check_at = clock.now()
    await move(
        session,
        invoice,
        "deposited",
        chorus_status=answer.statut_facture,
        detail={"recycled": True, "recipient_siret": siret, "service_code": service},
        actor=actor,
    )
    await apply_chorus_status(session, invoice, answer.statut_facture)
    return invoice


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


async def complete(
    session: AsyncSession,
    invoice_id: str,
    attachments: list[Attachment],
    actor: Actor,
    *,
    comment: str | None,
    bucket: Archive,
    gateway: ChorusGateway | None,
    envelope: Envelope | None,
    retention_days: int,
) -> InvoiceRecord:
    """Answer a ``SUSPENDUE`` invoice: archive the supporting documents, upload them, ``completer``."""
    invoice = await InvoiceRepository(session).for_update(invoice_id)
    if not can_complete(invoice):
        raise _wrong_status(invoice, "completed", "Chorus Pro suspended it (suspended)")
    assert invoice.chorus_invoice_id is not None  # can_complete
    _check_attachments(attachments)
    chorus = require_gateway(gateway).environment(invoice.mode)  # the environment it was deposited on
    account = await account_for(session, invoice, chorus, envelope)
    pieces = []
    for item in attachments:
        name = clean_name(item.filename)
        await archive.store(
            session,
            bucket,
            archive.NewDocument(invoice.id, "attachment", name, item.content_type, item.data, invoice.provider_id),
            retention_days=retention_days,
        )
        uploaded = await chorus.client.upload_file(
            account,
            t.AjouterFichierRequest(
                piece_jointe_fichier=base64.b64encode(item.data).decode("ascii"),
                piece_jointe_nom=name,
                piece_jointe_type_mime=item.content_type,
                piece_jointe_extension=name.rsplit(".", 1)[-1].upper(),
            ),
        )
        assert uploaded.piece_jointe_id is not None
        pieces.append(
            f.PieceJointeComplementaire(
                piece_jointe_complementaire_designation=name,
                piece_jointe_complementaire_id=uploaded.piece_jointe_id,
                piece_jointe_complementaire_type="PIECE_JUSTIFICATIVE",
            )
        )
    await chorus.client.complete_invoice(
        account,
        f.CompleterRequest(
            identifiant_facture_cpp=invoice.chorus_invoice_id, commentaire=comment, piece_jointe_complementaire=pieces
        ),
    )
    invoice.next_check_at = clock.now()
    await move(
        session,
        invoice,
        "completed",
        chorus_status="COMPLETEE",
        detail={"attachments": [stored_name(a.filename) for a in attachments]},
        actor=actor,
    )
    return invoice


def attachment_problems(attachments: list[Attachment]) -> list[Finding]:
    """Every reason ``attachments`` cannot go to Chorus Pro (each finding's path names its file), in English and
    French; empty when they can."""
    policy = FilePolicy()
    problems = [
        msgspec.structs.replace(item, path=f"files[{index}]")
        for index, attachment in enumerate(attachments)
        for item in check_file(attachment.filename, attachment.data, policy)
    ]
    total = sum(len(a.data) for a in attachments)
    if total > policy.max_invoice_bytes:
        megabytes = policy.max_invoice_bytes // (1024 * 1024)
        problems.append(
            Finding(
                rule="PDP-ATTACHMENTS-TOO-LARGE",
                severity="error",
                message=f"The attachments weigh {total} bytes; at most {policy.max_invoice_bytes}.",
                message_fr=f"Les pièces pèsent {total} octets ; {megabytes} Mo au plus en tout.",
                path="files",
            )
        )
    return problems


def _check_attachments(attachments: list[Attachment]) -> None:
    if not attachments:
        message = "Send at least one supporting document (multipart part 'files')."
        raise ValidationFailed(message, code="attachments_missing")
    problems = [public_entry(item) for item in attachment_problems(attachments)]
    if problems:
        raise ValidationFailed("Some attachments cannot go to Chorus Pro.", code="attachments_invalid", errors=problems)
