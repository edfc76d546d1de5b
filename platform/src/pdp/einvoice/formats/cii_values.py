"""CII reading at the element level: the namespaces, the value primitives, and the parts the header and lines share.

Each element's children are indexed in one pass (``_kids``) rather than searched with lxml's ``find``, which goes
through its Python ElementPath layer on every call. A value that does not parse to its type (a decimal, a date in
format 102, an indicator) raises :class:`UnreadableDocument` with a finding that names the element and its business
term. The header (:mod:`cii_read`, :mod:`cii_parties`) and the line items (:mod:`cii_lines`) are read with these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from pdp.einvoice.findings import UnreadableDocument, finding
from pdp.einvoice.formats.xmltext import XSD_DECIMAL, attribute_of, code_of, text_of
from pdp.einvoice.model import AllowanceCharge, Identifier, Period
from pdp.einvoice.paths import CII_LINE, CII_PATHS

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UNREADABLE = "PDP-CII-UNREADABLE"

_INDICATOR = f"{{{UDT}}}Indicator"
_DATE_STRINGS = frozenset(f"{{{ns}}}{name}" for ns in (UDT, QDT) for name in ("DateTimeString", "DateString"))
_PREFIXES = {RSM: "rsm", RAM: "ram", UDT: "udt", QDT: "qdt"}
_DECIMAL = XSD_DECIMAL
_DATE_102 = re.compile(r"[0-9]{8}")
_INDEX = re.compile(r"\[[0-9]+\]")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class _RamTags:
    """Clark names of ram elements as attributes (``T.Name`` is ``{…ReusableAggregate…:100}Name``), built once."""

    def __getattr__(self, local: str) -> str:
        if local.startswith("__"):  # copy, pickle and friends probe dunders: those are not element names
            raise AttributeError(local)
        name = f"{{{RAM}}}{local}"
        setattr(self, local, name)
        return name


T = _RamTags()
_T = TypeVar("_T")
Kids = dict[str, Any]
_EMPTY: Kids = {}


# --- primitives -----------------------------------------------------------------------------------------------------


def _req(value: _T | None) -> _T:
    # A mandatory term may be absent: keep None and let the business rules report it.
    return cast(_T, value)


def _kids(element: Any) -> Kids:
    """The first child of each tag, in one pass (iterating in reverse lets the first occurrence win)."""
    if element is None:
        return _EMPTY
    # A reversed slice is a plain list, measurably cheaper to iterate than lxml's reversed() iterator.
    return {child.tag: child for child in element[::-1]}


def _all(element: Any, tag: str, kids: Kids | None = None) -> Iterable[Any]:
    """Every ``tag`` child. Given the element's ``kids``, an absent tag costs a lookup, not a scan of the children.

    A full slice (``element[:]``) is lxml's cheapest way to the children: ``iterchildren(tag)`` costs about 0.7 µs
    to set up its tag matcher, an iterator over the element about 0.2 µs. The children ``_kids`` keeps alive come
    back as the same objects, with their tag already computed.
    """
    if element is None or (kids is not None and tag not in kids):
        return ()
    return [child for child in element[:] if child.tag == tag]


_text = text_of


def _get(kids: Kids, tag: str) -> str | None:
    element = kids.get(tag)
    if element is None:
        return None
    text = element.text
    if text is None:
        return None
    return text.strip() or None


def _first(element: Any, tag: str) -> Any:
    """The first ``tag`` child of ``element`` (``_kids(element).get(tag)`` without the dict), or None."""
    if element is not None:
        for child in element[:]:  # a full slice: see _all
            if child.tag == tag:
                return child
    return None


def _child_text(element: Any, tag: str) -> str | None:
    return _text(_first(element, tag))


_attr = attribute_of


def _ident(element: Any) -> Identifier | None:
    value = _text(element)
    # A blank schemeID is there (""): the CEN CII artefact's scheme code lists (BR-CL-10/11/21/25/26) are asked of
    # every ID[@schemeID], and a blank one fails them; so is a blank identifier that has a schemeID ("").
    scheme = None if element is None else element.get("schemeID")
    if value is None:
        return None if scheme is None else Identifier(value="", scheme=scheme.strip())
    return Identifier(value=value, scheme=None if scheme is None else scheme.strip())


def _decimal(element: Any) -> Decimal | None:
    text = _text(element)
    if text is None:
        return None
    if _DECIMAL.fullmatch(text) is None:
        raise _unreadable(element, text, "decimal number", "un nombre décimal")
    return Decimal(text)


def _amount(kids: Kids, tag: str) -> Decimal | None:
    element = kids.get(tag)
    return None if element is None else _decimal(element)


def _date(wrapper: Any) -> date | None:
    """The ``udt:DateTimeString`` (or ``udt:DateString``, ``qdt:DateTimeString``) inside ``wrapper``, format 102."""
    if wrapper is None:
        return None
    for child in wrapper[:]:  # a full slice: see _all
        if child.tag not in _DATE_STRINGS:
            continue
        text = _text(child)
        if text is None:
            return None
        try:
            if child.get("format") not in (None, "102") or _DATE_102.fullmatch(text) is None:
                raise ValueError(text)
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise _unreadable(child, text, "date (format 102, YYYYMMDD)", "une date (format 102, AAAAMMJJ)") from None
    return None


def _indicator(wrapper: Any) -> bool | None:
    element = _kids(wrapper).get(_INDICATOR)
    text = _text(element)
    if text is None:
        return None
    value = _BOOLEANS.get(text)
    if value is None:
        raise _unreadable(element, text, "indicator (true/false)", "un indicateur (true/false)")
    return value


def element_xpath(element: Any) -> str:
    """The XPath of ``element`` with the rsm/ram/udt/qdt prefixes of ``CII_PATHS``, indexed where a tag repeats."""
    steps: list[str] = []
    while element is not None:
        tag = element.tag
        namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        prefix = _PREFIXES.get(namespace)
        step = f"{prefix}:{local}" if prefix else local
        parent = element.getparent()
        if parent is not None:
            siblings = list(parent.iterchildren(tag))
            if len(siblings) > 1:
                step += f"[{siblings.index(element) + 1}]"
        steps.append(step)
        element = parent
    return "/" + "/".join(reversed(steps))


def _business_term(xpath: str) -> str | None:
    """The BT of an element's XPath, by CII_PATHS (``BT-92/BT-99`` where two terms share the element)."""
    path = _INDEX.sub("", xpath)
    if path.startswith(CII_LINE + "/"):
        path = path[len(CII_LINE) + 1 :]
    terms = [bt for bt, known in CII_PATHS.items() if known == path and bt.startswith("BT-")]
    return "/".join(terms) or None


