"""The cases a deliberate difference can be narrowed to (DeliberateDifference.case), each recognised on a document.

pdp.einvoice.validation.deliberate names a case and says why pdp differs there; this module tells whether a document
is of that case, so that the fuzzer sets aside only the differences a deliberate entry covers:

- ``repeated-singleton``: the document repeats an element its syntax's XML Schema allows once (found from the
  schemas themselves: every content model that declares the child, reached from any type the parent may have),
  or, in UBL, a term the binding allows once (a UBL-SR-xx cardinality rule: validation.ubl_cardinality);
- ``repeated-ubl-term``: a UBL document that repeats a term EN 16931 allows once where neither its schema nor its
  binding's UBL-SR rules forbid it (a document level allowance's or charge's ``cac:TaxCategory``, a line price's
  ``cac:AllowanceCharge``);
- ``blank-number``: an amount, percentage, quantity or other number element (its schema type derived from
  xs:decimal) written blank, which its XML Schema forbids;
- ``attachment-not-base64``: an attached document (BT-125) whose content is not base64, which XML Schema's
  ``xs:base64Binary`` forbids;
- ``cii-date-not-a-date``: a CII ``DateString`` or ``DateTimeString`` (udt: or qdt:) whose text is no date YYYYMMDD, or
  whose format is not 102;
- ``cii-numeric-indicator``: a CII allowance's or charge's ``udt:Indicator`` written other than ``true`` or
  ``false`` (``0``, ``1``, with spaces), which xs:boolean allows;
- ``cii-several-vat-totals``: a CII document with more than one ``ram:TaxTotalAmount`` (BT-110 and BT-111, or a
  repeated BT-110).
"""

from __future__ import annotations

import binascii
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

from lxml import etree

from pdp.einvoice.validation.ubl_cardinality import check_ubl_cardinality
from pdp.einvoice.validation.xsd import CII_DEFAULT, SCHEMAS, UBL_ROOTS

XS = "{http://www.w3.org/2001/XMLSchema}"
_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_BINARIES = (
    "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}EmbeddedDocumentBinaryObject",
    f"{{{_RAM}}}AttachmentBinaryObject",
)


# The UN/CEFACT and UBL data types whose content is an xs:decimal (udt:AmountType, cbc:PercentType…).
_NUMBER_TYPES = ("AmountType", "PercentType", "QuantityType", "NumericType", "MeasureType", "RateType")


class _SchemaShape:
    """Which (parent tag, child tag) pairs a set of schema files allows only once."""

    def __init__(self, entry: Path) -> None:
        self.element_types: dict[str, set[str]] = defaultdict(set)  # element tag -> its type names
        self.children: dict[str, dict[str, bool]] = defaultdict(dict)  # type -> child tag -> may repeat
        seen: set[Path] = set()
        self._read(entry.resolve(), seen)

    def _read(self, path: Path, seen: set[Path]) -> None:
        if path in seen:
            return
        seen.add(path)
        tree = etree.parse(str(path))
        root = tree.getroot()
        target = root.get("targetNamespace", "")
        for link in root.iter(f"{XS}import", f"{XS}include"):
            location = link.get("schemaLocation")
            if location:
                self._read((path.parent / location).resolve(), seen)
        for declaration in root.iter(f"{XS}element"):
            name, kind = declaration.get("name"), declaration.get("type")
            if name and kind:
                self.element_types[f"{{{target}}}{name}"].add(_local(kind))
        for complex_type in root.iter(f"{XS}complexType"):
            type_name = complex_type.get("name")
            if type_name is None:
                continue
            for declaration in complex_type.iter(f"{XS}element"):
                tag = _declared_tag(declaration, target)
                repeats = any(_max(node) != 1 for node in _particles(declaration, complex_type))
                known = self.children[type_name].get(tag, False)
                self.children[type_name][tag] = known or repeats

    def is_number(self, tag: str) -> bool:
        return any(kind.endswith(_NUMBER_TYPES) for kind in self.element_types.get(tag, ()))

    def is_singleton(self, parent_tag: str, child_tag: str) -> bool:
        types = self.element_types.get(parent_tag, set())
        answers = [self.children[kind][child_tag] for kind in types if child_tag in self.children.get(kind, {})]
        return bool(answers) and not any(answers)


def _local(qualified: str) -> str:
    return qualified.rsplit(":", 1)[-1]


def _declared_tag(declaration: etree._Element, target: str) -> str:
    reference = declaration.get("ref")
    if reference is None:
        return f"{{{target}}}{declaration.get('name')}"
    prefix, _, local = reference.rpartition(":")
    return f"{{{declaration.nsmap.get(prefix or None, target)}}}{local}"


