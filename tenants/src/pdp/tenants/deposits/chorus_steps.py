"""The Chorus Pro calls of the pipeline, and how their answers change an invoice."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.connectors.chorus_pro.auth import TechnicalAccount
from pdp.connectors.chorus_pro.errors import ChorusError
from pdp.connectors.chorus_pro.schemas import factures as f
from pdp.connectors.chorus_pro.schemas import transverses as t
from pdp.einvoice.chorus_rules import DEFAULT_FRAME, FRAME_CODES
from pdp.platform.security.envelope import Envelope
from pdp.tenants.archive import service as archive
from pdp.tenants.archive.store import Archive
from pdp.tenants.chorus_gateway import ChorusEnvironment
from pdp.tenants.deposits import stalls
from pdp.tenants.deposits.lifecycle import CHORUS_FLUX_STATES, MAX_DEPOSITS, FluxAction, from_chorus
from pdp.tenants.deposits.models import InvoiceRecord
from pdp.tenants.deposits.transitions import move
from pdp.tenants.providers.chorus_account import account_of
from pdp.tenants.providers.repository import ProviderRepository

# OCA PR #571: Chorus sometimes integrates a flux but lists the invoice neither as created nor as in error.
UNLISTED_CHECKS_BEFORE_FAILING = 5


async def account_for(
    session: AsyncSession, invoice: InvoiceRecord, chorus: ChorusEnvironment, envelope: Envelope | None
) -> TechnicalAccount:
    """The provider's own technical account unless Chorus refused it, else the platform's."""
    provider = await ProviderRepository(session).get(invoice.provider_id)
    if envelope is not None and provider.chorus_account_status != "refused":
        own = account_of(provider, envelope)
        if own is not None:
            return own
    return chorus.platform_account


@dataclass(frozen=True, slots=True)
class DepositFile:
    name: str
    data: bytes


async def deposit_file(session: AsyncSession, bucket: Archive, invoice: InvoiceRecord) -> DepositFile:
    """The archived bytes to deposit (checked against their SHA-256), under a name that carries our id."""
    document, data = await archive.content(session, bucket, invoice.deposit_document_id)
    extension = "pdf" if document.content_type == "application/pdf" else "xml"
    return DepositFile(f"{archive.safe_filename(invoice.number)}_{invoice.id}.{extension}", data)


async def deposit(
    chorus: ChorusEnvironment, account: TechnicalAccount, invoice: InvoiceRecord, file: DepositFile
) -> f.DeposerFluxResponse:
    assert invoice.flux_syntax is not None, "plain PDF deposits go through deposer/pdf + soumettre"
    request = f.DeposerFluxRequest(
        fichier_flux=base64.b64encode(file.data).decode("ascii"),
        nom_fichier=file.name,
        syntaxe_flux=invoice.flux_syntax,
        avec_signature=False,
    )
    return await chorus.client.deposit_flux(account, request)


def error_text(exc: ChorusError) -> str:
    """What ``last_error`` keeps of a Chorus error: its code and message, within the column's reading length."""
    return f"{exc.code}: {exc.detail}"[:2000]


async def _first_listed(
    chorus: ChorusEnvironment,
    account: TechnicalAccount,
    invoice: InvoiceRecord,
    search: f.RechercherFournisseurRequest,
    *,
    any_recipient: bool,
) -> f.FactureFournisseur | None:
    """The first invoice of ``search`` with this invoice's number (and, unless ``any_recipient``, its recipient)."""
    async for found in chorus.client.iter_supplier_invoices(account, search):
        if found.numero_facture == invoice.number and (
            any_recipient or found.code_destinataire in (None, invoice.recipient_siret)
        ):
            return found
    return None


async def find_deposited(
    chorus: ChorusEnvironment, account: TechnicalAccount, invoice: InvoiceRecord
) -> f.FactureFournisseur | None:
    """This invoice as Chorus lists it (same number and recipient), if Chorus has it."""
    search = f.RechercherFournisseurRequest(numero_facture=invoice.number)
    return await _first_listed(chorus, account, invoice, search, any_recipient=False)


