"""The catalogue of rules pdp checks natively: official id → business term, severity, English and French text.

English texts paraphrase EN 16931-1 (the official schematron messages); French texts are pdp's own.
"""

from __future__ import annotations

from typing import NamedTuple

from pdp.einvoice.findings import Severity


class Text(NamedTuple):
    bt: str | None
    en: str
    fr: str
    severity: Severity = "error"


M = Text

MESSAGES: dict[str, Text] = {
    # Presence (EN 16931 core)
    "BR-01": M(
        "BT-24",
        "An invoice shall have a specification identifier.",
        "La facture doit avoir un identifiant de spécification (BT-24).",
    ),
    "BR-02": M("BT-1", "An invoice shall have an invoice number.", "La facture doit avoir un numéro."),
    "BR-03": M("BT-2", "An invoice shall have an issue date.", "La facture doit avoir une date d'émission."),
    "BR-04": M("BT-3", "An invoice shall have a type code.", "La facture doit avoir un code de type."),
    "BR-05": M("BT-5", "An invoice shall have a currency code.", "La facture doit avoir un code devise."),
    "BR-06": M("BT-27", "An invoice shall contain the seller name.", "La facture doit indiquer le nom du vendeur."),
    "BR-07": M("BT-44", "An invoice shall contain the buyer name.", "La facture doit indiquer le nom de l'acheteur."),
    "BR-08": M(
        "BG-5",
        "An invoice shall contain the seller postal address.",
        "La facture doit indiquer l'adresse postale du vendeur.",
    ),
    "BR-09": M(
        "BT-40",
        "The seller postal address shall contain a country code.",
        "L'adresse du vendeur doit comporter un code pays.",
    ),
    "BR-10": M(
        "BG-8",
        "An invoice shall contain the buyer postal address.",
        "La facture doit indiquer l'adresse postale de l'acheteur.",
    ),
    "BR-11": M(
        "BT-55",
        "The buyer postal address shall contain a country code.",
        "L'adresse de l'acheteur doit comporter un code pays.",
    ),
    "BR-12": M(
        "BT-106",
        "An invoice shall have the sum of invoice line net amounts.",
        "La facture doit indiquer la somme des montants nets des lignes.",
    ),
    "BR-13": M(
        "BT-109",
        "An invoice shall have the total amount without VAT.",
        "La facture doit indiquer le montant total hors TVA.",
    ),
    "BR-14": M(
        "BT-112", "An invoice shall have the total amount with VAT.", "La facture doit indiquer le montant total TTC."
    ),
    "BR-15": M(
        "BT-115", "An invoice shall have the amount due for payment.", "La facture doit indiquer le montant à payer."
    ),
    "BR-16": M(
        "BG-25", "An invoice shall have at least one invoice line.", "La facture doit comporter au moins une ligne."
    ),
    "BR-17": M(
        "BT-59",
        "The payee name shall be provided if the payee is not the seller.",
        "Le nom du bénéficiaire doit être indiqué s'il diffère du vendeur.",
    ),
    "BR-18": M(
        "BT-62",
        "The seller tax representative name shall be provided.",
        "Le nom du représentant fiscal du vendeur doit être indiqué.",
    ),
    "BR-19": M(
        "BG-12",
        "The seller tax representative postal address shall be provided.",
        "L'adresse du représentant fiscal doit être indiquée.",
    ),
    "BR-20": M(
        "BT-69",
        "The seller tax representative postal address shall contain a country code.",
        "L'adresse du représentant fiscal doit comporter un code pays.",
    ),
    "BR-21": M("BT-126", "Each invoice line shall have an identifier.", "Chaque ligne doit avoir un identifiant."),
    "BR-22": M(
        "BT-129", "Each invoice line shall have an invoiced quantity.", "Chaque ligne doit avoir une quantité facturée."
    ),
    "BR-23": M(
        "BT-130",
        "An invoiced quantity shall have a unit of measure code.",
        "La quantité facturée doit avoir une unité de mesure.",
    ),
    "BR-24": M("BT-131", "Each invoice line shall have a line net amount.", "Chaque ligne doit avoir un montant net."),
    "BR-25": M(
        "BT-153", "Each invoice line shall contain the item name.", "Chaque ligne doit indiquer le nom de l'article."
    ),
    "BR-26": M(
        "BT-146",
        "Each invoice line shall contain the item net price.",
        "Chaque ligne doit indiquer le prix net de l'article.",
    ),
    "BR-27": M("BT-146", "The item net price shall not be negative.", "Le prix net ne doit pas être négatif."),
    "BR-28": M("BT-148", "The item gross price shall not be negative.", "Le prix brut ne doit pas être négatif."),
    "BR-29": M(
        "BT-74",
        "The invoicing period end date shall be on or after its start date.",
        "La fin de la période de facturation doit suivre son début.",
    ),
    "BR-30": M(
        "BT-135",
        "The line period end date shall be on or after its start date.",
        "La fin de la période de ligne doit suivre son début.",
    ),
    "BR-31": M(
        "BT-92",
        "Each document level allowance shall have an amount.",
        "Chaque remise de pied de facture doit avoir un montant.",
    ),
    "BR-32": M(
        "BT-95",
        "Each document level allowance shall have a VAT category code.",
        "Chaque remise de pied de facture doit avoir une catégorie de TVA.",
    ),
    "BR-33": M(
        "BT-97",
        "Each document level allowance shall have a reason or a reason code.",
        "Chaque remise de pied de facture doit avoir un motif ou un code motif.",
    ),
    "BR-36": M(
        "BT-99",
        "Each document level charge shall have an amount.",
        "Chaque frais de pied de facture doit avoir un montant.",
    ),
    "BR-37": M(
        "BT-102",
        "Each document level charge shall have a VAT category code.",
        "Chaque frais de pied de facture doit avoir une catégorie de TVA.",
    ),
    "BR-38": M(
        "BT-104",
        "Each document level charge shall have a reason or a reason code.",
        "Chaque frais de pied de facture doit avoir un motif ou un code motif.",
    ),
    "BR-41": M(
        "BT-136", "Each line level allowance shall have an amount.", "Chaque remise de ligne doit avoir un montant."
    ),
    "BR-42": M(
        "BT-139",
        "Each line level allowance shall have a reason or a reason code.",
        "Chaque remise de ligne doit avoir un motif ou un code motif.",
    ),
    "BR-43": M(
        "BT-141", "Each line level charge shall have an amount.", "Chaque frais de ligne doit avoir un montant."
    ),
    "BR-44": M(
        "BT-144",
        "Each line level charge shall have a reason or a reason code.",
        "Chaque frais de ligne doit avoir un motif ou un code motif.",
    ),
    "BR-45": M(
        "BT-116",
        "Each VAT breakdown shall have a taxable amount.",
        "Chaque ventilation de TVA doit avoir une base imposable.",
    ),
    "BR-46": M(
        "BT-117",
        "Each VAT breakdown shall have a VAT amount.",
        "Chaque ventilation de TVA doit avoir un montant de TVA.",
    ),
    "BR-47": M(
        "BT-118",
        "Each VAT breakdown shall be defined by a VAT category code.",
        "Chaque ventilation de TVA doit avoir une catégorie.",
    ),
    "BR-48": M(
        "BT-119",
        "Each VAT breakdown shall have a VAT rate, except category O.",
        "Chaque ventilation de TVA doit avoir un taux, sauf la catégorie O.",
    ),
    "BR-49": M(
        "BT-81",
        "A payment instruction shall specify the payment means type code.",
        "Les instructions de paiement doivent indiquer le moyen de paiement.",
    ),
    "BR-50": M(
        "BT-84",
        "A payment account identifier shall be present for a credit transfer.",
        "L'identifiant du compte (IBAN) est obligatoire pour un virement.",
    ),
    "BR-51": M(
        "BT-87",
        "The last 4 to 6 digits of the payment card number shall be present.",
        "Les 4 à 6 derniers chiffres de la carte de paiement doivent être indiqués.",
    ),
    "BR-52": M(
        "BT-122",
        "Each additional supporting document shall contain a reference.",
        "Chaque pièce jointe doit avoir une référence.",
    ),
    "BR-53": M(
        "BT-111",
        "If a VAT accounting currency is given, the total VAT in that currency shall be given.",
        "Si une devise de comptabilisation de la TVA est indiquée, le total de TVA dans cette devise "
        "doit l'être aussi.",
    ),
    "BR-54": M(
        "BT-160",
        "Each item attribute shall have a name and a value.",
        "Chaque attribut d'article doit avoir un nom et une valeur.",
    ),
    "BR-55": M(
        "BT-25",
        "Each preceding invoice reference shall contain the preceding invoice number.",
        "Chaque référence à une facture antérieure doit en indiquer le numéro.",
    ),
    "BR-56": M(
        "BT-63",
        "Each seller tax representative shall have a VAT identifier.",
        "Le représentant fiscal doit avoir un numéro de TVA.",
    ),
    "BR-57": M(
        "BT-80",
        "Each deliver-to address shall contain a country code.",
        "L'adresse de livraison doit comporter un code pays.",
    ),
    "BR-61": M(
        "BT-84",
        "A payment account identifier shall be present for a credit transfer (codes 30, 58).",
        "L'IBAN est obligatoire pour un virement (codes 30, 58).",
    ),
    "BR-62": M(
        "BT-34",
        "The seller electronic address shall have a scheme identifier.",
        "L'adresse électronique du vendeur doit avoir un identifiant de schéma.",
    ),
    "BR-63": M(
        "BT-49",
        "The buyer electronic address shall have a scheme identifier.",
        "L'adresse électronique de l'acheteur doit avoir un identifiant de schéma.",
    ),
    "BR-64": M(
        "BT-157",
        "The item standard identifier shall have a scheme identifier.",
        "L'identifiant normalisé de l'article doit avoir un identifiant de schéma.",
    ),
    "BR-65": M(
        "BT-158",
        "The item classification identifier shall have a scheme identifier.",
        "La classification de l'article doit avoir un identifiant de schéma.",
    ),
    # Consistency (BR-CO)
    "BR-CO-03": M(
        "BT-7",
        "The VAT point date and the VAT point date code are mutually exclusive.",
        "La date et le code de date d'exigibilité de la TVA s'excluent mutuellement.",
    ),
    "BR-CO-04": M(
        "BT-151",
        "Each invoice line shall be categorised with an invoiced item VAT category code.",
        "Chaque ligne doit avoir une catégorie de TVA.",
    ),
    "BR-CO-09": M(
        "BT-31",
        "A VAT identifier shall start with an ISO 3166-1 country code (EL for Greece).",
        "Un numéro de TVA doit commencer par un code pays ISO 3166-1 (EL pour la Grèce).",
    ),
    "BR-CO-10": M(
        "BT-106",
        "Sum of invoice line net amounts = Σ invoice line net amounts.",
        "La somme des montants nets des lignes (BT-106) ne correspond pas aux lignes.",
    ),
    "BR-CO-11": M(
        "BT-107",
        "Sum of allowances on document level = Σ document level allowance amounts.",
        "La somme des remises (BT-107) ne correspond pas aux remises de pied de facture.",
    ),
    "BR-CO-12": M(
        "BT-108",
        "Sum of charges on document level = Σ document level charge amounts.",
        "La somme des frais (BT-108) ne correspond pas aux frais de pied de facture.",
    ),
    "BR-CO-13": M(
        "BT-109",
        "Invoice total without VAT = Σ line net amounts - allowances + charges.",
        "Le total HT (BT-109) doit égaler la somme des lignes - remises + frais.",
    ),
    "BR-CO-14": M(
        "BT-110",
        "Invoice total VAT amount = Σ VAT category tax amounts.",
        "Le total de TVA (BT-110) doit égaler la somme des montants de TVA par catégorie.",
    ),
    "BR-CO-15": M(
        "BT-112",
        "Invoice total with VAT = invoice total without VAT + invoice total VAT.",
        "Le total TTC (BT-112) doit égaler le total HT + le total de TVA.",
    ),
    "BR-CO-16": M(
        "BT-115",
        "Amount due for payment = total with VAT - paid amount + rounding amount.",
        "Le montant à payer (BT-115) doit égaler le TTC - acomptes + arrondi.",
    ),
    "BR-CO-17": M(
        "BT-117",
        "VAT category tax amount = VAT category taxable amount x rate / 100, rounded.",
        "Le montant de TVA par catégorie doit égaler base x taux / 100, arrondi.",
    ),
    "BR-CO-18": M(
        "BG-23",
        "An invoice shall have at least one VAT breakdown group.",
        "La facture doit comporter au moins une ventilation de TVA.",
    ),
    "BR-CO-19": M(
        "BG-14",
        "If the invoicing period is used, its start date or end date shall be filled.",
        "Si la période de facturation est indiquée, une date de début ou de fin est requise.",
    ),
    "BR-CO-20": M(
        "BG-26",
        "If the line period is used, its start date or end date shall be filled.",
        "Si la période de ligne est indiquée, une date de début ou de fin est requise.",
    ),
    "BR-CO-21": M(
        "BG-20",
        "Each document level allowance shall contain an allowance reason or an allowance reason code, or both.",
        "Chaque remise de pied de facture doit avoir un motif ou un code motif.",
    ),
    "BR-CO-22": M(
        "BG-21",
        "Each document level charge shall contain a charge reason or a charge reason code, or both.",
        "Chaque frais de pied de facture doit avoir un motif ou un code motif.",
    ),
    "BR-CO-23": M(
        "BG-27",
        "Each invoice line allowance shall contain an allowance reason or an allowance reason code, or both.",
        "Chaque remise de ligne doit avoir un motif ou un code motif.",
    ),
    "BR-CO-24": M(
        "BG-28",
        "Each invoice line charge shall contain a charge reason or a charge reason code, or both.",
        "Chaque frais de ligne doit avoir un motif ou un code motif.",
    ),
    "BR-CO-25": M(
        "BT-9",
        "If the amount due is positive, a payment due date or payment terms shall be present.",
        "Si le montant à payer est positif, une échéance ou des conditions de paiement sont requises.",
        "warning",  # no longer in the CEN artefacts: see deliberate.py (the caller may make it an error)
    ),
    "BR-CO-26": M(
        "BT-29",
        "The seller identifier, legal registration identifier or VAT identifier shall be present.",
        "L'identifiant, le numéro d'immatriculation ou le numéro de TVA du vendeur est requis.",
    ),
}

