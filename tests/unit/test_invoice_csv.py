"""The invoice list's CSV: a French spreadsheet opens it as it is (BOM, ';', decimal commas, dd/mm/yyyy), an
English one too (',', points, ISO dates), and a cell someone else typed never runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pdp.tenants.deposits.csv_export import HEADERS, csv_chunks, guarded
from pdp.tenants.deposits.listing import ExportRow
from pdp.web.portal.i18n import invoices, statuses
from pdp.web.portal.i18n.statuses import status_label

EN = {**invoices.EN, **statuses.EN}


def translate(text: str, locale: str) -> str:
    return EN.get(text, text) if locale == "en" else text


def row(**changes: object) -> ExportRow:
    fields: dict[str, object] = {
        "id": "inv_01JD0000000000000000000000",
        "provider_id": "prv_1",
        "number": "F-2026-001",
        "type": "invoice",
        "issue_date": date(2026, 3, 1),
        "due_date": None,
        "recipient_siret": "11000201100044",
        "service_code": "SERV01",
        "engagement_number": None,
        "currency": "EUR",
        "total_excl_tax": Decimal("1000.00"),
        "total_tax": Decimal("200.00"),
        "total_incl_tax": Decimal("1200.00"),
        "amount_due": Decimal("1200.00"),
        "status": "delivered",
        "chorus_status": "MISE_A_DISPOSITION",
        "expected_payment_date": date(2026, 4, 2),
        "created_at": datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        "recipient_name": "Ministère de l'Exemple",
        **changes,
    }
    return ExportRow(**fields)  # type: ignore[arg-type]


async def batches(*groups: list[ExportRow]) -> AsyncIterator[list[ExportRow]]:
    for group in groups:
        yield group


async def exported(locale: str, *groups: list[ExportRow]) -> bytes:
    chunks = csv_chunks(
        batches(*groups),
        locale=locale,
        translate=lambda text: translate(text, locale),
        status_text=lambda status: translate(status_label(status), locale),
        provider_names={"prv_1": "Atelier Dupont SARL"},
    )
    return b"".join([chunk async for chunk in chunks])


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil")', "+33", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_typed_cell_that_a_spreadsheet_would_run_is_shown_as_text(text: str) -> None:
    assert guarded(text) == "'" + text


def test_ordinary_text_is_left_alone() -> None:
    assert [guarded(t) for t in ("F-2026-001", "Mairie de Lyon", "", None)] == ["F-2026-001", "Mairie de Lyon", "", ""]


async def test_the_french_file() -> None:
    data = await exported("fr", [row()], [row(number="=1+1", type="credit_note", total_incl_tax=Decimal("-120.50"))])
    assert data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == list(HEADERS)
    first = dict(zip(lines[0], lines[1], strict=True))
    assert first["Montant TTC"] == "1200,00" and first["TVA"] == "200,00"
    assert first["Date d'émission"] == "01/03/2026" and first["Date d'échéance"] == ""
    assert first["Statut"] == "Mise à disposition" and first["Fournisseur"] == "Atelier Dupont SARL"
    assert first["Destinataire"] == "Ministère de l'Exemple" and first["Type"] == "Facture"
    second = dict(zip(lines[0], lines[2], strict=True))
    assert second["Numéro"] == "'=1+1" and second["Type"] == "Avoir"
    assert second["Montant TTC"] == "-120,50"  # a number pdp wrote stays a number
    assert data.count(b"\r\n") == 3


async def test_the_english_file() -> None:
    data = await exported("en", [row()])
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=","))
    assert lines[0] == [EN[header] for header in HEADERS]
    first = dict(zip(lines[0], lines[1], strict=True))
    assert first["Amount incl. VAT"] == "1200.00" and first["Issue date"] == "2026-03-01"
    assert first["Status"] == "Delivered to the buyer"


async def test_an_empty_list_is_still_a_file_with_its_header() -> None:
    data = await exported("fr")
    assert data.decode("utf-8-sig").splitlines() == [";".join(HEADERS)]
