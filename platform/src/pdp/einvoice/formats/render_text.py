"""The words and numbers of a rendered invoice: labels (fr, en), French number formats, legal mentions.

Pure functions of the model, kept apart from the layout so that the wording can be read and tested on its own.
The legal mentions follow French law (Code de commerce L441-9/L441-10, CGI art. 242 nonies A of annex II, and
the four mentions of decree 2022-1299); the invoice's own notes (PMD, PMT, AAB) win over our default wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pdp.einvoice.formats.legal_notes import DISCOUNT_FR, INDEMNITY_FR, PENALTIES_FR
from pdp.einvoice.model import Address, Invoice, Party

_FR = {
    "bill_to": "Facturé à", "siren": "SIREN", "siret": "SIRET", "vat_id": "N° TVA intracommunautaire",
    "tax_id": "N° fiscal", "service_code": "Code service", "engagement": "N° d'engagement", "number": "N°",
    "issue_date": "Date d'émission", "due_date": "Date d'échéance", "payment_terms": "Conditions de paiement",
    "preceding": "Facture d'origine", "contract": "Contrat", "project": "Projet", "sales_order": "Commande",
    "delivery_date": "Date de livraison", "period": "Période", "nature": "Nature de l'opération",
    "delivery_address": "Adresse de livraison", "payee": "Bénéficiaire du paiement",
    "tax_representative": "Représentant fiscal", "details": "Informations",
    "item": "Désignation", "quantity": "Qté", "unit": "Unité", "unit_price": "PU HT", "vat": "TVA",
    "net_amount": "Montant HT", "allowance": "Remise", "charge": "Frais", "allowances_charges": "Remises et frais",
    "reason": "Motif", "vat_rate": "Taux", "taxable": "Base HT", "vat_amount": "Montant TVA",
    "line_net": "Total des lignes HT", "total_allowances": "Remises", "total_charges": "Frais",
    "without_vat": "Total HT", "total_vat": "Total TVA", "with_vat": "Total TTC", "prepaid": "Déjà payé",
    "rounding": "Arrondi", "due": "Net à payer", "credit_total": "Montant de l'avoir",
    "payment": "Règlement", "means": "Moyen de paiement",
    "iban": "IBAN", "bic": "BIC", "account_name": "Titulaire du compte", "remittance": "Référence à rappeler",
    "card": "Carte", "mandate": "Mandat de prélèvement", "creditor": "Identifiant créancier",
    "debited": "Compte débité", "notes": "Notes", "mentions": "Mentions légales", "continued": "suite",
    "page": "page {page} / {pages}", "seller_ref": "Réf.",
    "penalties": PENALTIES_FR, "indemnity": INDEMNITY_FR, "discount": DISCOUNT_FR,
    "debits": "Option pour le paiement de la taxe d'après les débits.",
    "nature_B": "Livraison de biens", "nature_S": "Prestation de services",
    "nature_M": "Opération mixte (livraison de biens et prestation de services)",
    "vat_AE": "Autoliquidation", "vat_K": "Exonération de TVA, article 262 ter I du CGI",
    "vat_G": "Exonération de TVA, article 262 I du CGI", "vat_E": "Exonération de TVA",
    "vat_O": "Opération hors du champ d'application de la TVA",
}  # fmt: skip
_EN = {
    **_FR,
    "bill_to": "Bill to", "vat_id": "VAT number", "tax_id": "Tax number", "service_code": "Service code",
    "engagement": "Commitment (PO) number", "number": "No.", "issue_date": "Issue date", "due_date": "Due date",
    "payment_terms": "Payment terms", "preceding": "Original invoice", "contract": "Contract", "project": "Project",
    "sales_order": "Sales order", "delivery_date": "Delivery date", "period": "Period",
    "nature": "Nature of the supply", "delivery_address": "Delivery address", "payee": "Payee",
    "tax_representative": "Tax representative", "details": "Details", "item": "Description", "quantity": "Qty",
    "unit": "Unit", "unit_price": "Unit price", "vat": "VAT", "net_amount": "Net amount", "allowance": "Allowance",
    "charge": "Charge", "allowances_charges": "Allowances and charges", "reason": "Reason", "vat_rate": "Rate",
    "taxable": "Taxable amount", "vat_amount": "VAT amount", "line_net": "Sum of lines", "total_allowances":
    "Allowances", "total_charges": "Charges", "without_vat": "Total excl. VAT", "total_vat": "Total VAT",
    "with_vat": "Total incl. VAT", "prepaid": "Paid in advance", "rounding": "Rounding", "due": "Amount due",
    "credit_total": "Credit note total",
    "payment": "Payment", "means": "Payment means", "account_name": "Account holder", "remittance":
    "Payment reference", "mandate": "Direct debit mandate", "creditor": "Creditor id", "debited": "Debited account",
    "mentions": "Legal notices", "continued": "continued", "seller_ref": "Ref.",
    "penalties": "Late payment: interest at the European Central Bank's most recent refinancing rate plus 10 "
    "percentage points (French Commercial Code, art. L441-10).",
    "indemnity": "Fixed compensation for recovery costs of 40 € in case of late payment (French Commercial Code, "
    "art. L441-10 and D441-5).",
    "discount": "No discount for early payment.",
    "debits": "Option pour le paiement de la taxe d'après les débits (VAT due on invoicing).",
    "nature_B": "Supply of goods", "nature_S": "Supply of services", "nature_M": "Mixed supply (goods and services)",
    "vat_AE": "Autoliquidation (reverse charge)", "vat_K": "VAT exempt intra-Community supply (CGI art. 262 ter I)",
    "vat_G": "VAT exempt export (CGI art. 262 I)", "vat_E": "VAT exempt", "vat_O": "Outside the scope of VAT",
}  # fmt: skip
LABELS = {"fr": _FR, "en": _EN}

# UNTDID 1001 → title. French names of the reform's document types (BR-FR-04), others fall back below.
_TITLES_FR = {
    "380": "Facture", "389": "Autofacture", "393": "Facture affacturée", "501": "Autofacture affacturée",
    "386": "Facture d'acompte", "500": "Autofacture d'acompte", "384": "Facture rectificative",
    "471": "Facture rectificative affacturée", "472": "Autofacture rectificative",
    "473": "Autofacture rectificative affacturée", "381": "Avoir", "261": "Autofacture d'avoir",
    "262": "Avoir de remise globale", "396": "Avoir affacturé", "502": "Autofacture d'avoir affacturé",
    "503": "Avoir d'acompte",
}  # fmt: skip
_TITLES_EN = {"380": "Invoice", "381": "Credit note", "384": "Corrected invoice", "386": "Prepayment invoice",
              "389": "Self-billed invoice", "261": "Self-billed credit note"}  # fmt: skip
# UN/ECE Rec 20/21 → short French unit names; an unknown code is shown as is.
_UNITS = {
    "C62": "u", "H87": "pièce", "XPP": "pièce", "EA": "u", "HUR": "h", "MIN": "min", "DAY": "jour", "WEE": "sem.",
    "MON": "mois", "ANN": "an", "KGM": "kg", "GRM": "g", "TNE": "t", "MTR": "m", "KMT": "km", "MTK": "m²",
    "MTQ": "m³", "LTR": "L", "KWH": "kWh", "SET": "lot", "LS": "forfait", "E48": "service", "PR": "paire",
    "P1": "%",
}  # fmt: skip
# UNTDID 4461 → payment means.
_MEANS = {
    "fr": {"10": "Espèces", "20": "Chèque", "30": "Virement", "31": "Virement", "42": "Virement bancaire",
           "48": "Carte bancaire", "49": "Prélèvement", "57": "Virement permanent", "58": "Virement SEPA",
           "59": "Prélèvement SEPA", "97": "Compensation"},
    "en": {"10": "Cash", "20": "Cheque", "30": "Credit transfer", "31": "Debit transfer", "42": "Bank transfer",
           "48": "Bank card", "49": "Direct debit", "57": "Standing order", "58": "SEPA credit transfer",
           "59": "SEPA direct debit", "97": "Clearing"},
}  # fmt: skip
# VATEX codes whose legal wording is fixed by French law, used when BT-120 (the text) is absent.
_VATEX = {
    "VATEX-FR-FRANCHISE": "TVA non applicable, art. 293 B du CGI",
    "VATEX-EU-AE": "Autoliquidation",
    "VATEX-EU-IC": "Exonération de TVA, article 262 ter I du CGI",
    "VATEX-EU-G": "Exonération de TVA, article 262 I du CGI",
}
EXEMPT_CATEGORIES = ("E", "AE", "K", "G", "O")
LEGAL_NOTE_CODES = frozenset({"PMD", "PMT", "AAB"})
HIDDEN_NOTE_CODES = frozenset({"BAR"})  # routing data for platforms (B2B, B2G…), not for the reader
_DEBITS_NEEDLE = "d'après les débits"


def labels(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {sorted(LABELS)}")
    return LABELS[lang]


def title(invoice: Invoice, lang: str) -> str:
    code = invoice.type_code or "380"
    names = _TITLES_FR if lang == "fr" else _TITLES_EN
    fallback = ("Avoir" if lang == "fr" else "Credit note") if invoice.is_credit_note else names["380"]
    return names.get(code, fallback)


def unit_name(code: str | None) -> str:
    return _UNITS.get(code, code) if code else ""


def means_name(code: str | None, lang: str) -> str:
    return _MEANS[lang].get(code, code) if code else ""


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    return " ".join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])


def number(value: Decimal, *, min_places: int = 0, max_places: int | None = None) -> str:
    """French notation: "1 234,5" — thousands grouped by spaces, decimal comma, trailing zeros trimmed."""
    if not value.is_finite():  # NaN or Infinity: not an amount, but shown rather than crashing the render
        return str(value)
    if max_places is not None:
        value = value.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(min_places, "0")
    return f"{sign}{_group(whole)}" + (f",{fraction}" if fraction else "")


def amount(value: Decimal | None, currency: str | None) -> str:
    """ "1 234,56 €" (two decimals, the currency symbol or ISO code after the number)."""
    if value is None:
        return ""
    symbol = "€" if currency in (None, "EUR") else currency
    return f"{number(value, min_places=2, max_places=2)} {symbol}"


def price(value: Decimal | None) -> str:
    """A unit price: at least two decimals, up to the six BR-FR-DEC-03 allows (0,123456)."""
    return "" if value is None else number(value, min_places=2, max_places=6)


def rate(value: Decimal | None) -> str:
    return "" if value is None else f"{number(value)} %"


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def span(start: date | None, end: date | None) -> str:
    """A period "01/11/2026 \u2013 30/11/2026", or its one known end."""
    return " \u2013 ".join(day(value) for value in (start, end) if value)


def address_lines(address: Address | None) -> list[str]:
    if address is None:
        return []
    city = " ".join(part for part in (address.postal_code, address.city) if part)
    country = address.country_code if address.country_code not in (None, "FR") else None
    parts = [address.line1, address.line2, address.line3, city, address.subdivision, country]
    return [part for part in parts if part]


@dataclass(frozen=True, slots=True)
class PartyIds:
    siren: str | None
    siret: str | None


def party_ids(party: Party, routing_siret: str | None) -> PartyIds:
    """SIREN and SIRET from BT-29/30 (seller) or BT-46/47 (buyer): scheme 0002 is a SIREN, 0009 a SIRET."""
    ids = [party.legal_id, *party.identifiers]
    siret = next((i.value for i in ids if i is not None and i.scheme == "0009"), routing_siret)
    siren = next((i.value for i in ids if i is not None and i.scheme == "0002"), None)
    if siren is None and siret and len(siret) == 14 and siret.isdigit():
        siren = siret[:9]  # a SIRET starts with its SIREN (BR-FR-09)
    return PartyIds(siren=siren, siret=siret)


def nature(invoice: Invoice, lang: str) -> str | None:
    """Goods, services or mixed (decree 2022-1299), from the BT-23 billing mode's first letter (BR-FR-08); None
    when BT-23 does not say — a Chorus Pro billing frame (A1…) does not — rather than a guess printed as fact."""
    prefix = (invoice.process_type or "")[:1].upper()
    return labels(lang).get(f"nature_{prefix}") if prefix in ("B", "S", "M") else None


def delivery_differs(invoice: Invoice) -> bool:
    delivery = invoice.delivery.address if invoice.delivery else None
    return delivery is not None and address_lines(delivery) != address_lines(invoice.buyer.address)


def exemption_mentions(invoice: Invoice, lang: str) -> list[str]:
    """BT-120 (or a default wording for BT-121 / the category) for each exempt or reverse-charged VAT group."""
    words = labels(lang)
    mentions: list[str] = []
    for group in invoice.vat_breakdown:
        if group.category not in EXEMPT_CATEGORIES:
            continue
        text = group.exemption_reason or _VATEX.get((group.exemption_code or "").upper())
        text = text or words[f"vat_{group.category}"] + (f" ({group.exemption_code})" if group.exemption_code else "")
        if text not in mentions:
            mentions.append(text)
    return mentions


def legal_mentions(invoice: Invoice, lang: str) -> list[str]:
    """Late-payment penalties, the 40 € indemnity, discount terms and the VAT-on-debits option, in that order."""
    words = labels(lang)
    by_code = {note.subject_code: note.text for note in invoice.notes if note.text and note.subject_code}
    mentions = [by_code.get("PMD") or words["penalties"], by_code.get("PMT") or words["indemnity"]]
    mentions.append(by_code.get("AAB") or words["discount"])
    # The supplier's own wording of the option wins; BT-8 "invoice date" means VAT is due on invoicing (débits).
    said = [note.text for note in invoice.notes if note.text and _is_debits_option(note.text)]
    mentions += said or ([words["debits"]] if invoice.vat_point_code == "3" else [])
    return list(dict.fromkeys(mentions))


def free_notes(invoice: Invoice) -> list[str]:
    """The notes shown as such: not the legal ones (shown as mentions) nor technical routing notes."""
    hidden = LEGAL_NOTE_CODES | HIDDEN_NOTE_CODES
    return [
        note.text
        for note in invoice.notes
        if note.text and note.subject_code not in hidden and not _is_debits_option(note.text)
    ]


def _is_debits_option(text: str | None) -> bool:
    return text is not None and _DEBITS_NEEDLE in text.lower().replace("\u2019", "'")
