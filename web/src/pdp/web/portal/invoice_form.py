"""The invoice form of the portal (« Créer une facture »), read from its fields into the API's JSON invoice.

The form is what ``POST /v1/invoices`` takes as JSON (docs/api.md, infra/examples/facture-demo.json), laid out for
a person: the seller is the provider (pdp adds its name, SIRET, VAT number and address, as for the API), the
buyer is a public recipient found by its SIRET, the lines carry a unit, a quantity, a unit price and a VAT rate.
What can be computed is computed by pdp's own code, never here: line amounts, the VAT breakdown and the totals
(:func:`pdp.einvoice.formats.json_input.compute_lines`, and ``to_invoice`` when the invoice is checked).

A field that cannot be read (an amount that is not a number) is named in French on the form; everything else is
judged by the validation the API runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pdp.einvoice.formats.json_input import JsonLine
from pdp.web.portal.invoice_query import parse_amount

MAX_LINES = 200
UNITS = {  # UN/ECE Recommendation 20 codes, as a supplier names them
    "C62": "unité",
    "HUR": "heure",
    "DAY": "jour",
    "MON": "mois",
    "LS": "forfait",
    "KGM": "kilogramme",
    "MTR": "mètre",
}
# VAT choices: "category:rate". E is the franchise en base of auto-entrepreneurs (no VAT, a mandatory mention).
VAT_CHOICES = {
    "S:20.00": "20 %",
    "S:10.00": "10 %",
    "S:5.50": "5,5 %",
    "S:2.10": "2,1 %",
    "E:0.00": "0 % — TVA non applicable (art. 293 B du CGI)",
}
FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"
LINK_FIELDS = {"remplace": "replaces_invoice_id", "avoir": "credits_invoice_id"}
TEXT_FIELDS = (
    "fournisseur",
    "numero",
    "date",
    "echeance",
    "type",
    "siret",
    "destinataire",
    "service",
    "engagement",
    "adresse",
    "code_postal",
    "ville",
    "iban",
    "bic",
    "conditions",
    "note",
    "lien",
    "lien_id",
    "facture_citee",
)


@dataclass
class LineValues:
    name: str = ""
    quantity: str = "1"
    unit: str = "C62"
    unit_price: str = ""
    vat: str = "S:20.00"

    @property
    def blank(self) -> bool:
        return not (self.name or self.unit_price)


@dataclass
class InvoiceFormValues:
    fields: dict[str, str]
    lines: list[LineValues] = field(default_factory=lambda: [LineValues()])

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


def read_values(form: Any) -> InvoiceFormValues:
    """The form's values (``form``: a multi-dict, the line fields repeated once per line)."""

    def text(name: str, limit: int = 500) -> str:
        value = form.get(name)
        return str(value).strip()[:limit] if isinstance(value, str) else ""

    def many(name: str) -> list[str]:
        return [str(v).strip()[:500] for v in form.getall(name, [])] if name in form else []

    columns = [many(name) for name in ("ligne_designation", "ligne_quantite", "ligne_unite", "ligne_prix", "ligne_tva")]
    count = min(max((len(c) for c in columns), default=0), MAX_LINES)
    lines = [
        LineValues(*(c[index] if index < len(c) else default for c, default in zip(columns, _DEFAULTS, strict=True)))
        for index in range(count)
    ]
    return InvoiceFormValues({name: text(name) for name in TEXT_FIELDS}, lines or [LineValues()])


_DEFAULTS = ("", "1", "C62", "", "S:20.00")


def _decimal(raw: str) -> Decimal | None:
    return parse_amount(raw) if raw else None


Problem = tuple[str, dict[str, Any]]  # a French message id and its placeholders' values


