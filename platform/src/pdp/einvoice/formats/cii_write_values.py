"""CII writing at the element level: ``ram:`` elements with a value, and the parts the header and the lines share.

Used by :mod:`cii_write` (the header) and :mod:`cii_write_lines`. A value that is None writes nothing; decimals are
written in fixed-point notation and dates in format 102.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from pdp.einvoice.formats.cii_values import QDT, RAM, UDT
from pdp.einvoice.model import AllowanceCharge, Identifier, Period

_R = f"{{{RAM}}}"
_VAT = "VAT"

Element = Any


def _sub(parent: Element, name: str) -> Element:
    return etree.SubElement(parent, _R + name)


def _text(parent: Element, name: str, value: str | None, **attributes: str | None) -> Element | None:
    """``ram:<name>`` with ``value`` as text, or nothing when the value is None. None attributes are left out."""
    if value is None:
        return None
    element = etree.SubElement(parent, _R + name, {k: v for k, v in attributes.items() if v is not None})
    element.text = value
    return element


def _number(value: Decimal | None) -> str | None:
    # Fixed-point: str() would give "1E+2" for some values, which xs:decimal refuses.
    if value is None:
        return None
    # Never a negative zero ("-0.00", e.g. a 0 % tax on a negative base): the CEN CII artefact, run by Saxon, finds
    # it unequal to 0 (BR-AE-09, BR-CO-14…), although xs:decimal says it is zero.
    return format(value.copy_abs() if value.is_zero() else value, "f")


def _amount(parent: Element, name: str, value: Decimal | None, **attributes: str | None) -> None:
    _text(parent, name, _number(value), **attributes)


def _date(parent: Element, name: str, value: date | None, *, kind: str = "udt:DateTimeString") -> None:
    if value is None:
        return
    prefix, _, local = kind.partition(":")
    namespace = UDT if prefix == "udt" else QDT
    string = etree.SubElement(_sub(parent, name), f"{{{namespace}}}{local}", format="102")
    string.text = f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _indicator(parent: Element, is_charge: bool | None) -> None:
    if is_charge is None:
        return
    indicator = etree.SubElement(_sub(parent, "ChargeIndicator"), f"{{{UDT}}}Indicator")
    indicator.text = "true" if is_charge else "false"


def _identifiers(parent: Element, identifiers: list[Identifier]) -> None:
    """BT-29/46/60/71: scheme-less identifiers are ``ram:ID``; those with an ICD scheme follow as ``ram:GlobalID``."""
    for identifier in identifiers:
        if identifier.scheme is None:
            _text(parent, "ID", identifier.value)
    for identifier in identifiers:
        if identifier.scheme is not None:
            _text(parent, "GlobalID", identifier.value, schemeID=identifier.scheme)


def _period(parent: Element, period: Period | None) -> None:
    if period is None:
        return
    element = _sub(parent, "BillingSpecifiedPeriod")
    _date(element, "StartDateTime", period.start)
    _date(element, "EndDateTime", period.end)


def _allowance_charge(parent: Element, item: AllowanceCharge, *, document_level: bool) -> None:
    element = _sub(parent, "SpecifiedTradeAllowanceCharge")
    _indicator(element, item.is_charge)
    _amount(element, "CalculationPercent", item.percentage)
    _amount(element, "BasisAmount", item.base_amount)
    _amount(element, "ActualAmount", item.amount)
    _text(element, "ReasonCode", item.reason_code)
    _text(element, "Reason", item.reason)
    if document_level and (item.vat_category is not None or item.vat_rate is not None):
        tax = _sub(element, "CategoryTradeTax")
        _text(tax, "TypeCode", _VAT)
        _text(tax, "CategoryCode", item.vat_category)
        _amount(tax, "RateApplicablePercent", item.vat_rate)


def _reference(parent: Element, name: str, value: str | None, *, field: str = "IssuerAssignedID") -> None:
    if value is not None:
        _text(_sub(parent, name), field, value)