# VAT category rules BR-<cat>-01 … share their wording; only the category and a few specifics differ.
VAT_CATEGORIES = {
    "S": ("Standard rated", "taux normal"),
    "Z": ("Zero rated", "taux zéro"),
    "E": ("Exempt from VAT", "exonéré de TVA"),
    "AE": ("VAT reverse charge", "autoliquidation"),
    "K": ("Intra-community supply", "livraison intracommunautaire"),
    "G": ("Free export item, VAT not charged", "exportation hors UE"),
    "O": ("Not subject to VAT", "hors champ de la TVA"),
    "L": ("IGIC (Canary Islands general indirect tax)", "IGIC (Canaries)"),
    "M": ("IPSI (Ceuta and Melilla tax)", "IPSI (Ceuta et Melilla)"),
}
_VAT_RULES: dict[str, tuple[str | None, str, str]] = {
    "01": (
        "BG-23",
        "An invoice with {c} items, allowances or charges shall have the matching VAT breakdown.",
        "Une facture avec des éléments « {f} » doit comporter la ventilation de TVA correspondante.",
    ),
    "02": (
        "BT-31",
        "A {c} line requires the seller VAT identifier (or tax registration / representative).",
        "Une ligne « {f} » exige le numéro de TVA du vendeur (ou de son représentant fiscal).",
    ),
    "03": (
        "BT-31",
        "A {c} allowance requires the seller VAT identifier (or tax registration / representative).",
        "Une remise « {f} » exige le numéro de TVA du vendeur (ou de son représentant fiscal).",
    ),
    "04": (
        "BT-31",
        "A {c} charge requires the seller VAT identifier (or tax registration / representative).",
        "Des frais « {f} » exigent le numéro de TVA du vendeur (ou de son représentant fiscal).",
    ),
    "05": (
        "BT-152",
        "The VAT rate of a {c} line is not allowed for that category.",
        "Le taux de TVA d'une ligne « {f} » n'est pas permis pour cette catégorie.",
    ),
    "06": (
        "BT-96",
        "The VAT rate of a {c} allowance is not allowed for that category.",
        "Le taux de TVA d'une remise « {f} » n'est pas permis pour cette catégorie.",
    ),
    "07": (
        "BT-103",
        "The VAT rate of a {c} charge is not allowed for that category.",
        "Le taux de TVA de frais « {f} » n'est pas permis pour cette catégorie.",
    ),
    "08": (
        "BT-116",
        "The {c} taxable amount shall equal Σ line net amounts + charges - allowances of the category.",
        "La base « {f} » doit égaler la somme des lignes + frais - remises de la catégorie.",
    ),
    "09": (
        "BT-117",
        "The {c} VAT amount is wrong for that category.",
        "Le montant de TVA « {f} » est incorrect pour cette catégorie.",
    ),
    "10": (
        "BT-120",
        "The exemption reason of the {c} VAT breakdown is wrong (missing or not allowed).",
        "Le motif d'exonération de la ventilation « {f} » est incorrect (absent ou interdit).",
    ),
    "11": (
        "BG-23",
        "{c}: no other VAT breakdown is allowed, or the delivery date/period is missing.",
        "« {f} » : aucune autre ventilation n'est permise, ou la date/période de livraison manque.",
    ),
    "12": (
        "BT-80",
        "{c}: the deliver-to country code is missing, or another category is used on a line.",
        "« {f} » : le pays de livraison manque, ou une autre catégorie est utilisée sur une ligne.",
    ),
    "13": (
        "BT-95",
        "{c}: another VAT category is used on a document level allowance.",
        "« {f} » : une autre catégorie de TVA est utilisée sur une remise.",
    ),
    "14": (
        "BT-102",
        "{c}: another VAT category is used on a document level charge.",
        "« {f} » : une autre catégorie de TVA est utilisée sur des frais.",
    ),
}
# Category K's rules are BR-IC-* (intra-community) in EN 16931.
# L (IGIC) and M (IPSI) are BR-AF-* and BR-AG-*, with rules 01…10 only.
VAT_RULE_PREFIX = {
    "S": "BR-S",
    "Z": "BR-Z",
    "E": "BR-E",
    "AE": "BR-AE",
    "K": "BR-IC",
    "G": "BR-G",
    "O": "BR-O",
    "L": "BR-AF",
    "M": "BR-AG",
}
VAT_RULE_COUNT = {category: 10 if category in ("L", "M") else 14 for category in VAT_RULE_PREFIX}
for _category, (_name_en, _name_fr) in VAT_CATEGORIES.items():
    for _number, (_bt, _en, _fr) in _VAT_RULES.items():
        if int(_number) <= VAT_RULE_COUNT[_category]:
            MESSAGES[f"{VAT_RULE_PREFIX[_category]}-{_number}"] = Text(
                _bt, _en.format(c=_name_en), _fr.format(f=_name_fr)
            )
