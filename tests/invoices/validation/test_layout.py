"""Parsing an upload without its layout text (xmlsafe ``drop_layout``) changes no report, only the time it takes.

Each document is validated twice: as the engine does it, and with the layout check forced off (every text node
kept); the two reports, invoice included, must be byte for byte the same. Damage that puts whitespace inside values
(comments, PIs, CDATA, a blank simple element holding a child) is where a difference would show.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import msgspec
import pytest
from lxml import etree

from pdp.einvoice.formats import xmlsafe
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.validation.engine import validate_document
from tests.invoices.samples import SAMPLES

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample invoices not found under {SAMPLES}")


def samples() -> Iterator[Path]:
    for folder in ("en16931/cii", "en16931/ubl", "facturx"):
        yield from sorted((SAMPLES / folder).glob("*.[xX][mM][lL]"))


def report(xml: bytes) -> bytes:
    return msgspec.json.encode(validate_document(xml, filename="invoice.xml"))


def assert_same_report(xml: bytes) -> None:
    fast = report(xml)
    with mock.patch.object(xmlsafe, "_blanks_are_layout", lambda data: False):
        kept = report(xml)
    assert fast == kept


def damaged(xml: bytes, rng: random.Random) -> bytes:
    """One leaf of ``xml`` made blank around a child, a comment or a PI: whitespace that is part of a value."""
    root = etree.fromstring(xml)
    leaves = [element for element in root.iter() if isinstance(element.tag, str) and len(element) == 0]
    leaf = rng.choice(leaves)
    kind = rng.randrange(4)
    if kind == 0:
        leaf.text, child = "\n   ", etree.SubElement(leaf, leaf.tag)
        child.text, child.tail = "1", "\n  "
    elif kind == 1:
        leaf.text, child = "  ", etree.Comment("c")
        leaf.append(child)
        child.tail = "  "
    elif kind == 2:
        leaf.text, child = " ", etree.ProcessingInstruction("pi", "x")
        leaf.append(child)
        child.tail = " 5"
    else:
        leaf.text = "  \n  "
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@needs_samples
@pytest.mark.parametrize("path", list(samples()), ids=lambda path: Path(path).name)
def test_samples_report_the_same_without_layout(path: Path) -> None:
    xml = path.read_bytes()
    assert_same_report(xml)
    rng = random.Random(path.name)
    for _ in range(6):
        assert_same_report(damaged(xml, rng))


@pytest.mark.parametrize(
    ("xml", "kept"),
    [
        (b"<r>\n  <a>1</a>\n</r>", False),
        (b"<r>\n  <a>1</a><!-- c -->\n</r>", True),
        (b"<r>\n  <a> <![CDATA[1]]></a>\n</r>", True),
        (b"<r>\n  <a><?pi x?></a>\n</r>", True),
        (b'<?xml version="1.0"?>\n<r>\n  <a>1</a>\n</r>', False),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<r>\n  <a>1</a>\n</r>', False),
    ],
)
def test_layout_is_dropped_only_without_comments_pis_or_cdata(xml: bytes, kept: bool) -> None:
    root = parse_xml(xml, drop_layout=True)
    assert (root.text is not None) == kept
    assert parse_xml(xml).text == "\n  "  # the default keeps every text node


def test_markup_search_finds_what_bytes_find_finds() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        data = bytes(rng.choice(b"<!?DOCTYPE a") for _ in range(rng.randrange(30)))
        for needle in (b"<!", b"<?", b"<!DOCTYPE"):
            start, end = rng.randrange(5), rng.randrange(40)
            found = xmlsafe._find_markup(data, needle, start, end)
            assert found == data.find(needle, start, end), (data, needle, start, end)
