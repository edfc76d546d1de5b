"""The pivot file ``telecharger/groupe`` returns, cut into one file per invoice (docs/chorus-pro-api.md §3.1).

Chorus answers a group of invoices with a single pivot file "qui contiendra une ou plusieurs factures avec leurs
pièces jointes" (AIFE annex, in the C# client's comments): ``CPPFacturePivot`` → ``CPPFactures`` → one
``CPPFacturePivotUnitaire`` per invoice, named by its supplier (``Fournisseur/Identifiant``) and number
(``DonneesFacture/Id``), as PASTELL reads them (``ExtraireDonneesPivot``). Each invoice is archived on its own,
so each gets a pivot file of its own: the same root and envelope, its unit alone. A group of one is kept as
Chorus sent it, byte for byte.

The file comes from Chorus, not from a tenant, but is parsed as carefully: no DTD, no entities, no network. Its
attachments are base64 text of up to 10 MB each (13.4 MB encoded), past libxml2's default limit on one text
node, which is why PASTELL parses it with ``LIBXML_PARSEHUGE``; so does this parser, the input's size bounded.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

# Chorus refuses a group over 120 MB of files (HTTP 413); base64 and markup make that about 165 MB of XML.
MAX_PIVOT_BYTES = 200 * 1024 * 1024
ROOT = "CPPFacturePivot"
UNIT = "CPPFacturePivotUnitaire"


class PivotUnreadable(ValueError):
    """Not a pivot file pdp can cut (malformed, a DTD, another root, too large)."""


@dataclass(frozen=True, slots=True)
class PivotInvoice:
    supplier: str  # Fournisseur/Identifiant: the supplier's SIRET
    number: str  # DonneesFacture/Id
    document: bytes  # a pivot file holding this invoice alone


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def split_pivot(data: bytes) -> list[PivotInvoice]:
    """Every invoice of the pivot file ``data``, in its order, each as a pivot file of its own."""
    if len(data) > MAX_PIVOT_BYTES:
        raise PivotUnreadable(f"the pivot file exceeds {MAX_PIVOT_BYTES} bytes")
    if b"<!DOCTYPE" in data[:4096]:
        raise PivotUnreadable("the pivot file declares a DOCTYPE")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise PivotUnreadable(f"the pivot file is malformed (line {exc.lineno})") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise PivotUnreadable("the pivot file declares a DOCTYPE")
    if root.tag != ROOT:
        raise PivotUnreadable(f"the file's root is {str(root.tag)[:60]}, not {ROOT}")
    factures = root.find("CPPFactures")
    if factures is None:
        return []
    units = factures.findall(UNIT)
    if len(units) == 1:
        return [_named(units[0], data)]
    return [_named(unit, _alone(root, factures, unit)) for unit in units]


def _named(unit: etree._Element, document: bytes) -> PivotInvoice:
    supplier = (unit.findtext("Fournisseur/Identifiant") or "").strip()
    number = (unit.findtext("DonneesFacture/Id") or "").strip()
    return PivotInvoice(supplier, number, document)


def _alone(root: etree._Element, factures: etree._Element, unit: etree._Element) -> bytes:
    """``root`` with ``unit`` as its only invoice: the envelope and every other part copied, ``Compteur`` 1."""
    alone = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap)
    for child in root:
        if child is factures:
            holder = etree.SubElement(alone, child.tag, attrib=dict(child.attrib))
            holder.set("Compteur", "1")
            holder.append(copy.deepcopy(unit))
        else:
            alone.append(copy.deepcopy(child))
    written: bytes = etree.tostring(alone, xml_declaration=True, encoding="UTF-8")
    return written
