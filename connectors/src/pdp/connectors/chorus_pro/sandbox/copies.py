"""The file ``telecharger/groupe`` hands back: the invoices as Chorus holds them (docs/chorus-pro-api.md §3.1).

What the AIFE annex says (its comments, copied in the C# client CS ``TelechargerGroupeFactureOutput``):

- ``PIVOT``: one file in the pivot format, holding every invoice asked for, each with all its attachments
  (base64), whatever ``avecPiecesJointesComplementaires`` says;
- ``PDF``: one invoice with one file → that PDF; one invoice with several → a zip of them; several invoices → a
  zip with one directory per invoice. Complementary attachments only with ``avecPiecesJointesComplementaires``;
- a folder over 120 MB (the size limit of an invoice with its attachments) → HTTP 413.

The pivot's elements are those PASTELL reads from it (``ExtraireDonneesPivot``: ``CPPFactures`` →
``CPPFacturePivotUnitaire`` → ``Fournisseur``, ``Debiteur``, ``DonneesFacture``, ``PJ`` with ``TypePJ`` 01 for the
invoice and 02 for a complementary file) and writes into one (``FactureFichierPivot``). Which codes Chorus puts in
``TypeIdentifiant`` and ``Type`` is not published: the emulator writes ``1`` (SIRET, as PASTELL does) and the
UNTDID 1001 code it read. The directory names of a PDF zip are not published either: the emulator uses the id.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from pdp.connectors.chorus_pro.sandbox.clock import day
from pdp.connectors.chorus_pro.sandbox.deposits import PAYMENT_MODES
from pdp.connectors.chorus_pro.sandbox.reading import DepositedInvoice, UnreadableArchive, is_archive, unpack
from pdp.connectors.chorus_pro.sandbox.receipt import receipt_pdf
from pdp.connectors.chorus_pro.sandbox.state import Invoice, SandboxState

# "Le dossier téléchargé ne doit pas dépasser la taille maximum d'un dossier de facturation (120 Mo)" (GO, CS).
MAX_FOLDER_BYTES = 120 * 1024 * 1024
MAIN, COMPLEMENTARY = "01", "02"  # TypePJ (PASTELL FactureFichierPivot: "01-Facture/avoir- 02-Pièce jointe")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PAYMENT_LABELS = {"VIREMENT": "Virement", "CHEQUE": "Chèque", "PRELEVEMENT": "Prélèvement", "ESPECE": "Espèces"}


@dataclass(frozen=True, slots=True)
class File:
    name: str
    data: bytes
    type_pj: str = MAIN

    @property
    def mime(self) -> str:
        if self.data.startswith(b"%PDF"):
            return "application/pdf"
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Folder:
    data: bytes
    size: int  # the files it holds, before encoding: what the 120 MB limit measures


def folder(state: SandboxState, invoices: list[Invoice], kind: str, *, complementary: bool) -> Folder:
    """The file answering ``telecharger/groupe`` for ``invoices`` in ``kind`` (``PDF`` or ``PIVOT``)."""
    per_invoice = [invoice_files(state, invoice) for invoice in invoices]
    if kind == "PIVOT":
        size = sum(len(file.data) for files in per_invoice for file in files)
        return Folder(pivot(state, list(zip(invoices, per_invoice, strict=True))), size)
    shown = [
        [as_pdf(invoice, files[0]), *(files[1:] if complementary else [])]
        for invoice, files in zip(invoices, per_invoice, strict=True)
    ]
    size = sum(len(file.data) for files in shown for file in files)
    if len(shown) == 1 and len(shown[0]) == 1:
        return Folder(shown[0][0].data, size)
    if len(shown) == 1:
        return Folder(_zip([(_safe(file.name), file.data) for file in shown[0]]), size)
    entries = [
        (f"{invoice.id}/{_safe(file.name)}", file.data)
        for invoice, files in zip(invoices, shown, strict=True)
        for file in files
    ]
    return Folder(_zip(entries), size)


def invoice_files(state: SandboxState, invoice: Invoice) -> list[File]:
    """The invoice's files as Chorus keeps them: its main file (``01``), then its complementary ones (``02``)."""
    kept = [state.attachments[i] for i in invoice.attachment_ids if i in state.attachments]
    kept = [attachment for attachment in kept if attachment.data is not None]
    main = _flux_file(state, invoice)
    if main is None and invoice.flux_number is None and kept:
        first = kept.pop(0)  # soumettre's pieceJointePrincipale
        main = File(first.name, first.data or b"")
    if main is None:
        # Typed in (SAISIE_API), or kept by an emulator that did not keep files yet: Chorus's own rendering.
        main = File(f"{_safe(invoice.number)}.pdf", rendering(invoice))
    return [main, *(File(a.name, a.data or b"", COMPLEMENTARY) for a in kept)]


def _flux_file(state: SandboxState, invoice: Invoice) -> File | None:
    """The invoice's own file in the flux it came in: the flux itself, or its entry in a zip or tar.gz."""
    flux = state.fluxes.get(invoice.flux_number or "")
    if flux is None or flux.data is None:
        return None
    if not is_archive(flux.data):
        return File(flux.filename, flux.data)
    try:
        entries = unpack(flux.data)
    except UnreadableArchive:  # not for a flux Chorus integrated an invoice from; kept for safety
        return None
    for name, content in entries:
        if any(_same_invoice(read, invoice) for read in _reads(state, content, name)):
            return File(name.rsplit("/", 1)[-1], content)
    return None