def json_lines(values: InvoiceFormValues) -> tuple[list[JsonLine], list[Problem]]:
    """The lines as the JSON invoice has them, and the French problems of those that cannot be read."""
    lines: list[JsonLine] = []
    problems: list[Problem] = []
    for number, line in enumerate(values.lines, start=1):
        if line.blank:
            continue
        quantity, price = _decimal(line.quantity), _decimal(line.unit_price)
        category, _, rate = (line.vat if line.vat in VAT_CHOICES else "S:20.00").partition(":")
        if not line.name:
            problems.append(("Ligne {number} : indiquez ce qui est facturé (désignation).", {"number": number}))
        if quantity is None:
            problems.append(("Ligne {number} : la quantité doit être un nombre.", {"number": number}))
        if price is None:
            problems.append(
                ("Ligne {number} : le prix unitaire doit être un montant (par exemple 450,00).", {"number": number})
            )
        if not line.name or quantity is None or price is None:
            continue
        lines.append(
            JsonLine(
                name=line.name,
                quantity=quantity,
                unit_price=price,
                vat_rate=Decimal(rate),
                vat_category=category,  # type: ignore[arg-type]  # one of VAT_CHOICES' categories
                unit=line.unit if line.unit in UNITS else "C62",
                exemption_reason=FRANCHISE_MENTION if category == "E" else None,
            )
        )
    if not lines and not problems:
        problems.append(("Ajoutez au moins une ligne : ce que vous facturez, sa quantité et son prix.", {}))
    return lines, problems


REQUIRED = {
    "numero": "Indiquez le numéro de la facture.",
    "date": "Indiquez la date d'émission de la facture.",
    "siret": "Indiquez le SIRET du destinataire.",
}
DATES = {
    "date": "La date d'émission n'est pas une date.",
    "echeance": "La date d'échéance n'est pas une date.",
}


def json_body(values: InvoiceFormValues, provider_id: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The body ``POST /v1/invoices`` would take for this form, or the French problems that stop it."""
    lines, problems = json_lines(values)
    problems += [(message, {}) for name, message in REQUIRED.items() if not values.get(name)]
    for name, message in DATES.items():
        if values.get(name):
            try:
                date.fromisoformat(values.get(name))
            except ValueError:
                problems.append((message, {}))
    if problems:
        return None, problems
    kind = "credit_note" if values.get("type") == "avoir" else "invoice"
    body: dict[str, Any] = {
        "provider_id": provider_id,
        "number": values.get("numero"),
        "issue_date": values.get("date"),
        "type": kind,
        "recipient": _recipient(values),
        "lines": [_line_json(line) for line in lines],
    }
    if values.get("echeance"):
        body["due_date"] = values.get("echeance")
    if values.get("conditions"):
        body["payment_terms"] = values.get("conditions")
    if values.get("note"):
        body["notes"] = [values.get("note")]
    if kind == "invoice":
        iban = values.get("iban").replace(" ", "")
        body["payment"] = {"means_code": "30", **({"iban": iban} if iban else {})}
        if values.get("bic"):
            body["payment"]["bic"] = values.get("bic")
    if values.get("facture_citee"):
        body["preceding_invoice"] = {"number": values.get("facture_citee")}
    link = LINK_FIELDS.get(values.get("lien"))
    if link and values.get("lien_id"):
        body[link] = values.get("lien_id")
    return body, []


def _recipient(values: InvoiceFormValues) -> dict[str, Any]:
    recipient: dict[str, Any] = {
        "siret": values.get("siret").replace(" ", ""),
        "name": values.get("destinataire") or values.get("siret"),
    }
    if values.get("service"):
        recipient["service_code"] = values.get("service")
    if values.get("engagement"):
        recipient["engagement_number"] = values.get("engagement")
    if values.get("adresse") or values.get("ville"):
        recipient["address"] = {
            "line1": values.get("adresse") or None,
            "postal_code": values.get("code_postal") or None,
            "city": values.get("ville") or None,
        }
    return recipient


def _line_json(line: JsonLine) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "name": line.name,
        "quantity": str(line.quantity),
        "unit": line.unit,
        "unit_price": str(line.unit_price),
        "vat_rate": str(line.vat_rate),
        "vat_category": line.vat_category,
    }
    if line.exemption_reason:
        shown["exemption_reason"] = line.exemption_reason
    return shown
