"""The invoice list's query string, as a supplier's browser sends it: read leniently, echoed back to the form.

The filter form is a plain ``GET`` form (htmx only swaps the table in place), so its fields come back as text:
dates from ``<input type="date">``, amounts typed the French way ("1 234,50") or the English way. A value that
cannot be read does not filter and is named on the page, rather than answering an error for the whole list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from pdp.platform import ids
from pdp.tenants.deposits.lifecycle import STATUSES
from pdp.tenants.deposits.listing import InvoiceFilters

PAGE_SIZE = 25
# The form's field names (French, as the page's URL shows them) → what they filter.
FIELDS = ("statut", "du", "au", "destinataire", "montant_min", "montant_max", "numero", "fournisseur")
MAX_TEXT = 100


@dataclass
class ListQuery:
    filters: InvoiceFilters
    values: dict[str, str]  # what the form shows back
    problems: list[str] = field(default_factory=list)  # French message ids of the values that were ignored
    starting_after: str | None = None

    def url_query(self, **changes: str | None) -> str:
        """This query as a URL query string, with ``changes`` (None removes a field)."""
        merged: dict[str, str | None] = {**self.values, **changes}
        return urlencode({k: v for k, v in merged.items() if v})


def _text(params: Any, name: str) -> str:
    value = params.get(name) or ""
    return str(value).strip()[:MAX_TEXT]


def _date(raw: str, problems: list[str], message: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(message)
        return None


def parse_amount(raw: str) -> Decimal | None:
    """``1 234,50``, ``1234.50`` or ``1,234.50`` → Decimal; None when it is not an amount."""
    compact = raw.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("€", "")
    if "," in compact and "." in compact:
        compact = compact.replace(",", "")  # 1,234.50
    compact = compact.replace(",", ".")
    try:
        value = Decimal(compact)
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < Decimal(10) ** 13 else None


def _amount(raw: str, problems: list[str], message: str) -> Decimal | None:
    if not raw:
        return None
    value = parse_amount(raw)
    if value is None:
        problems.append(message)
    return value


def parse_query(params: Any, providers_in_view: frozenset[str], every_provider: frozenset[str]) -> ListQuery:
    """The filters of the list page's query string; ``providers_in_view`` unless it names one of the user's."""
    values = {name: _text(params, name) for name in FIELDS}
    problems: list[str] = []
    status = values["statut"] if values["statut"] in STATUSES else None
    if values["statut"] and status is None:
        problems.append("Ce statut n'existe pas : le filtre par statut est ignoré.")
        values["statut"] = ""
    providers = providers_in_view
    if values["fournisseur"]:
        if values["fournisseur"] in every_provider:
            providers = frozenset({values["fournisseur"]})
        else:
            values["fournisseur"] = ""
    after = _text(params, "apres")
    filters = InvoiceFilters(
        providers=providers,
        status=status,
        issued_from=_date(values["du"], problems, "La date « du » n'est pas une date : ce filtre est ignoré."),
        issued_until=_date(values["au"], problems, "La date « au » n'est pas une date : ce filtre est ignoré."),
        recipient=values["destinataire"] or None,
        amount_min=_amount(
            values["montant_min"], problems, "Le montant minimum n'est pas un montant : ce filtre est ignoré."
        ),
        amount_max=_amount(
            values["montant_max"], problems, "Le montant maximum n'est pas un montant : ce filtre est ignoré."
        ),
        number=values["numero"] or None,
    )
    return ListQuery(filters, values, problems, after if ids.is_well_formed(after) else None)
