"""Mutations of real documents at the XML level, each one business term or group at a time.

An element is picked at random (any depth, root excepted) and removed, emptied, duplicated, moved among its
siblings, re-cased, given another code, given another amount, or its attributes (currencyID, unitCode, schemeID…)
changed; removing an element that has children drops a whole group, as the CEN unit tests' fragments do. Codes
are drawn from what the seeds themselves use for the same element (so most are plausible, some are in the wrong
place) plus a few that exist in no code list. Everything is drawn from one ``random.Random``: a seed reproduces it.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from lxml import etree

NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
CODE = re.compile(r"^\s*[A-Za-z0-9]{1,6}\s*$")
JUNK_CODES = ("", "XX", "999", "ZZZ", "s", "eur", "0", "VAT", "AAA", "1")
AMOUNT_CHANGES: tuple[Callable[[Decimal], Decimal], ...] = (
    lambda d: d + Decimal("0.01"),
    lambda d: d - Decimal("0.01"),
    lambda d: d + Decimal("1"),
    lambda d: -d,
    lambda d: Decimal("0"),
    lambda d: d * 10,
    lambda d: d + Decimal("0.001"),  # three decimals: BR-DEC
    lambda d: d.quantize(Decimal("1")),
    lambda d: d * Decimal("1.2"),
)


class CodePool:
    """Codes seen per element tag (local name) across the seeds."""

    def __init__(self, documents: Iterable[bytes]) -> None:
        pools: dict[str, set[str]] = {}
        for xml in documents:
            for element in etree.fromstring(xml).iter():
                if isinstance(element.tag, str) and len(element) == 0 and element.text and CODE.match(element.text):
                    pools.setdefault(etree.QName(element).localname, set()).add(element.text.strip())
        self.pools = {tag: sorted(codes) for tag, codes in pools.items()}

    def draw(self, rng: random.Random, tag: str) -> str:
        pool = self.pools.get(tag, [])
        if pool and rng.random() < 0.7:
            return rng.choice(pool)
        return rng.choice(JUNK_CODES)


def _elements(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and e is not root]


def _is_leaf(element: etree._Element) -> bool:
    return len(element) == 0


def _remove(rng: random.Random, element: etree._Element, pool: CodePool) -> str:
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)
    return "remove"


def _empty(rng: random.Random, element: etree._Element, pool: CodePool) -> str:
    for child in list(element):
        element.remove(child)
    element.text = rng.choice(("", " "))
    return "empty"


def _duplicate(rng: random.Random, element: etree._Element, pool: CodePool) -> str:
    element.addnext(copy.deepcopy(element))
    return "duplicate"


def _reorder(rng: random.Random, element: etree._Element, pool: CodePool) -> str:
    parent = element.getparent()
    assert parent is not None
    siblings = [s for s in parent if isinstance(s.tag, str)]
    parent.insert(rng.randrange(len(siblings)), element)  # insert moves it: lxml elements have one parent
    return "reorder"


def _recase(rng: random.Random, element: etree._Element, pool: CodePool) -> str:
    if element.text and element.text.strip():
        element.text = rng.choice((str.upper, str.lower, str.swapcase))(element.text)
    return "recase"


def _code(rng: random.Random, element: etree._Element, pool: CodePool) -> str:
    element.text = pool.draw(rng, etree.QName(element).localname)
    return "code"


def _amount(rng: random.Random, element: etree._Element, pool: CodePool) -> str:
    text = element.text or ""
    try:
        value = Decimal(text.strip()) if NUMBER.match(text) else Decimal(rng.randrange(-100, 1000))
    except InvalidOperation:
        value = Decimal("0")
    element.text = str(rng.choice(AMOUNT_CHANGES)(value))
    return "amount"


def _attribute(rng: random.Random, element: etree._Element, pool: CodePool) -> str:
    if not element.attrib:
        return _code(rng, element, pool)
    name = rng.choice(sorted(element.attrib))
    if rng.random() < 0.3:
        del element.attrib[name]
    else:
        element.set(name, pool.draw(rng, "@" + etree.QName(name).localname))
    return "attribute"


LEAF_OPERATIONS = (_remove, _empty, _duplicate, _reorder, _recase, _code, _amount, _attribute)
GROUP_OPERATIONS = (_remove, _remove, _empty, _duplicate, _reorder)  # removing a group is the CEN fragments' case


def mutate(rng: random.Random, xml: bytes, pool: CodePool, count: int) -> tuple[bytes, list[str]]:
    """``xml`` with ``count`` mutations; returns the document and what was done (for the example's name)."""
    root = etree.fromstring(xml)
    done = []
    for _ in range(count):
        elements = _elements(root)
        if not elements:
            break
        element = rng.choice(elements)
        operation = rng.choice(LEAF_OPERATIONS if _is_leaf(element) else GROUP_OPERATIONS)
        done.append(f"{operation(rng, element, pool)}-{etree.QName(element).localname}")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True), done


def attribute_pool(pool: CodePool, documents: Iterable[bytes]) -> None:
    """Add the attributes' values (``@currencyID``, ``@unitCode``…) to ``pool``."""
    for xml in documents:
        for element in etree.fromstring(xml).iter():
            if isinstance(element.tag, str):
                for name, value in element.attrib.items():
                    pool.pools.setdefault("@" + etree.QName(name).localname, []).append(value)
    for tag in [t for t in pool.pools if t.startswith("@")]:
        pool.pools[tag] = sorted(set(pool.pools[tag]))
