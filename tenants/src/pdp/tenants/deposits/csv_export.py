"""The invoice list as a CSV file that a spreadsheet opens as it is, written as it is read (never whole in memory).

French (the portal's default): ``;`` between cells (Excel's separator where the comma is the decimal mark), a
UTF-8 byte order mark (without it Excel reads UTF-8 as Windows-1252 and "Reçue" comes out as "ReÃ§ue"), amounts
with a decimal comma and no grouping (``1234,56``: a number to the spreadsheet, not text), dates ``dd/mm/yyyy``.
English: ``,``, decimal points and ISO dates.

Formula injection: a cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading one of those) is a formula to a spreadsheet, and the invoice number, the names
and the routing codes are text someone else typed. Such a text cell is written with a leading ``'``, which shows
the text as it is. Amounts and dates are written by pdp from numbers, so a credit note's ``-120,00`` stays a
number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import date
from decimal import Decimal

from pdp.tenants.deposits.listing import ExportRow

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The columns, their headers in French (the message ids the caller's ``translate`` turns into the page's language).
HEADERS = (
    "Numéro",
    "Type",
    "Fournisseur",
    "Date d'émission",
    "Date d'échéance",
    "Destinataire (SIRET)",
    "Destinataire",
    "Code service",
    "Numéro d'engagement",
    "Montant HT",
    "TVA",
    "Montant TTC",
    "Montant dû",
    "Devise",
    "Statut",
    "Statut Chorus Pro",
    "Paiement attendu le",
    "Déposée le",
    "Référence pdp",
)
TYPES = {"invoice": "Facture", "credit_note": "Avoir"}


def guarded(text: str | None) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _amount(value: Decimal, locale: str) -> str:
    shown = f"{value:.2f}"
    return shown.replace(".", ",") if locale == "fr" else shown


def _day(value: date | None, locale: str) -> str:
    if value is None:
        return ""
    return f"{value:%d/%m/%Y}" if locale == "fr" else value.isoformat()


def cells(
    row: ExportRow,
    *,
    locale: str,
    translate: Callable[[str], str],
    status_text: Callable[[str], str],
    provider_names: Mapping[str, str],
) -> list[str]:
    return [
        guarded(row.number),
        translate(TYPES.get(row.type, row.type)),
        guarded(provider_names.get(row.provider_id, row.provider_id)),
        _day(row.issue_date, locale),
        _day(row.due_date, locale),
        row.recipient_siret,
        guarded(row.recipient_name),
        guarded(row.service_code),
        guarded(row.engagement_number),
        _amount(row.total_excl_tax, locale),
        _amount(row.total_tax, locale),
        _amount(row.total_incl_tax, locale),
        _amount(row.amount_due, locale),
        row.currency,
        status_text(row.status),
        guarded(row.chorus_status),
        _day(row.expected_payment_date, locale),
        _day(row.created_at.date(), locale),
        row.id,
    ]


async def csv_chunks(
    batches: AsyncIterator[list[ExportRow]],
    *,
    locale: str,
    translate: Callable[[str], str],
    status_text: Callable[[str], str],
    provider_names: Mapping[str, str],
) -> AsyncIterator[bytes]:
    """The file, a chunk per batch: the BOM and the header line first (so an empty list is still a valid file)."""
    delimiter = ";" if locale == "fr" else ","

    def encoded(rows: list[list[str]]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        return buffer.getvalue().encode("utf-8")

    yield BOM.encode("utf-8") + encoded([[translate(header) for header in HEADERS]])
    async for batch in batches:
        yield encoded(
            [
                cells(
                    row,
                    locale=locale,
                    translate=translate,
                    status_text=status_text,
                    provider_names=provider_names,
                )
                for row in batch
            ]
        )