def _particles(declaration: etree._Element, stop: etree._Element) -> list[etree._Element]:
    """The element declaration and the sequences and choices around it, up to its complex type."""
    nodes = [declaration]
    parent = declaration.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (f"{XS}sequence", f"{XS}choice", f"{XS}all"):
            nodes.append(parent)
        parent = parent.getparent()
    return nodes


def _max(node: etree._Element) -> float:
    value = node.get("maxOccurs", "1")
    return float("inf") if value == "unbounded" else float(value)


@cache
def _shape(syntax: str) -> _SchemaShape:
    return _SchemaShape(SCHEMAS / (UBL_ROOTS["Invoice"] if syntax == "ubl" else CII_DEFAULT))


@cache
def _credit_note_shape() -> _SchemaShape:
    return _SchemaShape(SCHEMAS / UBL_ROOTS["CreditNote"])


def repeats_a_singleton(root: etree._Element, syntax: str) -> bool:
    """An element the schema allows once, or (UBL) a term the binding allows once (UBL-SR-xx, which pdp and the
    artefact both report)."""
    if syntax == "ubl" and check_ubl_cardinality(root):
        return True
    return _repeats_a_schema_singleton(root, syntax)


def _repeats_a_schema_singleton(root: etree._Element, syntax: str) -> bool:
    shape = _credit_note_shape() if syntax == "ubl" and etree.QName(root).localname == "CreditNote" else _shape(syntax)
    for parent in root.iter("*"):
        tags = [child.tag for child in parent if isinstance(child.tag, str)]
        repeated = {tag for tag in tags if tags.count(tag) > 1}
        if any(shape.is_singleton(parent.tag, tag) for tag in repeated):
            return True
    return False


_UBL_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_UBL_TERMS_REPEATED = etree.XPath(
    "boolean(cac:AllowanceCharge[count(cac:TaxCategory) > 1] | //cac:Price[count(cac:AllowanceCharge) > 1])",
    namespaces={"cac": _UBL_CAC},
)


def repeats_a_ubl_term(root: etree._Element, syntax: str) -> bool:
    return syntax == "ubl" and bool(_UBL_TERMS_REPEATED(root))


def has_a_blank_number(root: etree._Element, syntax: str) -> bool:
    shape = _credit_note_shape() if syntax == "ubl" and etree.QName(root).localname == "CreditNote" else _shape(syntax)
    return any(
        isinstance(element.tag, str)
        and not (element.text or "").strip()
        and len(element) == 0
        and shape.is_number(element.tag)
        for element in root.iter("*")
    )


def has_attachment_not_in_base64(root: etree._Element, syntax: str) -> bool:
    for element in root.iter(*_BINARIES):
        try:
            binascii.a2b_base64("".join((element.text or "").split()), strict_mode=True)
        except ValueError:
            return True
    return False


_UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
_QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
_DATE = re.compile(r"\d{8}")


def has_a_cii_date_that_is_no_date(root: etree._Element, syntax: str) -> bool:
    tags = [f"{{{ns}}}{name}" for ns in (_UDT, _QDT) for name in ("DateString", "DateTimeString")]
    for element in root.iter(*tags):
        text = (element.text or "").strip()
        try:
            if _DATE.fullmatch(text) is None or element.get("format", "102") != "102":
                raise ValueError(text)
            date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return syntax == "cii"
    return False


def has_a_numeric_cii_indicator(root: etree._Element, syntax: str) -> bool:
    return syntax == "cii" and any(
        element.text not in ("true", "false") for element in root.iter(f"{{{_UDT}}}Indicator")
    )


def has_several_cii_vat_totals(root: etree._Element, syntax: str) -> bool:
    return syntax == "cii" and len(list(root.iter(f"{{{_RAM}}}TaxTotalAmount"))) > 1


CASES: dict[str, Callable[[etree._Element, str], bool]] = {
    "repeated-singleton": repeats_a_singleton,
    "repeated-ubl-term": repeats_a_ubl_term,
    "blank-number": has_a_blank_number,
    "attachment-not-base64": has_attachment_not_in_base64,
    "cii-date-not-a-date": has_a_cii_date_that_is_no_date,
    "cii-numeric-indicator": has_a_numeric_cii_indicator,
    "cii-several-vat-totals": has_several_cii_vat_totals,
}


def cases_of(root: etree._Element, syntax: str) -> frozenset[str]:
    return frozenset(name for name, applies in CASES.items() if applies(root, syntax))
