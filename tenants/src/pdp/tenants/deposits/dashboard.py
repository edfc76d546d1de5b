"""The portal's dashboard: where a supplier's invoices stand, in figures. Callers own the transaction.

For the providers in view (the signed-in user's, or the one chosen): invoices per status; the amount the public
buyers still owe (invoices received and not yet paid); what they should pay over the next 30 days (by the legal
delay); the invoices paid late, with the interest and the 40 € flat indemnity the law adds (computed by
:mod:`pdp.tenants.deposits.payment_terms`, the API's own computation); and the invoices that wait for the
supplier (suspended, sent back, rejected and not replaced yet, failed). The figures come from aggregate SQL
(:mod:`pdp.tenants.deposits.figures`), never from a loop over every invoice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from pdp.tenants.deposits.figures import InvoiceFigures, InvoiceLine
from pdp.tenants.deposits.lifecycle import AWAITING_PAYMENT, STATUSES
from pdp.tenants.deposits.payment_terms import LatePayment, PaymentTerms

HORIZON_DAYS = 30
TO_ACT_ON = ("suspended", "to_recycle", "rejected", "failed", "stalled")
LISTED = 10  # lines of each list on the page; the counts are of all


@dataclass(frozen=True, slots=True)
class Overdue:
    invoice: InvoiceLine
    late: LatePayment


@dataclass
class Dashboard:
    by_status: dict[str, int]  # every status with at least one invoice, in lifecycle order
    awaiting_payment: dict[str, Decimal]  # currency → amount due
    awaiting_count: int
    due_soon: dict[str, Decimal]  # currency → expected within HORIZON_DAYS
    due_soon_count: int
    overdue: list[Overdue]  # the longest overdue first, at most LISTED
    overdue_count: int
    overdue_amount: dict[str, Decimal]
    late_interest: dict[str, Decimal]  # currency → interest owed on the day
    indemnities: Decimal  # 40 € per overdue invoice
    to_act_on: list[InvoiceLine]
    to_act_on_count: int
    horizon_days: int = HORIZON_DAYS
    total: int = field(init=False)

    def __post_init__(self) -> None:
        self.total = sum(self.by_status.values())


async def dashboard(session: AsyncSession, providers: Collection[str], terms: PaymentTerms, today: date) -> Dashboard:
    figures = InvoiceFigures(session)
    groups = await figures.by_status(providers, today, today + timedelta(days=HORIZON_DAYS))
    by_status: dict[str, int] = defaultdict(int)
    awaiting: dict[str, Decimal] = defaultdict(Decimal)
    due_soon: dict[str, Decimal] = defaultdict(Decimal)
    awaiting_count = due_soon_count = 0
    for group in groups:
        by_status[group.status] += group.count
        if group.status in AWAITING_PAYMENT:
            awaiting[group.currency] += group.amount_due
            awaiting_count += group.count
            due_soon[group.currency] += group.due_soon_amount
            due_soon_count += group.due_soon_count

    late_interest: dict[str, Decimal] = defaultdict(Decimal)
    overdue_amount: dict[str, Decimal] = defaultdict(Decimal)
    overdue: list[Overdue] = []
    for line in await figures.overdue(providers, AWAITING_PAYMENT, today):
        assert line.expected_payment_date is not None  # the query's condition
        late = terms.late_payment(line.amount_due, line.expected_payment_date, today)
        if late is None:
            continue
        overdue.append(Overdue(line, late))
        late_interest[line.currency] += late.interest
        overdue_amount[line.currency] += line.amount_due
    indemnities = sum((o.late.indemnity for o in overdue), Decimal("0.00"))

    waiting, to_act_on = await figures.to_act_on(providers, TO_ACT_ON, LISTED)
    return Dashboard(
        by_status={status: by_status[status] for status in STATUSES if by_status.get(status)},
        awaiting_payment=dict(awaiting),
        awaiting_count=awaiting_count,
        due_soon=dict(due_soon),
        due_soon_count=due_soon_count,
        overdue=overdue[:LISTED],
        overdue_count=len(overdue),
        overdue_amount=dict(overdue_amount),
        late_interest=dict(late_interest),
        indemnities=indemnities,
        to_act_on=to_act_on,
        to_act_on_count=waiting,
    )
