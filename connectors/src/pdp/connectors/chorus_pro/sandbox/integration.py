"""Deposit and asynchronous integration of a flux: ``IN_RECU`` → ``IN_EN_COURS_TRAITEMENT_CPP`` →
``IN_INTEGRE`` / ``IN_INTEGRE_PARTIEL`` / ``IN_REJETE`` (docs/chorus-pro-api.md §4.3).

The file is read when it is deposited (the ledger needs its invoice numbers at once); Chorus's checks run when
integration falls due on the virtual clock, so a duplicate deposited in between is judged in deposit order.
"""

from __future__ import annotations

from pdp.connectors.chorus_pro.sandbox import lifecycle
from pdp.connectors.chorus_pro.sandbox.checks import check_invoice
from pdp.connectors.chorus_pro.sandbox.directory import Structure
from pdp.connectors.chorus_pro.sandbox.reading import (
    DepositedInvoice,
    DepositReader,
    DetectedSyntax,
    UnreadableArchive,
    is_archive,
    unpack,
)
from pdp.connectors.chorus_pro.sandbox.state import Flux, FluxError, Invoice, SandboxState, TechnicalError

SYNTAXES: dict[str, DetectedSyntax] = {
    "IN_DP_E1_UBL_INVOICE": "ubl",
    "IN_DP_E2_UBL_INVOICE_MIN": "ubl",
    "IN_DP_E3_UBL_INVOICE": "ubl",
    "IN_DP_E1_CII_16B": "cii",
    "IN_DP_E1_CII": "cii",
    "IN_DP_E2_CII_MIN_16B": "cii",
    "IN_DP_E2_CII_MIN": "cii",
    "IN_DP_E2_CII_FACTURX": "facturx",
    "IN_DP_E2_CPP_FACTURE_MIN": "cpp",  # Chorus's own CPPFactureMixte (PASTELL's fixture; tenants chorus_cpp.py)
}
# codeInterfaceDepotFlux per syntax: Chorus's pages show FSO1110A and FSO1113A but not which syntax each goes with
# (docs/chorus-pro-api.md §12); this mapping is invented.
# (Only cpp has a source: PASTELL's CPPFactureMixte fixture is styled by FSO1113A.xsl.)
INTERFACE_CODES = {"ubl": "FSO1112A", "cii": "FSO1110A", "facturx": "FSO1113A", "cpp": "FSO1113A"}
ROOT_NAMES = {
    "ubl": "Invoice",
    "cii": "rsm:CrossIndustryInvoice",
    "facturx": "rsm:CrossIndustryInvoice",
    "cpp": "CPPFactureMixte",
}
# libelleErreurDP concatenates messages with "|" and is cut around 200 characters (KRO, INVR).
DP_MESSAGE_MAX = 200
# modeDepot of an invoice that came in an API flux: the enum has no closer value (docs/chorus-pro-api.md §4.4).
FLUX_DEPOSIT_MODE = "UPLOAD_API"
FINAL_STATES = frozenset({"IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE"})
PROCESSING = "IN_EN_COURS_TRAITEMENT_CPP"


def read_flux(
    reader: DepositReader, data: bytes, filename: str, syntax: str
) -> tuple[list[DepositedInvoice], list[TechnicalError]]:
    """The invoices Chorus can integrate from the file, and the technical errors of those it cannot read."""
    expected = SYNTAXES.get(syntax)
    if expected is None:
        return [], [TechnicalError("ERR_FLUX_001", f"IRRECEVABILITE: la syntaxe de flux {syntax} n'est pas acceptée.")]
    try:
        files = unpack(data) if is_archive(data) else [(filename, data)]
    except UnreadableArchive as exc:
        return [], [TechnicalError("ERR_FLUX_002", f"IRRECEVABILITE: {exc}")]
    invoices: list[DepositedInvoice] = []
    errors: list[TechnicalError] = []
    for name, content in files:
        for invoice in _read_safely(reader, content, name):
            if invoice.unreadable:
                errors.append(TechnicalError("ERR_FORMAT_001", f"IRRECEVABILITE: {name} : {invoice.unreadable}"))
            elif invoice.syntax != expected:
                errors.append(_mismatch(name, invoice.syntax, expected))
            elif invoice.schema_error:
                errors.append(TechnicalError("ERR_XSD_001", f"IRRECEVABILITE: {invoice.schema_error}"))
            else:
                invoices.append(invoice)
    if not files:
        errors.append(TechnicalError("ERR_FLUX_002", "IRRECEVABILITE: l'archive ne contient aucun fichier."))
    return invoices, errors


def _read_safely(reader: DepositReader, content: bytes, name: str) -> list[DepositedInvoice]:
    """The reader's verdict; a reader that fails on a hostile file must not turn a deposit into a 500, because
    Chorus accepts any flux at deposit and reports what it cannot read in the integration report."""
    try:
        return reader(content, name)
    except Exception as exc:
        return [DepositedInvoice(unreadable=f"fichier illisible ({type(exc).__name__})")]


