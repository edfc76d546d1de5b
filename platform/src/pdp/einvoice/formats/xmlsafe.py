"""Parse untrusted XML safely: no DTD, no entities, no network, bounded size and depth.

UBL and CII never need a DOCTYPE, so any DOCTYPE is refused outright (XXE, billion laughs, quadratic blowup).
lxml ≥ 6.1.3 is required (CVE-2026-41066 and the external parameter entity fix).
"""

from __future__ import annotations

import threading

from lxml import etree

from pdp.einvoice.findings import UnreadableDocument

MAX_XML_BYTES = 20 * 1024 * 1024
# libxml2 refuses nesting deeper than this without huge_tree; invoices nest about 12 deep.
MAX_DEPTH = 256


_PARSERS = threading.local()


def _parser(*, keep_blank_text: bool = True) -> etree.XMLParser:
    """This thread's parser: one per thread, because an lxml parser serialises the threads that share it."""
    parsers: dict[bool, etree.XMLParser] | None = getattr(_PARSERS, "parsers", None)
    if parsers is None:
        parsers = _PARSERS.parsers = {}
    parser = parsers.get(keep_blank_text)
    if parser is None:
        parser = parsers[keep_blank_text] = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
            remove_blank_text=not keep_blank_text,
        )
    return parser


def _find_markup(data: bytes, needle: bytes, start: int = 0, end: int | None = None) -> int:
    """``data.find(needle, start, end)`` for a needle of ``<`` and a rare character (``<!``, ``<?``, ``<!DOCTYPE``).

    ``bytes.find`` is slow on such needles, because ``<`` is everywhere in XML (7 µs for 27 kB); looking for the
    rare second character with memchr and checking the byte before it costs a few hundred nanoseconds.
    """
    end = len(data) if end is None else min(end, len(data))
    rare = needle[1:2]
    at = data.find(rare, start + 1, end)
    while at >= 0:
        if data.startswith(needle, at - 1, end):
            return at - 1
        at = data.find(rare, at + 1, end)
    return -1


def _blanks_are_layout(data: bytes) -> bool:
    """Whether dropping whitespace-only text between tags (libxml2's NOBLANKS) cannot change what is read.

    libxml2 drops a whitespace-only run of text only where it is followed by markup in an element that has child
    markup, and keeps the whole content of an element holding nothing but whitespace. Without comments, processing
    instructions or CDATA in the document, a dropped run is therefore always the indentation between elements:
    no value (all are read stripped), no verdict of the schema (CII and UBL have no mixed content) and no line
    number depends on it. A comment, PI or CDATA section could put such a run inside a value, so those documents
    keep every text node. The XML declaration (at offset 0, or 3 after a BOM) is not a PI.
    """
    return _find_markup(data, b"<!") < 0 and _find_markup(data, b"<?", 4) < 0


def parse_xml(data: bytes, *, max_bytes: int = MAX_XML_BYTES, drop_layout: bool = False) -> etree._Element:
    """The root element of ``data``, or :class:`UnreadableDocument` with a stable rule id.

    ``drop_layout`` lets the parser skip the indentation text between elements where that provably changes
    nothing for an invoice reader (see :func:`_blanks_are_layout`): about 15 % less parsing and schema checking.
    """
    if len(data) > max_bytes:
        raise UnreadableDocument(
            "PDP-XML-TOO-LARGE",
            f"The XML document exceeds {max_bytes} bytes.",
            f"Le document XML dépasse {max_bytes} octets.",
        )
    # A cheap refusal before the parser spends anything; the docinfo check after parsing is the real guard (it
    # also catches a DOCTYPE further in, or in another encoding).
    if _find_markup(data, b"<!DOCTYPE", 0, 65536) >= 0:
        raise _doctype()
    try:
        root = etree.fromstring(data, parser=_parser(keep_blank_text=not (drop_layout and _blanks_are_layout(data))))
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
