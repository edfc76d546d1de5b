"""Parse untrusted XML safely: no DTD, no entities, no network, bounded size and depth.

UBL and CII never need a DOCTYPE, so any DOCTYPE is refused outright (XXE, billion laughs, quadratic blowup).
lxml ≥ 6.1.3 is required (CVE-2026-41066 and the external parameter entity fix).
"""

from __future__ import annotations

from functools import cache

from lxml import etree

from pdp.tenants.invoices.findings import UnreadableDocument

MAX_XML_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64


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


def parse_xml(data: bytes, *, max_bytes: int = MAX_XML_BYTES, max_depth: int = MAX_DEPTH) -> etree._Element:
    """The root element of ``data``, or :class:`UnreadableDocument` with a stable rule id."""
    if len(data) > max_bytes:
        raise UnreadableDocument(
            "PDP-XML-TOO-LARGE",
            f"The XML document exceeds {max_bytes} bytes.",
            f"Le document XML dépasse {max_bytes} octets.",
        )
    # A cheap refusal before the parser spends anything; the docinfo check after parsing is the real guard (it
    # also catches a DOCTYPE further in, or in another encoding).
    if b"<!DOCTYPE" in data[:65536]:
        raise _doctype()
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc.msg).lower():
            raise _too_deep(max_depth) from exc
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
    if _deeper_than(max_depth)(root):
        raise _too_deep(max_depth)
    return root


def _doctype() -> UnreadableDocument:
    return UnreadableDocument(
        "PDP-XML-DOCTYPE",
        "The XML document declares a DOCTYPE, which is not allowed.",
        "Le document XML déclare un DOCTYPE, ce qui est interdit.",
    )


def _too_deep(max_depth: int) -> UnreadableDocument:
    return UnreadableDocument(
        "PDP-XML-TOO-DEEP",
        f"The XML document nests deeper than {max_depth} levels.",
        f"Le document XML dépasse {max_depth} niveaux d'imbrication.",
    )


@cache
def _deeper_than(max_depth: int) -> etree.XPath:
    # Evaluated by libxml2 in C: is there any element below depth ``max_depth``? Walking the tree in Python
    # costs more than parsing it.
    return etree.XPath("boolean(/" + "/*" * (max_depth + 1) + ")")
