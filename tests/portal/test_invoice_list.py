"""« Factures »: a provider's invoices filtered (status, dates, recipient by SIRET or name, amounts, number),
newest first, page by page without OFFSET, the table alone for htmx, and the CSV of every invoice the filters
match — never another provider's."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp.platform.callers import PortalRole
from tests.conftest import TenantFixture
from tests.factories import siret
from tests.journeys import new_provider
from tests.portal.invoice_steps import directory_entry, listed_invoices, row, signed_in
from tests.portal.invoices import pending_mandate, seed


async def _two_providers(client: Any, tenant: TenantFixture) -> tuple[str, str, str, str]:
    mine, theirs = await new_provider(client, tenant), await new_provider(client, tenant)
    return (
        mine["id"],
        await pending_mandate(client, tenant, mine["id"]),
        theirs["id"],
        await pending_mandate(client, tenant, theirs["id"]),
    )


async def test_the_filters_of_the_list(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    x, mandate_x, y, mandate_y = await _two_providers(client, tenant)
    mairie, musee = siret(), siret()
    await directory_entry(owner_engine, mairie, "Mairie de Villeurbanne")
    march, april, may, town = date(2026, 3, 2), date(2026, 4, 1), date(2026, 5, 9), mairie
    rows = {
        "paid_march": row(x, mandate_x, "paid", "1200.00", number="F-26-031", issue_date=march, recipient_siret=town),
        "paid_may": row(x, mandate_x, "paid", "80.00", number="F-2026-051", issue_date=may, recipient_siret=musee),
        "rejected": row(x, mandate_x, "rejected", "450.50", number="AV-26-7", issue_date=april, recipient_siret=town),
        "theirs": row(y, mandate_y, "paid", "1200.00", number="F-2026-032", issue_date=march, recipient_siret=town),
    }
    await seed(sessionmaker, tenant.id, list(rows.values()))
    person = await signed_in(client, sessionmaker, tenant.id, {x: PortalRole.VIEWER})
    ids = {name: row.id for name, row in rows.items()}

    async def shown(**query: str) -> list[str]:
        page = await client.get(f"{person.base}/factures", params=query)
        assert page.status_code == 200, page.text
        return [name for invoice_id in listed_invoices(page) for name, i in ids.items() if i == invoice_id]

    assert await shown() == ["rejected", "paid_may", "paid_march"]  # newest first (by deposit); never Y's
    assert await shown(statut="paid") == ["paid_may", "paid_march"]
    assert await shown(du="2026-03-15", au="2026-04-30") == ["rejected"]
    assert await shown(destinataire=mairie[:9] + " " + mairie[9:]) == ["rejected", "paid_march"]
    assert await shown(destinataire="villeurb") == ["rejected", "paid_march"]  # the directory's name, any case
    assert await shown(montant_min="100", montant_max="1 000,00") == ["rejected"]
    assert await shown(numero="av-26") == ["rejected"]
    assert await shown(numero="%") == []  # a wildcard is a character like any other
    assert await shown(fournisseur=y) == ["rejected", "paid_may", "paid_march"]  # not one of the user's: ignored

    refused = await client.get(f"{person.base}/factures", params={"montant_min": "beaucoup", "statut": "perdu"})
    assert refused.status_code == 200
    assert "Le montant minimum n&#39;est pas un montant" in refused.text
    assert "Ce statut n&#39;existe pas" in refused.text
    assert len(listed_invoices(refused)) == 3

    detail_of_theirs = await client.get(f"{person.base}/factures/{ids['theirs']}")
    assert detail_of_theirs.status_code == 404

    both = await signed_in(client, sessionmaker, tenant.id, {x: PortalRole.VIEWER, y: PortalRole.DEPOSITOR})
    assert both.id != person.id
    assert len(await shown()) == 4  # a person of both providers sees both, with a provider filter
    assert await shown(fournisseur=y) == ["theirs"]
    assert 'id="f-fournisseur"' in (await client.get(f"{person.base}/factures")).text


async def test_htmx_gets_the_results_alone_and_a_browser_the_whole_page(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    x, mandate_x, _, _ = await _two_providers(client, tenant)
    await seed(sessionmaker, tenant.id, [row(x, mandate_x, "queued", "10.00")])
    person = await signed_in(client, sessionmaker, tenant.id, {x: PortalRole.VIEWER})
    whole = await client.get(f"{person.base}/factures", params={"statut": "queued"})
    assert "<html" in whole.text and 'id="resultats"' in whole.text and 'method="get"' in whole.text
    partial = await client.get(
        f"{person.base}/factures",
        params={"statut": "queued"},
        headers={"HX-Request": "true", "HX-Target": "resultats"},
    )
    assert partial.status_code == 200 and "<html" not in partial.text and "<form" not in partial.text
    assert listed_invoices(partial) == listed_invoices(whole) and len(listed_invoices(partial)) == 1
    assert "statut=queued" in partial.text  # the export link follows the filters


async def test_pages_follow_each_other_without_gaps_or_repeats(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    x, mandate_x, _, _ = await _two_providers(client, tenant)
    rows = [row(x, mandate_x, "delivered", f"{n}.00", number=f"P-{n:03}") for n in range(1, 31)]
    await seed(sessionmaker, tenant.id, rows)
    person = await signed_in(client, sessionmaker, tenant.id, {x: PortalRole.VIEWER})
    first = await client.get(f"{person.base}/factures")
    assert "30 factures" in first.text and len(listed_invoices(first)) == 25
    last_id = listed_invoices(first)[-1]
    assert f"apres={last_id}" in first.text
    second = await client.get(f"{person.base}/factures", params={"apres": last_id})
    assert len(listed_invoices(second)) == 5 and "Factures plus anciennes" not in second.text
    assert sorted(listed_invoices(first) + listed_invoices(second)) == sorted(r.id for r in rows)


async def test_the_csv_holds_every_matching_invoice_for_a_french_spreadsheet(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], owner_engine: AsyncEngine
) -> None:
    x, mandate_x, y, mandate_y = await _two_providers(client, tenant)
    hostile = siret()
    await directory_entry(owner_engine, hostile, "@SUM(1+1)*cmd")
    rows = [row(x, mandate_x, "paid", f"{n}.50", number=f"C-{n:03}") for n in range(1, 31)]
    rows.append(row(x, mandate_x, "paid", "99.99", number='=HYPERLINK("x")', recipient_siret=hostile))
    rows.append(row(x, mandate_x, "rejected", "5.00", number="R-001"))
    rows.append(row(y, mandate_y, "paid", "7.00", number="THEIRS-1"))
    await seed(sessionmaker, tenant.id, rows)
    person = await signed_in(client, sessionmaker, tenant.id, {x: PortalRole.VIEWER})

    answer = await client.get(f"{person.base}/factures/export.csv", params={"statut": "paid"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith('attachment; filename="factures-')
    assert answer.content.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert len(table) == 31  # every paid invoice of X, more than a page; neither the rejected one nor Y's
    numbers = {line["Numéro"] for line in table}
    assert "R-001" not in numbers and "THEIRS-1" not in numbers
    assert '\'=HYPERLINK("x")' in numbers
    poisoned = next(line for line in table if line["Numéro"].startswith("'="))
    assert poisoned["Destinataire"] == "'@SUM(1+1)*cmd" and poisoned["Montant TTC"] == "99,99"
    assert {Decimal(line["Montant TTC"].replace(",", ".")) for line in table} >= {Decimal("1.50"), Decimal("30.50")}
    assert {line["Statut"] for line in table} == {"Payée"}

    english = await client.get(
        f"{person.base}/factures/export.csv", params={"numero": "C-001"}, headers={"Accept-Language": "en"}
    )
    # The account's language (French) wins over the browser's.
    assert english.content.decode("utf-8-sig").splitlines()[0].startswith("Numéro;")