def _reads(state: SandboxState, content: bytes, name: str) -> list[DepositedInvoice]:
    try:
        return state.reader(content, name)
    except Exception:  # an entry Chorus could not read is not this invoice's file
        return []


def _same_invoice(read: DepositedInvoice, invoice: Invoice) -> bool:
    return read.number == invoice.number and read.supplier_siret in (None, invoice.supplier.siret)


def as_pdf(invoice: Invoice, main: File) -> File:
    """The invoice in PDF: its own PDF (Factur-X, deposer/pdf), else the PDF Chorus renders of an XML invoice."""
    if main.data.startswith(b"%PDF"):
        return main
    return File(f"{main.name.rsplit('.', 1)[0]}.pdf", rendering(invoice))


def rendering(invoice: Invoice) -> bytes:
    """A one-page PDF of what Chorus read: the emulator's stand-in for Chorus's visualisation of the invoice."""
    read = invoice.read
    lines = [
        f"Numéro : {invoice.number}",
        f"Identifiant Chorus Pro : {invoice.id}",
        f"Fournisseur : {invoice.supplier.name} ({invoice.supplier.siret})",
        f"Destinataire : {invoice.recipient.name} ({invoice.recipient.siret})",
        f"Service exécutant : {invoice.service_code or '-'}",
        f"Date de facture : {read.issue_date or '-'}",
        f"Montant TTC : {read.total_with_vat if read.total_with_vat is not None else '-'} {read.currency or ''}",
        f"Net à payer : {read.amount_due if read.amount_due is not None else '-'}",
    ]
    return base64.b64decode(receipt_pdf("Facture" if not read.is_credit_note else "Avoir", lines))


def pivot(state: SandboxState, invoices: list[tuple[Invoice, list[File]]]) -> bytes:
    """The pivot XML of ``invoices`` with their files (PASTELL's FactureFichierPivot skeleton)."""
    root = ET.Element(
        "CPPFacturePivot",
        {
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "CPPFacturePivot.xsd",
        },
    )
    unit = ET.SubElement(ET.SubElement(root, "Enveloppe"), "EnveloppeUnitaire", NumOrdre="1")
    produced = ET.SubElement(ET.SubElement(unit, "Parametres"), "ParametreIndiv", NumOrdre="0001")
    _texts(produced, Code="DtPrd", Valeurparametre=day(state.now()))
    factures = ET.SubElement(root, "CPPFactures", Compteur=str(len(invoices)))
    for order, (invoice, files) in enumerate(invoices, start=1):
        _pivot_invoice(ET.SubElement(factures, "CPPFacturePivotUnitaire", NumOrdre=str(order)), invoice, files)
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return written


def _pivot_invoice(element: ET.Element, invoice: Invoice, files: list[File]) -> None:
    read, supplier = invoice.read, invoice.supplier
    seller = _texts(
        ET.SubElement(element, "Fournisseur"),
        TypeIdentifiant="1",
        Identifiant=supplier.siret,
        RaisonSociale=supplier.name,
        CodePays="FR",
    )
    if read.iban:
        _texts(ET.SubElement(seller, "ReferenceBancaire", Type="IBAN"), Compte=read.iban)
    _texts(
        ET.SubElement(element, "Debiteur"),
        TypeIdentifiant="1",
        Identifiant=invoice.recipient.siret,
        Nom=invoice.recipient.name,
        CodeService=invoice.service_code,
    )
    data = _texts(
        ET.SubElement(element, "DonneesFacture"),
        Id=invoice.number,
        Type=read.type_code or ("381" if read.is_credit_note else "380"),
        Cadre=read.billing_frame or "A1",
        DateEmissionFacture=read.issue_date,
        DateReception=day(invoice.deposited_at),
    )
    mode = next((name for name, code in PAYMENT_MODES.items() if code == read.payment_means_code), None)
    if mode:
        _texts(ET.SubElement(data, "ModePaiement"), Code=mode, Libelle=_PAYMENT_LABELS.get(mode, mode.title()))
    _texts(data, Devise=read.currency)
    _texts(
        ET.SubElement(data, "Montants"),
        MontantHT=read.total_without_vat,
        MontantTTC=read.total_with_vat,
        MontantNetAPayer=read.amount_due,
    )
    _texts(ET.SubElement(data, "Engagement"), NumeroEngagement=invoice.engagement_number)
    for order, file in enumerate(files, start=1):
        _texts(
            ET.SubElement(element, "PJ", NumOrdre=str(order)),
            Contenu=base64.b64encode(file.data).decode("ascii"),
            NomPJ=file.name,
            TypePJ=file.type_pj,
            MimeTypePJ=file.mime,
        )


def _texts(parent: ET.Element, **children: object) -> ET.Element:
    """Append a child per keyword, in order, with its value as text; ``None`` values are left out."""
    for tag, value in children.items():
        if value is not None:
            ET.SubElement(parent, tag).text = str(value)
    return parent


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(".") or "fichier"


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        seen: set[str] = set()
        for name, data in entries:
            unique, n = name, 1
            while unique in seen:  # two attachments of the same name keep both
                n += 1
                stem, dot, extension = name.rpartition(".")
                unique = f"{stem}_{n}.{extension}" if dot else f"{name}_{n}"
            seen.add(unique)
            archive.writestr(unique, data)
    return out.getvalue()
