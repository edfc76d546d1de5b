"""The French reform rules ("BR-FR Flux 2", the FNFE BR-FR rules), at a severity the tenant chooses.

They became fatal for the B2B reform on 1 Oct 2026; Chorus Pro (B2G) does not enforce them yet, so tenants
decide whether they block a deposit (``error``) or only inform (``warning``, the default).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from pdp.einvoice.findings import Finding, Severity, finding
from pdp.einvoice.model import Invoice

NUMBER_CHARS = re.compile(r"^[A-Za-z0-9+\-_/]+$")
SIREN = re.compile(r"\d{9}")
TYPE_CODES = frozenset(
    ["380", "389", "393", "501", "386", "500", "384", "471", "472", "473", "261", "262", "381", "396", "502", "503"]
)
BILLING_MODES = frozenset(
    [
        "B1",
        "S1",
        "M1",
        "B2",
        "S2",
        "M2",
        "S3",
        "B4",
        "S4",
        "M4",
        "S5",
        "S6",
        "B7",
        "S7",
        "B8",
        "S8",
        "M8",
        "B9",
        "S9",
        "M9",
    ]
)
VAT_CATEGORIES = frozenset({"S", "E", "AE", "K", "G", "O", "Z"})
VAT_RATES = frozenset(
    Decimal(r)
    for r in ["0", "0.9", "1.05", "1.75", "2.1", "5.5", "7", "8.5", "9.2", "9.6", "10", "13", "19.6", "20", "20.6"]
)
_RATES_OR_ABSENT = VAT_RATES | {None}  # BR-FR-16 passes an absent rate
REQUIRED_NOTES = ("PMT", "PMD", "AAB")
DEPOSIT_TYPES = frozenset({"386", "500", "503"})
CORRECTIVE = "384"


class _Report:
    def __init__(self, severity: Severity) -> None:
        self.severity = severity
        self.findings: list[Finding] = []

    def check(self, ok: bool, rule: str, bt: str, en: str, fr: str) -> None:
        if not ok:
            self.fail(rule, bt, en, fr)

    def fail(self, rule: str, bt: str, en: str, fr: str) -> None:
        """For messages that must be formatted: the caller tests first, so a passing rule formats nothing."""
        self.findings.append(finding(rule, self.severity, en, fr, bt=bt))


def validate_brfr(invoice: Invoice, *, severity: Severity = "warning", for_chorus: bool = False) -> list[Finding]:
    """``for_chorus``: the invoice goes to Chorus Pro, whose rules win where the two disagree — BT-23 is then
    Chorus's billing frame (A1…A25, checked by the Chorus layer), and BR-FR-08's B1/S1/M1 would be refused."""
    r = _Report(severity)
    inv = invoice
    # FNFE numbering: BR-FR-01 is the length (<= 35), BR-FR-02 the character set, for BT-1 and BT-25 alike.
    numbers = [("BT-1", inv.number, "invoice number", "numéro de facture")] + [
        ("BT-25", p.number, "preceding invoice number", "numéro de facture antérieure") for p in inv.preceding_invoices
    ]
    for bt, number, what, quoi in numbers:
        if number is None:
            continue
        if len(number) > 35:
            r.fail("BR-FR-01", bt, f"The {what} has at most 35 characters.", f"Le {quoi} a au plus 35 caractères.")
        if NUMBER_CHARS.match(number) is None:
            r.fail(
                "BR-FR-02",
                bt,
                f"The {what} uses only A-Z a-z 0-9 + - _ / (no spaces).",
                f"Le {quoi} n'utilise que A-Z a-z 0-9 + - _ / (sans espace).",
            )
    dates: list[date | None] = [
        inv.issue_date,
        inv.tax_point_date,
        inv.due_date,
        inv.delivery.date if inv.delivery else None,
        inv.invoicing_period.start if inv.invoicing_period else None,
        inv.invoicing_period.end if inv.invoicing_period else None,
        *(p.date for p in inv.preceding_invoices),
    ]
    r.check(
        all(2000 <= d.year <= 2099 for d in dates if d is not None),
        "BR-FR-03",
        "BT-2",
        "Dates must fall between the years 2000 and 2099.",
        "Les dates doivent être comprises entre 2000 et 2099.",
    )
    if inv.type_code not in TYPE_CODES:
        r.fail(
            "BR-FR-04",
            "BT-3",
            f"The invoice type code '{inv.type_code}' is not allowed in France.",
            f"Le code de type de facture « {inv.type_code} » n'est pas autorisé en France.",
        )
    subjects = [note.subject_code for note in inv.notes]
    for code in REQUIRED_NOTES:
        if subjects.count(code) == 1:
            continue
        r.fail(
            "BR-FR-05",
            "BT-21",
            f"The notes must contain exactly one {code} note (recovery indemnity PMT, late penalties PMD, "
            "discount clause AAB).",
            f"Les notes doivent contenir exactement une note {code} (indemnité forfaitaire PMT, pénalités de "
            "retard PMD, escompte AAB).",
        )
    r.check(
        subjects.count("TXD") <= 1,
        "BR-FR-06",
        "BT-21",
        "At most one TXD note is allowed.",
        "Une seule note TXD est autorisée.",
    )
    r.check(
        for_chorus or inv.process_type in BILLING_MODES,
        "BR-FR-08",
        "BT-23",
        "The billing mode (BT-23) must be one of B1, S1, M1… (goods, services or mixed).",
        "Le cadre de facturation (BT-23) doit être l'un de B1, S1, M1… (biens, services ou mixte).",
    )
    seller_siren = inv.seller.legal_id.value if inv.seller.legal_id and inv.seller.legal_id.scheme == "0002" else None
    r.check(
        seller_siren is not None and SIREN.fullmatch(seller_siren) is not None,
        "BR-FR-10",
        "BT-30",
        "The seller SIREN (BT-30, scheme 0002) is mandatory and has 9 digits.",
        "Le SIREN du vendeur (BT-30, schéma 0002) est obligatoire et comporte 9 chiffres.",
    )
    r.check(
        inv.seller.electronic_address is not None,
        "BR-FR-13",
        "BT-34",
        "The seller electronic address (BT-34) is mandatory.",
        "L'adresse électronique du vendeur (BT-34) est obligatoire.",
    )
    r.check(
        inv.buyer.electronic_address is not None,
        "BR-FR-12",
        "BT-49",
        "The buyer electronic address (BT-49) is mandatory.",
        "L'adresse électronique de l'acheteur (BT-49) est obligatoire.",
    )
    categories = [line.vat_category for line in inv.lines] + [v.category for v in inv.vat_breakdown]
    r.check(
        # issuperset tests each member as ``in`` would, in C (filter(None, …) skips absent codes as ``if c`` did)
        VAT_CATEGORIES.issuperset(filter(None, categories)),
        "BR-FR-15",
        "BT-118",
        "VAT categories are limited to S, E, AE, K, G, O and Z in France.",
        "Les catégories de TVA sont limitées à S, E, AE, K, G, O et Z en France.",
    )
    rates = [line.vat_rate for line in inv.lines] + [v.rate for v in inv.vat_breakdown]
    r.check(
        _RATES_OR_ABSENT.issuperset(rates),
        "BR-FR-16",
        "BT-119",
        "A VAT rate is not one of the rates used in France.",
        "Un taux de TVA n'est pas l'un des taux en vigueur en France.",
    )
    if inv.type_code == CORRECTIVE:
        r.check(
            len(inv.preceding_invoices) == 1,
            "BR-FR-CO-04",
            "BT-25",
            "A corrective invoice refers to exactly one preceding invoice.",
            "Une facture rectificative référence exactement une facture antérieure.",
        )
    if inv.is_credit_note:
        r.check(
            bool(inv.preceding_invoices),
            "BR-FR-CO-05",
            "BT-25",
            "A credit note refers to at least one preceding invoice.",
            "Un avoir référence au moins une facture antérieure.",
        )
    if inv.due_date and inv.issue_date and inv.type_code not in DEPOSIT_TYPES:
        r.check(
            inv.due_date >= inv.issue_date,
            "BR-FR-CO-07",
            "BT-9",
            "The due date cannot precede the issue date.",
            "L'échéance ne peut précéder la date d'émission.",
        )
    if inv.currency and inv.currency != "EUR":
        r.check(
            inv.tax_currency == "EUR" and inv.totals.vat_in_accounting_currency is not None,
            "BR-FR-CO-12",
            "BT-6",
            "A non-euro invoice gives the VAT accounting currency EUR (BT-6) and the VAT total in euros.",
            "Une facture hors euro indique la devise de TVA EUR (BT-6) et le total de TVA en euros.",
        )
    return r.findings
