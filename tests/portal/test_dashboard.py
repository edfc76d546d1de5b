"""The dashboard's figures, for invoices seeded in known statuses, amounts and dates: counts by status, what is
awaited, what is due within 30 days, what is late with its interest and indemnity, what waits for an action — and
a user of provider X never sees provider Y's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp.platform import clock
from pdp.platform.callers import PortalRole
from tests.conftest import TenantFixture
from tests.journeys import new_provider
from tests.portal.accounts import portal_user, set_up_code, sign_in
from tests.portal.invoices import days, invoice_row, pending_mandate, seed

TODAY = date(2026, 6, 15)
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def frozen_today() -> Iterator[date]:
    """TODAY, once ``freeze()`` is called (after the setup: the archive refuses a retention already past)."""
    yield TODAY
    clock.set_clock(None)


def freeze() -> None:
    clock.set_clock(lambda: datetime(2026, 6, 15, 12, 0, tzinfo=UTC))


def figure(page: Any, figure_id: str) -> str:
    found = re.search(rf'id="{figure_id}">\s*<dt>(.*?)</dt>\s*<dd>(.*?)</dd>', page.text, re.DOTALL)
    assert found, f"no figure {figure_id}"
    return f"{found.group(1).strip()} = {found.group(2).strip()}"


def statuses(page: Any) -> dict[str, int]:
    return {s: int(n) for s, n in re.findall(r'data-status="(\w+)">[^<]*<strong>(\d+)</strong>', page.text)}


def listed(page: Any, section: str) -> set[str]:
    block = page.text.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return set(re.findall(r'data-invoice="(inv_\w+)"', block))


async def test_the_figures_of_a_providers_invoices(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], frozen_today: date
) -> None:
    mine, theirs = await new_provider(client, tenant), await new_provider(client, tenant)
    x, y = mine["id"], theirs["id"]
    mandate_x, mandate_y = await pending_mandate(client, tenant, x), await pending_mandate(client, tenant, y)
    today = frozen_today
    rows = {
        "due_in_10_days": invoice_row(x, mandate_x, "delivered", "1000.00", days(10, today)),
        "due_in_25_days": invoice_row(x, mandate_x, "in_process", "2500.50", days(25, today)),
        "due_in_47_days": invoice_row(x, mandate_x, "approved", "300.00", days(47, today)),
        "late_30_days": invoice_row(x, mandate_x, "delivered", "1200.00", days(-30, today)),
        "late_5_days_suspended": invoice_row(x, mandate_x, "suspended", "500.00", days(-5, today)),
        "paid": invoice_row(x, mandate_x, "payment_sent", "800.00", days(-40, today)),
        "rejected": invoice_row(x, mandate_x, "rejected", "100.00", None),
        "rejected_replaced": invoice_row(x, mandate_x, "rejected", "150.00", None),
        "failed": invoice_row(x, mandate_x, "failed", "50.00", None),
        "to_recycle": invoice_row(x, mandate_x, "to_recycle", "75.00", None),
        "other_providers": invoice_row(y, mandate_y, "delivered", "99999.00", days(-60, today)),
    }
    replacement = invoice_row(
        x, mandate_x, "queued", "150.00", None,
        original_invoice_id=rows["rejected_replaced"].id, relation="replaces",
    )  # fmt: skip
    await seed(sessionmaker, tenant.id, [*rows.values(), replacement])
    freeze()
    person = await portal_user(sessionmaker, tenant.id, {x: PortalRole.VIEWER})
    await sign_in(client, person)

    page = await client.get(f"{person.base}/")
    assert page.status_code == 200, page.text
    assert statuses(page) == {
        "queued": 1, "delivered": 2, "in_process": 1, "suspended": 1, "to_recycle": 1,
        "approved": 1, "payment_sent": 1, "rejected": 2, "failed": 1,
    }  # fmt: skip
    assert "Factures par statut (11 au total)" in page.text
    # Awaited: delivered, in process, approved and suspended (the buyer has them and has not paid).
    assert figure(page, "figure-awaiting") == f"En attente de paiement (5 factures) = 5{NNBSP}500,50{NBSP}€"
    assert figure(page, "figure-due-soon") == (
        f"Paiements attendus dans les 30 jours (2 factures) = 3{NNBSP}500,50{NBSP}€"
    )
    assert figure(page, "figure-overdue") == f"En retard de paiement (2 factures) = 1{NNBSP}700,00{NBSP}€"
    # Interest at 2.15 + 8 = 10.15 % a year: 1200 x 10.15 % x 30/365 = 10.01; 500 x 10.15 % x 5/365 = 0.70.
    assert figure(page, "figure-late-charges") == (
        f"Intérêts de retard et indemnités dus = 10,71{NBSP}€ + 80,00{NBSP}€"
    )
    assert listed(page, "overdue") == {rows["late_30_days"].id, rows["late_5_days_suspended"].id}
    to_act_on = {rows[k].id for k in ("late_5_days_suspended", "rejected", "failed", "to_recycle")}
    assert listed(page, "to-act-on") == to_act_on  # the rejected invoice already replaced is not there
    assert "Factures à traiter (4)" in page.text
    for invoice_id in to_act_on:  # each one a step away from its page
        assert f'href="{person.base}/factures/{invoice_id}"' in page.text
    assert "99" + NNBSP + "999" not in page.text and rows["other_providers"].id not in page.text


async def test_a_user_of_several_providers_sees_them_all_or_the_one_chosen(
    client: Any, tenant: TenantFixture, sessionmaker: async_sessionmaker[AsyncSession], frozen_today: date
) -> None:
    first, second, stranger = [await new_provider(client, tenant) for _ in range(3)]
    rows = []
    for provider, amount in ((first, "100.00"), (second, "20.00"), (stranger, "3.00")):
        mandate = await pending_mandate(client, tenant, provider["id"])
        rows.append(invoice_row(provider["id"], mandate, "delivered", amount, days(5, frozen_today)))
    await seed(sessionmaker, tenant.id, rows)
    freeze()
    person = await portal_user(
        sessionmaker, tenant.id, {first["id"]: PortalRole.ADMIN, second["id"]: PortalRole.VIEWER}
    )
    await set_up_code(client, person, await sign_in(client, person))

    both = await client.get(f"{person.base}/")
    assert "Tous mes fournisseurs (2)" in both.text
    assert figure(both, "figure-awaiting") == f"En attente de paiement (2 factures) = 120,00{NBSP}€"

    switch = await client.get(f"{person.base}/")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', switch.text)
    assert token
    chosen = await client.post(
        f"{person.base}/fournisseur",
        data={"_csrf_token": token.group(1), "fournisseur": second["id"], "suite": f"{person.base}/"},
    )
    assert chosen.status_code == 200  # followed to the dashboard
    assert figure(chosen, "figure-awaiting") == f"En attente de paiement (1 facture) = 20,00{NBSP}€"

    # A provider the user does not belong to, chosen by hand: ignored, never shown.
    client.cookies.set("pdp_provider", stranger["id"], path=person.base)
    forged = await client.get(f"{person.base}/")
    assert figure(forged, "figure-awaiting") == f"En attente de paiement (2 factures) = 120,00{NBSP}€"
