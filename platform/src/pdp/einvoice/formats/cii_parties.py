"""CII parties: seller, buyer and tax representative (BG-4, BG-7, BG-11), payee (BG-10) and delivery (BG-13).

Read from the header trade agreement, settlement and delivery by :mod:`cii_read`, with the primitives of
:mod:`cii_values`.
"""

from __future__ import annotations

from typing import Any

from pdp.einvoice.formats.cii_values import (
    Kids,
    T,
    _all,
    _attr,
    _child_text,
    _date,
    _get,
    _ident,
    _kids,
)
from pdp.einvoice.formats.xmltext import code_of
from pdp.einvoice.model import Address, Contact, Delivery, Identifier, Party, Payee, TaxRepresentative

_NO_DELIVERY = Delivery()


def _idents(element: Any, kids: Kids) -> list[Identifier]:
    """BT-29/46/60/71: the party's ram:ID and ram:GlobalID children, in document order."""
    if T.ID not in kids and T.GlobalID not in kids:
        return []
    # A full slice and a tag test rather than iterchildren(ID, GlobalID), whose tag matcher costs more to set up.
    tags = (T.ID, T.GlobalID)
    return [ident for ident in (_ident(child) for child in element[:] if child.tag in tags) if ident is not None]


def _party(element: Any) -> Party:
    if element is None:
        return Party()
    kids = _kids(element)
    legal = _kids(kids.get(T.SpecifiedLegalOrganization))
    vat_id = tax_id = None
    for registration in _all(element, T.SpecifiedTaxRegistration, kids):
        number = _kids(registration).get(T.ID)
        # Blank is there (""): the CEN CII artefact tests these ids by existence (BR-S-02, BR-O-02…, BR-CO-26) and
        # asks BR-CO-09 of every VA one, so a blank VA id fails BR-CO-09 and BR-56, not the presence rules.
        value = code_of(number)
        # Scheme VA is the VAT identifier (BT-31/48/63), FC the seller's tax registration (BT-32); the CEN artefacts
        # read ram:ID[@schemeID='VA'] and [@schemeID='FC'] only, so another scheme, or none, is neither.
        scheme = _attr(number, "schemeID")
        if scheme == "VA":
            vat_id = vat_id or value
        elif scheme == "FC":
            tax_id = tax_id or value
    return Party(
        name=_get(kids, T.Name),
        trading_name=_get(legal, T.TradingBusinessName),
        identifiers=_idents(element, kids),
        legal_id=_ident(legal.get(T.ID)),
        vat_id=vat_id,
        tax_registration_id=tax_id,
        legal_info=_get(kids, T.Description),
        electronic_address=_ident(_kids(kids.get(T.URIUniversalCommunication)).get(T.URIID)),
        address=_address(kids.get(T.PostalTradeAddress)),
        contact=_contact(kids.get(T.DefinedTradeContact)),
    )


def _address(element: Any) -> Address | None:
    if element is None:
        return None
    kids = _kids(element)
    return Address(
        line1=_get(kids, T.LineOne),
        line2=_get(kids, T.LineTwo),
        line3=_get(kids, T.LineThree),
        city=_get(kids, T.CityName),
        postal_code=_get(kids, T.PostcodeCode),
        subdivision=_get(kids, T.CountrySubDivisionName),
        # Blank is there (""): BR-CL-14 is asked of every CountryID, the presence rules want it non-blank.
        country_code=code_of(kids.get(T.CountryID)),
    )


def _contact(element: Any) -> Contact | None:
    if element is None:
        return None
    kids = _kids(element)
    return Contact(
        # The EN 16931 binding maps BT-41/BT-56 to PersonName, or to DepartmentName when only that is given.
        name=_get(kids, T.PersonName) or _get(kids, T.DepartmentName),
        phone=_child_text(kids.get(T.TelephoneUniversalCommunication), T.CompleteNumber),
        email=_child_text(kids.get(T.EmailURIUniversalCommunication), T.URIID),
    )


def _tax_representative(element: Any) -> TaxRepresentative | None:
    if element is None:
        return None
    party = _party(element)
    return TaxRepresentative(name=party.name, vat_id=party.vat_id, address=party.address)


def _delivery(kids: Kids) -> Delivery | None:
    ship_to = kids.get(T.ShipToTradeParty)
    event = kids.get(T.ActualDeliverySupplyChainEvent)
    if ship_to is None and event is None:
        return None
    party = _kids(ship_to)
    locations = _idents(ship_to, party)
    delivery = Delivery(
        party_name=_get(party, T.Name),
        location_id=locations[0] if locations else None,
        date=_date(_kids(event).get(T.OccurrenceDateTime)),
        address=_address(party.get(T.PostalTradeAddress)),
    )
    # An empty ShipToTradeParty (XRechnung writers emit one) says nothing: no BG-13.
    return None if delivery == _NO_DELIVERY else delivery


def _payee(element: Any) -> Payee | None:
    if element is None:
        return None
    kids = _kids(element)
    identifiers = _idents(element, kids)
    return Payee(
        name=_get(kids, T.Name),
        identifier=identifiers[0] if identifiers else None,
        legal_id=_ident(_kids(kids.get(T.SpecifiedLegalOrganization)).get(T.ID)),
    )