async def apply_chorus_status(
    session: AsyncSession, invoice: InvoiceRecord, chorus_status: str | None, comment: str | None = None
) -> bool:
    """Move the invoice to what ``chorus_status`` means; an unknown code is kept, shown and raised to staff."""
    if not chorus_status:
        return False
    status = from_chorus(chorus_status)
    if status is None:
        return await stalls.unknown_state(session, invoice, chorus_status, flux=False)
    detail = {"chorus_comment": comment} if comment else None
    before = invoice.chorus_status
    moved = await move(session, invoice, status, chorus_status=chorus_status, detail=detail)
    return moved or before != invoice.chorus_status


async def apply_history(session: AsyncSession, invoice: InvoiceRecord, history: f.ConsulterHistoriqueResponse) -> bool:
    """Apply the entries of the invoice's history pdp has not applied yet, oldest first; True when anything changed."""
    entries = list(reversed(history.statuses))  # Chorus sends them newest first
    if not entries:  # no history offered: the current status alone
        return await apply_chorus_status(session, invoice, history.statut_courant_code)
    changed = False
    for entry in entries[invoice.chorus_history_seen :]:
        applied = await apply_chorus_status(session, invoice, entry.histo_statut_code, entry.histo_statut_commentaire)
        changed = changed or applied
    invoice.chorus_history_seen = max(invoice.chorus_history_seen, len(entries))
    return changed


async def find_in_flux(
    chorus: ChorusEnvironment, account: TechnicalAccount, invoice: InvoiceRecord
) -> f.FactureFournisseur | None:
    """The invoice as Chorus lists it among its flux's (``rechercher/fournisseur`` by flux and number, OCA's
    step 3), ``None`` when Chorus does not list it."""
    search = f.RechercherFournisseurRequest(numero_flux_depot=invoice.chorus_flux_number, numero_facture=invoice.number)
    return await _first_listed(chorus, account, invoice, search, any_recipient=True)


def report_integrated(report: t.ConsulterCRDetailleResponse, invoice: InvoiceRecord) -> bool:
    """The flux created its invoices and its report does not name this one among those it refused."""
    action = CHORUS_FLUX_STATES.get(report.etat_courant_depot_flux or "")
    return action is FluxAction.INTEGRATED and not _refused_in(report, invoice)


def _refused_in(report: t.ConsulterCRDetailleResponse, invoice: InvoiceRecord) -> list[str]:
    return [e.libelle_erreur_dp or "" for e in report.errors_dp if e.numero_dp in (None, invoice.number)]


async def apply_report(session: AsyncSession, invoice: InvoiceRecord, report: t.ConsulterCRDetailleResponse) -> bool:
    """Act on the flux report of an invoice Chorus does not list (yet) as its state means
    (lifecycle.CHORUS_FLUX_STATES). True when anything changed."""
    state = report.etat_courant_depot_flux or ""
    action = CHORUS_FLUX_STATES.get(state)
    ours = _refused_in(report, invoice)
    if action is FluxAction.REFUSED or ours:
        messages = ours or [f"{e.code_erreur}: {e.libelle_erreur}" for e in report.technical_errors]
        invoice.last_error = " | ".join(messages)[:2000] or "Chorus Pro rejected the flux"
        return await move(session, invoice, "rejected", chorus_status=state, detail={"chorus_errors": messages})
    if action is None:
        return await stalls.unknown_state(session, invoice, state, flux=True)
    if action is FluxAction.REDEPOSIT:
        return await _deposit_again(session, invoice, state)
    if action is FluxAction.WAIT:
        before, invoice.chorus_status = invoice.chorus_status, state
        return before != state
    # OCA PR #571: integrated, yet listed neither as created nor as refused.
    if invoice.checks + 1 >= UNLISTED_CHECKS_BEFORE_FAILING:
        invoice.last_error = "Chorus Pro integrated the flux but lists the invoice neither as created nor rejected"
        return await move(session, invoice, "failed", chorus_status=state, detail={"error": "chorus_unlisted"})
    return False


