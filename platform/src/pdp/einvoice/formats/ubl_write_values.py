"""UBL 2.1 writing at the element level: the lexical form of values, and the aggregates written in several places.

Used by :mod:`ubl_write` (the document) and :mod:`ubl_write_lines`. A value that is None writes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from pdp.einvoice.formats.ubl_values import CAC, CBC, VAT_SCHEME
from pdp.einvoice.model import Address, Contact, Identifier

A, B = CAC, CBC

Value = str | Decimal | date | None


def _lexical(value: str | Decimal | date) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")  # plain notation, scale kept: never "1E+2", which xsd:decimal refuses
    if isinstance(value, date):
        return value.isoformat()
    return value


def _el(parent: Any, tag: str, **attributes: str | None) -> Any:
    element = etree.SubElement(parent, tag)
    for name, value in attributes.items():
        if value is not None:
            element.set(name, value)
    return element


def _leaf(parent: Any, tag: str, value: Value, **attributes: str | None) -> None:
    if value is not None:
        _el(parent, tag, **attributes).text = _lexical(value)


def _wrapped(parent: Any, wrapper: str, tag: str, value: Value, **attributes: str | None) -> None:
    """``<wrapper><tag>value</tag></wrapper>``, the UBL shape of most references and identifications."""
    if value is not None:
        _leaf(_el(parent, wrapper), tag, value, **attributes)


def _identifier(parent: Any, tag: str, identifier: Identifier | None) -> None:
    if identifier is not None:
        _leaf(parent, tag, identifier.value, schemeID=identifier.scheme)


def _address(parent: Any, tag: str, address: Address | None) -> None:
    if address is None:
        return
    element = _el(parent, tag)
    _leaf(element, B.StreetName, address.line1)
    _leaf(element, B.AdditionalStreetName, address.line2)
    _leaf(element, B.CityName, address.city)
    _leaf(element, B.PostalZone, address.postal_code)
    _leaf(element, B.CountrySubentity, address.subdivision)
    _wrapped(element, A.AddressLine, B.Line, address.line3)
    _wrapped(element, A.Country, B.IdentificationCode, address.country_code)


def _contact(parent: Any, contact: Contact | None) -> None:
    if contact is None:
        return
    element = _el(parent, A.Contact)
    _leaf(element, B.Name, contact.name)
    _leaf(element, B.Telephone, contact.phone)
    _leaf(element, B.ElectronicMail, contact.email)


def _party_tax_scheme(parent: Any, company_id: str | None, scheme: str) -> None:
    if company_id is not None:
        element = _el(parent, A.PartyTaxScheme)
        _leaf(element, B.CompanyID, company_id)
        _wrapped(element, A.TaxScheme, B.ID, scheme)


def _tax_category(
    parent: Any,
    tag: str,
    category: str | None,
    rate: Decimal | None,
    *,
    exemption_reason: str | None = None,
    exemption_code: str | None = None,
) -> None:
    element = _el(parent, tag)
    _leaf(element, B.ID, category)
    _leaf(element, B.Percent, rate)
    _leaf(element, B.TaxExemptionReasonCode, exemption_code)
    _leaf(element, B.TaxExemptionReason, exemption_reason)
    _wrapped(element, A.TaxScheme, B.ID, VAT_SCHEME)
