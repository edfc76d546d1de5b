"""When a public buyer must pay, and what it owes when it is late (Code de la commande publique).

The legal delay runs from the invoice's reception: 30 days for the State and local authorities, 60 for public
health bodies, 20 for some perishable-food contracts (R2192-10 to R2192-12) — 30 by default, overridable per
recipient SIRET. Late, the buyer owes interest at the ECB's main refinancing rate plus 8 points, pro rata
temporis, and a 40 € flat recovery indemnity (R2192-31 to R2192-33), whatever the contract says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pdp.platform.settings import Settings

PENALTY_POINTS = Decimal(8)
RECOVERY_INDEMNITY = Decimal("40.00")
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class LatePayment:
    days_late: int
    interest_rate: Decimal  # percent a year
    interest: Decimal
    indemnity: Decimal


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    default_days: int = 30
    overrides: dict[str, int] = field(default_factory=dict)
    reference_rate: Decimal = Decimal("2.15")  # ECB main refinancing operations, percent

    @classmethod
    def from_settings(cls, settings: Settings) -> PaymentTerms:
        overrides = {}
        for item in filter(None, (part.strip() for part in settings.payment_delay_overrides.split(","))):
            siret, _, days = item.partition("=")
            overrides[siret.strip()] = int(days)
        return cls(settings.payment_delay_days, overrides, Decimal(settings.late_interest_reference_rate))

    def expected_date(self, received: date, recipient_siret: str) -> date:
        return received + timedelta(days=self.overrides.get(recipient_siret, self.default_days))

    def late_payment(self, amount_due: Decimal, expected: date, today: date) -> LatePayment | None:
        """What the buyer owes on top of ``amount_due`` on ``today``; ``None`` while it is not late."""
        days = (today - expected).days
        if days <= 0:
            return None
        rate = self.reference_rate + PENALTY_POINTS
        interest = (amount_due * rate / 100 * days / 365).quantize(CENT, rounding=ROUND_HALF_UP)
        return LatePayment(days, rate, interest, RECOVERY_INDEMNITY)