async def _deposit_again(session: AsyncSession, invoice: InvoiceRecord, state: str) -> bool:
    """Chorus lost the flux (``IN_INCIDENTE``: "il sera nécessaire de reprendre le flux intégralement"): deposit
    the invoice again, as a new flux, up to MAX_DEPOSITS in all; then give up and say why."""
    lost = invoice.chorus_flux_number
    if invoice.submit_attempts >= MAX_DEPOSITS:
        invoice.last_error = f"Chorus Pro lost the flux {lost} ({state}) after {invoice.submit_attempts} deposits"
        return await move(
            session, invoice, "failed", chorus_status=state, detail={"error": "chorus_flux_incident", "flux": lost}
        )
    invoice.chorus_flux_number, invoice.submit_started_at, invoice.last_error = None, None, None
    return await move(
        session, invoice, "queued", chorus_status=state, detail={"reason": "chorus_flux_incident", "lost_flux": lost}
    )


class SupplierUnknown(Exception):
    """Chorus has no structure for the provider's SIRET: a plain PDF cannot be submitted for it."""


async def submit_pdf(
    chorus: ChorusEnvironment, account: TechnicalAccount, invoice: InvoiceRecord, file: DepositFile, supplier_siret: str
) -> f.SoumettreResponse:
    """A plain PDF: ``deposer/pdf`` uploads it (repeating that is harmless), ``soumettre`` creates the invoice
    from the amounts and routing pdp validated at intake (PASTELL's minimal working submission)."""
    supplier = await chorus.client.find_structure(account, supplier_siret)
    if supplier is None or supplier.id_structure_cpp is None:
        raise SupplierUnknown(f"Chorus Pro knows no structure with SIRET {supplier_siret}")
    upload = await chorus.client.deposit_pdf(
        account,
        f.DeposerPdfRequest(fichier_facture=base64.b64encode(file.data).decode("ascii"), nom_fichier=file.name),
    )
    assert upload.piece_jointe_id is not None
    bank_id = None
    if invoice.type != "credit_note":  # a credit transfer needs the supplier's bank details on file in Chorus
        banks = await chorus.client.bank_accounts(account, supplier.id_structure_cpp)
        bank_id = next((b.id_coordonnee_bancaire for b in banks.liste_coordonnee_bancaire), None)
    request = f.SoumettreRequest(
        mode_depot="DEPOT_PDF_API",
        numero_facture_saisi=invoice.number,
        date_facture=invoice.issue_date.isoformat(),
        destinataire=f.Destinataire(
            code_destinataire=invoice.recipient_siret, code_service_executant=invoice.service_code
        ),
        fournisseur=f.FournisseurSoumission(
            id_fournisseur=supplier.id_structure_cpp, code_coordonnees_bancaires_fournisseur=bank_id
        ),
        cadre_de_facturation=f.CadreDeFacturation(
            code_cadre_facturation=FRAME_CODES.get(invoice.billing_frame, FRAME_CODES[DEFAULT_FRAME]),
            code_structure_valideur=invoice.validator_siret,
        ),
        references=f.References(
            devise_facture=invoice.currency,
            type_facture="AVOIR" if invoice.type == "credit_note" else "FACTURE",
            numero_bon_commande=invoice.engagement_number,
            mode_paiement=None if invoice.type == "credit_note" else "VIREMENT",
        ),
        montant_total=f.MontantTotal(
            montant_ht_total=invoice.total_excl_tax,
            montant_tva=invoice.total_tax,
            montant_ttc_total=invoice.total_incl_tax,
            montant_a_payer=invoice.amount_due,
        ),
        piece_jointe_principale=[
            f.PieceJointePrincipale(
                piece_jointe_principale_designation=file.name, piece_jointe_principale_id=upload.piece_jointe_id
            )
        ],
    )
    return await chorus.client.submit_invoice(account, request)
