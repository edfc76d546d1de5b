"""Realistic invoices for the Factur-X writer tests, built the way the API builds them (JSON input)."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from pdp.einvoice.formats.json_input import JsonAddress, JsonInvoice, JsonSeller, to_invoice
from pdp.einvoice.model import Address, Delivery, Invoice, Note

SELLER = JsonSeller(
    name="Atelier Dupont SARL",
    siret="73282932000074",
    vat_number="FR44732829320",
    address=JsonAddress(line1="12 rue des Artisans", postal_code="69003", city="Lyon"),
    email="facturation@atelier-dupont.fr",
)
RECIPIENT = {
    "siret": "11000201100044",
    "name": "Ministère de l'Exemple \u2013 Direction des achats",
    "service_code": "SERV-ACHATS-01",
    "engagement_number": "EJ-2026-000123",
    "address": {"line1": "20 avenue de Ségur", "postal_code": "75007", "city": "Paris"},
}
IBAN = "FR7630006000011234567890189"
PENALTIES = (
    "En cas de retard de paiement, pénalités de retard au taux de la BCE majoré de 10 points "
    "(art. L441-10 du Code de commerce)."
)
INDEMNITY = "Indemnité forfaitaire pour frais de recouvrement de 40 € (art. D441-5 du Code de commerce)."
DISCOUNT = "Pas d'escompte pour paiement anticipé."


def _legal_notes(invoice: Invoice) -> Invoice:
    """The legal notes in the supplier's own words (BR-FR-05 subject codes), and BT-23."""
    invoice.process_type = "A1"  # Chorus's billing frame: the B2B reform's S1 would be rejected
    invoice.notes = [  # the supplier's own wording, in place of the defaults to_invoice writes
        *(note for note in invoice.notes if note.subject_code is None),
        Note(text=PENALTIES, subject_code="PMD"),
        Note(text=INDEMNITY, subject_code="PMT"),
        Note(text=DISCOUNT, subject_code="AAB"),
    ]
    return invoice


def _json(**overrides: object) -> JsonInvoice:
    payload: dict[str, object] = {
        "number": "F-2026-0042",
        "issue_date": "2026-11-20",
        "due_date": "2026-12-20",
        "payment_terms": "Paiement à 30 jours date de facture",
        "recipient": RECIPIENT,
        "lines": [
            {"name": "Audit de l'installation électrique", "quantity": "3", "unit_price": "400.00",
             "vat_rate": "20.00", "unit": "HUR", "description": "Bâtiment A, niveaux 0 à 3"},
            {"name": "Remplacement tableau divisionnaire", "quantity": "1", "unit_price": "1850.00",
             "vat_rate": "20.00"},
            {"name": "Travaux de rénovation énergétique (isolation)", "quantity": "12.5", "unit_price": "48.40",
             "vat_rate": "5.50", "unit": "MTK"},
            {"name": "Déplacement", "quantity": "2", "unit_price": "85.50", "vat_rate": "20.00"},
        ],
        "payment": {"means_code": "58", "iban": IBAN, "bic": "AGRIFRPPXXX", "remittance_info": "F-2026-0042"},
        "notes": ["Intervention réalisée conformément au devis D-2026-117 du 2 octobre 2026."],
    }  # fmt: skip
    payload.update(overrides)
    return msgspec.convert(payload, JsonInvoice, strict=False)


def invoice() -> Invoice:
    return _legal_notes(to_invoice(_json(), seller=SELLER))


def credit_note() -> Invoice:
    data = _json(
        number="AV-2026-0007",
        type="credit_note",
        lines=[{"name": "Annulation du déplacement facturé en double", "quantity": "1", "unit_price": "85.50",
                "vat_rate": "20.00"}],
        preceding_invoice={"number": "F-2026-0042", "issue_date": "2026-11-20"},
        payment=None,
        due_date=None,
        payment_terms=None,
    )  # fmt: skip
    return _legal_notes(to_invoice(data, seller=SELLER))


def long_invoice(count: int = 60) -> Invoice:
    lines = [
        {"name": f"Fourniture n° {n} — câble, gaine et accessoires de pose", "quantity": str(n % 7 + 1),
         "unit_price": f"{12 + n}.{n % 100:02d}", "vat_rate": "20.00" if n % 4 else "10.00", "unit": "H87"}
        for n in range(1, count + 1)
    ]  # fmt: skip
    data = _json(number="F-2026-0099", lines=lines)
    result = _legal_notes(to_invoice(data, seller=SELLER))
    assert result.totals.with_vat is not None and result.totals.with_vat > Decimal(0)
    return result


def delivered_elsewhere(invoice: Invoice) -> Invoice:
    """Delivery elsewhere than the buyer's address: one of the four 2026 mentions."""
    invoice.delivery = Delivery(address=Address(line1="Entrepôt Nord", postal_code="59000", city="Lille",
                                                country_code="FR"))  # fmt: skip
    return invoice
