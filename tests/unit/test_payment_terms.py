"""Public buyers' payment delays and late-payment interest (Code de la commande publique R2192-10 to -33)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pdp.platform.settings import load_settings
from pdp.tenants.deposits.payment_terms import PaymentTerms

HOSPITAL = "26330022100016"


def test_delays_run_from_reception_with_per_recipient_overrides() -> None:
    terms = PaymentTerms.from_settings(
        load_settings({}, payment_delay_overrides=f"{HOSPITAL}=60, 11001011300014 = 20", payment_delay_days=30)
    )
    received = date(2026, 11, 27)
    assert terms.expected_date(received, "11000201100044") == date(2026, 12, 27)
    assert terms.expected_date(received, HOSPITAL) == date(2027, 1, 26)
    assert terms.expected_date(received, "11001011300014") == date(2026, 12, 17)


def test_late_payment_is_ecb_rate_plus_8_points_pro_rata_and_40_euros() -> None:
    terms = PaymentTerms(reference_rate=Decimal("2.15"))
    assert terms.late_payment(Decimal("1542.60"), date(2026, 12, 27), date(2026, 12, 27)) is None  # due today
    late = terms.late_payment(Decimal("1542.60"), date(2026, 12, 27), date(2027, 1, 26))
    assert late is not None
    assert (late.days_late, late.interest_rate, late.indemnity) == (30, Decimal("10.15"), Decimal("40.00"))
    assert late.interest == Decimal("12.87")  # 1542.60 * 10.15 % * 30 / 365 = 12.869…