def _unreadable(element: Any, text: str, kind: str, kind_fr: str) -> UnreadableDocument:
    where = element_xpath(element)
    bt = _business_term(where)
    shown = text if len(text) <= 40 else f"{text[:40]}…"
    term = f"{bt} " if bt else ""
    message = f"{term}{where}: {shown!r} is not a valid {kind}."
    message_fr = f"{term}{where} : {shown!r} n'est pas {kind_fr} valide."
    error = UnreadableDocument(UNREADABLE, message, message_fr)
    error.finding = finding(UNREADABLE, "fatal", message, message_fr, bt=bt, xpath=where)
    return error


# --- parts shared by the header and the lines -----------------------------------------------------------------------


def _object_reference(document: Kids) -> Identifier | None:
    """BT-18 / BT-128: the identifier, whose scheme (UNTDID 1153) is the ReferenceTypeCode; a blank one is there
    (""), as BR-CL-07's context finds every ram:ReferenceTypeCode."""
    value = _get(document, T.IssuerAssignedID)
    return None if value is None else Identifier(value=value, scheme=code_of(document.get(T.ReferenceTypeCode)))


def _period(element: Any) -> Period | None:
    if element is None:
        return None
    kids = _kids(element)
    return Period(start=_date(kids.get(T.StartDateTime)), end=_date(kids.get(T.EndDateTime)))


def _vat_tax(element: Any) -> Kids:
    """The children of an ApplicableTradeTax / CategoryTradeTax if it is VAT: the CEN artefacts read BT-95, BT-102,
    BT-118 and BT-151 only from ``[upper-case(ram:TypeCode) = 'VAT']``, so another tax (or none named) is no VAT
    category (BR-47, BR-CO-04 then report it missing)."""
    kids = _kids(element)
    return kids if _is_vat(kids) else _EMPTY


def _is_vat(tax: Kids) -> bool:
    code = _get(tax, T.TypeCode)
    return code is not None and code.upper() == "VAT"


def _allowance_charge(element: Any) -> AllowanceCharge:
    kids = _kids(element)
    tax = _vat_tax(kids.get(T.CategoryTradeTax))
    return AllowanceCharge(
        is_charge=_req(_indicator(kids.get(T.ChargeIndicator))),
        amount=_amount(kids, T.ActualAmount),
        base_amount=_amount(kids, T.BasisAmount),
        percentage=_amount(kids, T.CalculationPercent),
        vat_category=code_of(tax.get(T.CategoryCode)),
        vat_rate=_amount(tax, T.RateApplicablePercent),
        # Blank is there (""): BR-33/38/42/44 test ../ram:Reason or ../ram:ReasonCode by existence, and BR-CL-19/20
        # are asked of every ReasonCode, a blank one failing them.
        reason=code_of(kids.get(T.Reason)),
        reason_code=code_of(kids.get(T.ReasonCode)),
    )
