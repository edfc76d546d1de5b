"""Parse untrusted XML safely: no DTD, no entities, no network, bounded size and depth.

UBL and CII never need a DOCTYPE, so any DOCTYPE is refused outright (XXE, billion laughs, quadratic blowup).
lxml ≥ 6.1.3 is required (CVE-2026-41066 and the external parameter entity fix).
"""

from __future__ import annotations

from lxml import etree

from pdp.tenants.invoices.findings import UnreadableDocument

MAX_XML_BYTES = 20 * 1024 * 1024
# libxml2 refuses nesting deeper than this without huge_tree; invoices nest about 12 deep.
MAX_DEPTH = 256


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse_xml(data: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """The root element of ``data``, or :class:`UnreadableDocument` with a stable rule id."""
    if len(data) > max_bytes:
        raise UnreadableDocument(
            "PDP-XML-TOO-LARGE",
            f"The XML document exceeds {max_bytes} bytes.",
            f"Le document XML dépasse {max_bytes} octets.",
        )
    # A cheap refusal before the parser spends anything; the docinfo check after parsing is the real guard (it
    # also catches a DOCTYPE further in, or in another encoding).
    if data.find(b"<!DOCTYPE", 0, 65536) >= 0:  # no slice: no copy of the head
        raise _doctype()
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc.msg).lower():
            raise _too_deep() from exc
        # libxml2's text can echo attacker-chosen content: keep it out of the message.
        raise UnreadableDocument(
            "PDP-XML-MALFORMED",
            f"The XML document is malformed (line {exc.lineno}).",
            f"Le document XML est mal formé (ligne {exc.lineno}).",
        ) from exc
    if root is None:
        raise UnreadableDocument("PDP-XML-MALFORMED", "The XML document is empty.", "Le document XML est vide.")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _doctype()
    return root


def _doctype() -> UnreadableDocument:
    return UnreadableDocument(
        "PDP-XML-DOCTYPE",
        "The XML document declares a DOCTYPE, which is not allowed.",
        "Le document XML déclare un DOCTYPE, ce qui est interdit.",
    )


def _too_deep() -> UnreadableDocument:
    return UnreadableDocument(
        "PDP-XML-TOO-DEEP",
        f"The XML document nests deeper than {MAX_DEPTH} levels.",
        f"Le document XML dépasse {MAX_DEPTH} niveaux d'imbrication.",
    )
