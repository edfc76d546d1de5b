"""Cutting Chorus Pro's pivot file (telecharger/groupe, format PIVOT) into one file per invoice."""

from __future__ import annotations

import base64

import pytest
from lxml import etree

from pdp.tenants.deposits.chorus_pivot import PivotUnreadable, split_pivot

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<CPPFacturePivot xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    b'xsi:noNamespaceSchemaLocation="CPPFacturePivot.xsd">'
    b'<Enveloppe><EnveloppeUnitaire NumOrdre="1"><Parametres><ParametreIndiv NumOrdre="0001">'
    b"<Code>DtPrd</Code><Valeurparametre>2026-12-14</Valeurparametre></ParametreIndiv></Parametres>"
    b"</EnveloppeUnitaire></Enveloppe>"
)


def _unit(order: int, siret: str, number: str, content: bytes) -> bytes:
    return (
        f'<CPPFacturePivotUnitaire NumOrdre="{order}"><Fournisseur><TypeIdentifiant>1</TypeIdentifiant>'
        f"<Identifiant>{siret}</Identifiant></Fournisseur><DonneesFacture><Id>{number}</Id></DonneesFacture>"
        f'<PJ NumOrdre="1"><Contenu>{base64.b64encode(content).decode()}</Contenu><NomPJ>f.xml</NomPJ>'
        f"<TypePJ>01</TypePJ></PJ></CPPFacturePivotUnitaire>"
    ).encode()


def _pivot(*units: bytes) -> bytes:
    return (
        HEAD + f'<CPPFactures Compteur="{len(units)}">'.encode() + b"".join(units) + b"</CPPFactures></CPPFacturePivot>"
    )


def test_each_invoice_gets_a_pivot_file_of_its_own_with_the_envelope() -> None:
    data = _pivot(_unit(1, "73282932000074", "F-1", b"<Invoice/>"), _unit(2, "44306184100047", "F-1", b"<Other/>"))
    first, second = split_pivot(data)
    assert (first.supplier, first.number, second.supplier, second.number) == (
        "73282932000074",
        "F-1",
        "44306184100047",
        "F-1",
    )
    for piece, content in ((first, b"<Invoice/>"), (second, b"<Other/>")):
        root = etree.fromstring(piece.document)
        assert root.tag == "CPPFacturePivot" and root.findtext("Enveloppe//Code") == "DtPrd"
        schema = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"
        assert root.get(schema) == "CPPFacturePivot.xsd"
        factures = root.find("CPPFactures")
        assert factures is not None and factures.get("Compteur") == "1"
        [unit] = factures.findall("CPPFacturePivotUnitaire")
        assert base64.b64decode(unit.findtext("PJ/Contenu") or "") == content


def test_a_file_of_one_invoice_is_kept_byte_for_byte() -> None:
    data = _pivot(_unit(1, "73282932000074", "F-2", b"<Invoice/>"))
    [only] = split_pivot(data)
    assert only.document == data and only.number == "F-2"


def test_attachments_larger_than_libxml2s_default_text_limit_are_read() -> None:
    big = b"%PDF-1.4\n" + bytes(range(256)) * (9 * 4096)  # ~9.4 MB: 12.6 MB of base64 in one text node
    [only, other] = split_pivot(_pivot(_unit(1, "1", "A", big), _unit(2, "1", "B", b"x")))
    with pytest.raises(etree.XMLSyntaxError):  # what a default parser makes of it: why split_pivot needs huge_tree
        etree.fromstring(only.document)
    huge = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)
    assert base64.b64decode(etree.fromstring(only.document, huge).findtext(".//Contenu") or "") == big
    assert other.number == "B"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><CPPFacturePivot>&e;</CPPFacturePivot>',
        b"<Invoice><CPPFactures/></Invoice>",
        b"<CPPFacturePivot><CPPFactures>",
    ],
    ids=["doctype", "another root", "malformed"],
)
def test_what_is_not_a_pivot_file_is_refused(data: bytes) -> None:
    with pytest.raises(PivotUnreadable):
        split_pivot(data)


def test_a_pivot_without_invoices_holds_none() -> None:
    assert split_pivot(HEAD + b"</CPPFacturePivot>") == []
