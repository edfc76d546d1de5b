"""Chorus Pro's published limits on what it accepts, in one place: pdp's validation refuses at deposit what
Chorus would reject later, and the emulator rejects what Chorus rejects; both read these.

Sources: the invoice number rule G1.05 (20 characters, letters, digits and - _ / +, confirmed by a live
rejection), OCA's engagement cap (50), the billing frames A1…A25 (codeCadreFacturation), credit transfer means
that need an IBAN, and the attachment allow-list and sizes of Chorus's community article as OCA encodes them.
"""

from __future__ import annotations

import re

NUMBER_MAX = 20
NUMBER_CHARS = re.compile(r"^[A-Za-z0-9_/+\-]+$")
ENGAGEMENT_MAX = 50
# codeCadreFacturation as Chorus writes it in its answers (GO factures.go), by the short code of BT-23.
FRAME_CODES = {
    code.split("_", 1)[0]: code
    for code in (
        "A1_FACTURE_FOURNISSEUR",
        "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
        "A3_MEMOIRE_JUSTICE",
        "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
        "A5_ETAT_ACOMPTE_FOURNISSEUR",
        "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR",
        "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
        "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
        "A9_FACTURE_SOUSTRAITANT",
        "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
        "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
        "A12_FACTURE_COTRAITANT",
        "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
        "A14_PROJET_DECOMPTE_FINAL_COTRAITANT",
        "A15_ETAT_ACOMPTE_MOE",
        "A16_ETAT_ACOMPTE_VALIDE_MOE",
        "A17_PROJET_DECOMPTE_GENERAL_MOE",
        "A18_DECOMPTE_GENERAL_MOE",
        "A19_ETAT_ACOMPTE_VALIDE_MOA",
        "A20_DECOMPTE_GENERAL_MOA",
        "A21_DEMANDE_REMBOURSEMENT_TIC",
        "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE",
        "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
        "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE",
        "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
    )
}
FRAMES = frozenset(FRAME_CODES)
DEFAULT_FRAME = "A1"  # what Chorus applies to a flux whose BT-23 is absent
FRAMES_NEEDING_VALIDATOR = frozenset({"A9", "A12"})
CREDIT_TRANSFER_MEANS = frozenset({"30", "31", "42", "58"})  # UNTDID 4461; Chorus takes an IBAN only
RESERVED_SERVICE = "FACTURES_PUBLIQUES"  # for invoices between public entities only
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_TOTAL_MAX_BYTES = 120 * 1024 * 1024
ATTACHMENT_NAME_MAX = 50
ATTACHMENT_EXTENSIONS = frozenset(
    [
        "bmp",
        "bz2",
        "csv",
        "doc",
        "docx",
        "fax",
        "gif",
        "gz",
        "gzip",
        "htm",
        "html",
        "jpeg",
        "jpg",
        "odp",
        "ods",
        "odt",
        "p7s",
        "pdf",
        "png",
        "pps",
        "ppt",
        "pptx",
        "rtf",
        "svg",
        "tgz",
        "tif",
        "tiff",
        "txt",
        "xhtml",
        "xlc",
        "xlm",
        "xls",
        "xlsx",
        "xml",
        "zip",
    ]
)


def extension(filename: str) -> str:
    """The lower-cased extension Chorus judges an attachment by ("" when the name has none)."""
    return filename.rsplit(".", 1)[1].lower() if "." in filename else ""
