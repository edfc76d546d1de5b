"""Amounts, dates and times as each language writes them (no locale database: two languages, a few rules).

French: ``1 234,56 €`` (narrow no-break space between thousands, no-break space before the symbol),
``12 mars 2026``; English: ``€1,234.56``, ``12 March 2026``. Times are shown in Paris time, the time of the
French public buyers and of Chorus Pro.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
SYMBOLS = {"EUR": "€"}
MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def format_amount(value: Decimal | int | str, currency: str, locale: str) -> str:
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,.2f}"  # 1,234.56
    symbol = SYMBOLS.get(currency)
    if locale == "en":
        return f"{sign}{symbol}{grouped}" if symbol else f"{sign}{grouped} {currency}"
    whole, cents = grouped.split(".")
    return f"{sign}{whole.replace(',', NARROW_NBSP)},{cents}{NBSP}{symbol or currency}"


def format_date(value: date | None, locale: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    month = MONTHS.get(locale, MONTHS["fr"])[value.month - 1]
    day = "1er" if locale == "fr" and value.day == 1 else str(value.day)
    return f"{day} {month} {value.year}"


def format_datetime(value: datetime | None, locale: str) -> str:
    if value is None:
        return ""
    local = value.astimezone(PARIS)
    time = f"{local:%H:%M}" if locale == "en" else f"{local:%H} h {local:%M}"
    return (
        f"{format_date(local.date(), locale)}, {time}"
        if locale == "en"
        else f"{format_date(local.date(), locale)} à {time}"
    )