MESSAGES["BR-B-01"] = Text(
    "BT-151",
    "An invoice where the VAT category code is 'Split payment' (B) shall be a domestic Italian invoice.",
    "Une facture en catégorie « paiement scindé » (B) doit être une facture domestique italienne.",
)
MESSAGES["BR-B-02"] = Text(
    "BT-151",
    "An invoice with 'Split payment' (B) items shall not contain 'Standard rated' (S) items or breakdowns.",
    "Une facture en « paiement scindé » (B) ne peut pas comporter d'éléments au taux normal (S).",
)

_CODE_LISTS = {
    "BR-CL-01": ("BT-3", "UNTDID 1001 (invoice and credit note types)"),
    "BR-CL-03": ("BT-5", "ISO 4217 currencies"),
    "BR-CL-04": ("BT-5", "ISO 4217 currencies"),  # BR-CL-03 covers currencyID attributes
    "BR-CL-05": ("BT-6", "ISO 4217 currencies"),
    "BR-CL-06": ("BT-8", "UNTDID 2005 (3, 35, 432)"),
    "BR-CL-07": ("BT-18", "UNTDID 1153"),
    "BR-CL-08": ("BT-21", "UNTDID 4451 (note subjects)"),
    "BR-CL-10": ("BT-29", "ISO 6523 ICD"),
    "BR-CL-11": ("BT-30", "ISO 6523 ICD"),
    "BR-CL-13": ("BT-158", "UNTDID 7143"),
    "BR-CL-14": ("BT-40", "ISO 3166-1 countries"),
    "BR-CL-15": ("BT-159", "ISO 3166-1 countries"),
    "BR-CL-16": ("BT-81", "UNTDID 4461 payment means"),
    "BR-CL-17": ("BT-118", "UNTDID 5305 VAT categories"),
    "BR-CL-18": ("BT-151", "UNTDID 5305 VAT categories"),
    "BR-CL-19": ("BT-98", "UNTDID 5189 allowance reasons"),
    "BR-CL-20": ("BT-105", "UNTDID 7161 charge reasons"),
    "BR-CL-21": ("BT-157", "ISO 6523 ICD"),
    "BR-CL-22": ("BT-121", "VATEX exemption reasons"),
    "BR-CL-23": ("BT-130", "UN/ECE Recommendations 20 and 21 units"),
    "BR-CL-24": ("BT-125", "the allowed MIME types"),
    "BR-CL-25": ("BT-34", "the EAS electronic address schemes"),
    "BR-CL-26": ("BT-71", "ISO 6523 ICD"),
}
for _rule, (_bt, _list) in _CODE_LISTS.items():
    MESSAGES[_rule] = Text(_bt, f"The code is not in {_list}.", f"Le code n'appartient pas à la liste {_list}.")

_DECIMALS = {
    "BR-DEC-01": "BT-92",
    "BR-DEC-02": "BT-93",
    "BR-DEC-05": "BT-99",
    "BR-DEC-06": "BT-100",
    "BR-DEC-09": "BT-106",
    "BR-DEC-10": "BT-107",
    "BR-DEC-11": "BT-108",
    "BR-DEC-12": "BT-109",
    "BR-DEC-13": "BT-110",
    "BR-DEC-14": "BT-112",
    "BR-DEC-15": "BT-111",
    "BR-DEC-16": "BT-113",
    "BR-DEC-17": "BT-114",
    "BR-DEC-18": "BT-115",
    "BR-DEC-19": "BT-116",
    "BR-DEC-20": "BT-117",
    "BR-DEC-23": "BT-131",
    "BR-DEC-24": "BT-136",
    "BR-DEC-25": "BT-137",
    "BR-DEC-27": "BT-141",
    "BR-DEC-28": "BT-142",
}
for _rule, _bt in _DECIMALS.items():
    MESSAGES[_rule] = Text(
        _bt, f"The amount {_bt} shall have at most 2 decimals.", f"Le montant {_bt} doit avoir au plus 2 décimales."
    )
DECIMAL_RULES = _DECIMALS
