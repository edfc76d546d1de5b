"""UBL parties: seller and buyer (BG-4, BG-7), payee (BG-10), tax representative (BG-11) and delivery (BG-13).

A seller or payee ``cac:PartyIdentification`` in scheme SEPA is BT-90 (the creditor identifier) when there is a
payment to attach it to: the readers here hand it back to :mod:`ubl_read`, which decides.
"""

from __future__ import annotations

from typing import Any

from pdp.einvoice.formats.ubl_values import (
    SEPA_SCHEME,
    A,
    B,
    Kids,
    _child_text,
    _children,
    _date_of,
    _every,
    _first,
    _identifier_of,
    is_vat_scheme,
)
from pdp.einvoice.formats.xmltext import code_of
from pdp.einvoice.model import Address, Contact, Delivery, Identifier, Party, Payee, TaxRepresentative


def _identifications(kids: Kids, keep_sepa: bool) -> tuple[list[Identifier], str | None]:
    identifiers: list[Identifier] = []
    sepa: str | None = None
    for element in _every(kids, A.PartyIdentification):
        identifier = _identifier_of(_first(_children(element), B.ID))
        if identifier is None:
            continue
        if identifier.scheme == SEPA_SCHEME and not keep_sepa:
            sepa = sepa or identifier.value
        else:
            identifiers.append(identifier)
    return identifiers, sepa


def _party(element: Any, keep_sepa: bool) -> tuple[Party, str | None]:
    k = _children(element)
    identifiers, sepa = _identifications(k, keep_sepa)
    vat_id = tax_registration_id = None
    vat_ids: list[str] = []
    for scheme_el in _every(k, A.PartyTaxScheme):
        sk = _children(scheme_el)
        # Blank is there (""), a written one preferred: the VAT category rules -02…-04 test exists(…/cbc:CompanyID)
        # (a seller's in any tax scheme for BR-S-02 and its kin), BR-CO-09 its first two characters.
        company_id = code_of(_first(sk, B.CompanyID))
        if is_vat_scheme(sk):
            vat_id = _kept(vat_id, company_id)
            vat_ids += [] if company_id is None else [company_id]
        else:
            tax_registration_id = _kept(tax_registration_id, company_id)
    if vat_id is not None:  # the others, which BR-CO-09 asks too (model.Party.other_vat_ids)
        vat_ids.remove(vat_id)
    legal = _children(_first(k, A.PartyLegalEntity))
    party = Party(
        name=_child_text(legal, B.RegistrationName),
        trading_name=_child_text(_children(_first(k, A.PartyName)), B.Name),
        identifiers=identifiers,
        legal_id=_identifier_of(_first(legal, B.CompanyID)),
        vat_id=vat_id,
        tax_registration_id=tax_registration_id,
        legal_info=_child_text(legal, B.CompanyLegalForm),
        electronic_address=_endpoint_of(_first(k, B.EndpointID)),
        address=_address(_first(k, A.PostalAddress)),
        contact=_contact(_first(k, A.Contact)),
        other_vat_ids=vat_ids or None,
    )
    return party, sepa


def _endpoint_of(element: Any) -> Identifier | None:
    """BT-34/BT-49: an EndpointID written blank without schemeID is still there (""), as BR-62/BR-63 test
    exists(cbc:EndpointID/@schemeID) whenever the element is."""
    identifier = _identifier_of(element)
    return Identifier(value="") if identifier is None and element is not None else identifier


def _kept(current: str | None, found: str | None) -> str | None:
    """The first identifier written, else a blank one (""), else None."""
    return current if current or found is None else found


def _address(element: Any) -> Address | None:
    if element is None:
        return None
    k = _children(element)
    return Address(
        line1=_child_text(k, B.StreetName),
        line2=_child_text(k, B.AdditionalStreetName),
        line3=_child_text(_children(_first(k, A.AddressLine)), B.Line),
        city=_child_text(k, B.CityName),
        postal_code=_child_text(k, B.PostalZone),
        subdivision=_child_text(k, B.CountrySubentity),
        country_code=_country_code(k),
    )


def _country_code(k: Kids) -> str | None:
    """BT-40/55/69/80 as the UBL artefact's paths read it: the first cac:Country/cbc:IdentificationCode, of any
    cac:Country (a repeated one without code is passed over). Blank is present (""): BR-CL-14 checks every one."""
    for country in _every(k, A.Country):
        code = _first(_children(country), B.IdentificationCode)
        if code is not None:
            return code_of(code)
    return None


def _contact(element: Any) -> Contact | None:
    if element is None:
        return None
    k = _children(element)
    return Contact(
        name=_child_text(k, B.Name), phone=_child_text(k, B.Telephone), email=_child_text(k, B.ElectronicMail)
    )


def _payee(element: Any, keep_sepa: bool) -> tuple[Payee | None, str | None]:
    if element is None:
        return None, None
    k = _children(element)
    identifiers, sepa = _identifications(k, keep_sepa)
    payee = Payee(
        name=_child_text(_children(_first(k, A.PartyName)), B.Name),
        identifier=identifiers[0] if identifiers else None,
        legal_id=_identifier_of(_first(_children(_first(k, A.PartyLegalEntity)), B.CompanyID)),
    )
    return payee, sepa


def _tax_representative(element: Any) -> TaxRepresentative | None:
    if element is None:
        return None
    k = _children(element)
    schemes = map(_children, _every(k, A.PartyTaxScheme))
    return TaxRepresentative(
        name=_child_text(_children(_first(k, A.PartyName)), B.Name),
        # BT-63 is the PartyTaxScheme in the VAT scheme (BR-56, BR-S-02 look for that one only).
        vat_id=next((code_of(_first(sk, B.CompanyID)) for sk in schemes if is_vat_scheme(sk)), None),
        address=_address(_first(k, A.PostalAddress)),
    )


def _delivery(element: Any) -> Delivery | None:
    if element is None:
        return None
    k = _children(element)
    location = _children(_first(k, A.DeliveryLocation))
    return Delivery(
        party_name=_child_text(_children(_first(_children(_first(k, A.DeliveryParty)), A.PartyName)), B.Name),
        location_id=_identifier_of(_first(location, B.ID)),
        date=_date_of(_first(k, B.ActualDeliveryDate)),
        address=_address(_first(location, A.Address)),
    )