def _mismatch(name: str, found: DetectedSyntax | None, expected: DetectedSyntax) -> TechnicalError:
    if expected == "facturx":
        return TechnicalError("ERR_FORMAT_002", f"IRRECEVABILITE: {name} n'est pas un PDF Factur-X.")
    if found in ROOT_NAMES:
        # What a schema validator says when the root element belongs to another syntax.
        root = ROOT_NAMES[found]
        return TechnicalError(
            "ERR_XSD_001", f"IRRECEVABILITE: cvc-elt.1.a: Cannot find the declaration of element '{root}'."
        )
    return TechnicalError("ERR_FORMAT_001", f"IRRECEVABILITE: {name} n'est pas un fichier XML de facture.")


def receive(state: SandboxState, supplier: Structure, data: bytes, filename: str, syntax: str) -> Flux:
    """Store the flux (``IN_RECU``) and schedule its integration; nothing is checked yet."""
    invoices, errors = read_flux(state.reader, data, filename, syntax)
    now = state.now()
    flux = Flux(state.next_flux_number(), syntax, filename, supplier, now, invoices, errors, state_at=now)
    state.fluxes[flux.number] = flux
    settings = state.settings
    flux.processing_due = state.at(settings.reception_delay, lambda: _set_state(state, flux, PROCESSING))
    flux.integration_due = state.at(
        settings.reception_delay + settings.integration_delay, lambda: integrate(state, flux)
    )
    state.flux_changed(flux)
    return flux


def resume(state: SandboxState, flux: Flux) -> None:
    """After a restart: schedule again what had not happened to the flux yet (due ones apply at once)."""
    if flux.state in FINAL_STATES or flux.integration_due is None:
        return
    if flux.state == "IN_RECU" and flux.processing_due is not None:
        state.at_time(flux.processing_due, lambda: _set_state(state, flux, PROCESSING))
    state.at_time(flux.integration_due, lambda: integrate(state, flux))


def _set_state(state: SandboxState, flux: Flux, code: str) -> None:
    if flux.state == "IN_RECU":  # a flux set aside meanwhile (a forced state) stays where it was put
        flux.state, flux.state_at = code, state.now()
        state.flux_changed(flux)


def integrate(state: SandboxState, flux: Flux) -> None:
    """Run the checks on every readable invoice; create the invoices that pass. A flux set aside meanwhile
    (a state forced through the control API) is left where it is."""
    if flux.state not in ("IN_RECU", PROCESSING):
        return
    for read in flux.invoices:
        supplier = invoice_supplier(state, flux.supplier, read.supplier_siret)
        key = (supplier.id, read.number or "")
        problems = check_invoice(state.directory, flux.supplier, read, duplicate=key in state.numbers)
        if problems:
            message = " | ".join(problem.message for problem in problems)[:DP_MESSAGE_MAX]
            flux.dp_errors.append(FluxError(read.supplier_siret, read.recipient_siret, read.number, message))
            continue
        invoice = create_invoice(
            state, supplier, read, deposit_mode=FLUX_DEPOSIT_MODE, flux_number=flux.number, depositor=flux.supplier
        )
        flux.invoice_ids.append(invoice.id)
    if not flux.invoice_ids:
        final = "IN_REJETE"
    elif flux.dp_errors or flux.technical_errors:
        final = "IN_INTEGRE_PARTIEL"
    else:
        final = "IN_INTEGRE"
    flux.state, flux.state_at = final, state.now()
    flux.invoices = []  # read only to integrate them; a restart need not keep them
    state.flux_changed(flux)


def invoice_supplier(state: SandboxState, depositor: Structure, siret: str | None) -> Structure:
    """The invoice's supplier: the structure its seller SIRET names when a platform deposits for others."""
    named = state.directory.by_siret.get(siret or "")
    if depositor.deposits_for_others and named is not None and not named.public:
        return named
    return depositor


def create_invoice(
    state: SandboxState,
    supplier: Structure,
    read: DepositedInvoice,
    *,
    deposit_mode: str,
    flux_number: str | None,
    depositor: Structure | None = None,
) -> Invoice:
    """A checked invoice enters Chorus: registered under its number and started on its buyer's schedule."""
    recipient = state.directory.by_siret[read.recipient_siret or ""]
    invoice = Invoice(
        id=state.next_invoice_id(),
        supplier=supplier,
        recipient=recipient,
        read=read,
        number=read.number or "",
        deposit_mode=deposit_mode,
        deposited_at=state.now(),
        flux_number=flux_number,
        service_code=read.service_code,
        engagement_number=read.engagement_number,
        depositor=depositor or supplier,
    )
    state.invoices[invoice.id] = invoice
    state.numbers[(supplier.id, invoice.number)] = invoice.id
    lifecycle.begin(state, invoice)  # which records the invoice as changed
    return invoice
