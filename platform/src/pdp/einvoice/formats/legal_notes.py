"""The legal mentions an invoice carries as coded notes (BT-21 subject + BT-22 text): late-payment penalties
(PMD), the 40 € recovery indemnity (PMT) and the discount clause (AAB). French law wants them on every invoice
(Code de commerce L441-9), BR-FR-05 wants each exactly once, and the PDF pdp renders prints the same words.
"""

from __future__ import annotations

from pdp.einvoice.model import Note

PENALTIES_FR = (
    "En cas de retard de paiement, pénalités exigibles au taux d'intérêt appliqué par la Banque centrale européenne "
    "à son opération de refinancement la plus récente, majoré de 10 points de pourcentage (art. L441-10 du Code de "
    "commerce)."
)
INDEMNITY_FR = (
    "Indemnité forfaitaire pour frais de recouvrement de 40 € due en cas de retard de paiement (art. L441-10 et "
    "D441-5 du Code de commerce)."
)
DISCOUNT_FR = "Pas d'escompte pour paiement anticipé."
DEFAULT_WORDING_FR = {"PMD": PENALTIES_FR, "PMT": INDEMNITY_FR, "AAB": DISCOUNT_FR}


def with_legal_notes(notes: list[Note]) -> list[Note]:
    """``notes`` plus the default wording of each legal mention they do not already carry."""
    present = {note.subject_code for note in notes}
    return [
        *notes,
        *(Note(text=text, subject_code=code) for code, text in DEFAULT_WORDING_FR.items() if code not in present),
    ]
