"""A plain UBL line (no term beyond id, quantity, amount, price, name, seller id and VAT category) is read by a
shorter path: it must give what the full reading gives, errors included.

Every document is read twice, as it is and with the plain path turned off, and the two outcomes compared: the CEN
UBL examples, the samples, the generated corpus, and the 20-line UBL invoice with unreadable values in its lines.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

from lxml import etree

from pdp.einvoice.findings import UnreadableDocument
from pdp.einvoice.formats import ubl_lines
from pdp.einvoice.formats.ubl_read import read_ubl
from pdp.einvoice.formats.ubl_values import A, B
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import Invoice
from tests.bench.bench_validation import twenty_line_invoice_model
from tests.invoices.corpus import mutations
from tests.invoices.oracle import CEN
from tests.invoices.samples import SAMPLES


def outcome(root: etree._Element) -> Invoice | tuple[str, object]:
    try:
        return read_ubl(root)
    except UnreadableDocument as error:
        return str(error), error.finding


def assert_same(root: etree._Element) -> None:
    plain = outcome(root)
    with mock.patch.object(ubl_lines, "_PLAIN_LINE", frozenset()):
        full = outcome(root)
    assert plain == full


def documents() -> Iterator[bytes]:
    yield from (path.read_bytes() for path in sorted((CEN / "examples" / "ubl").glob("*.[xX][mM][lL]")))
    yield from (path.read_bytes() for path in sorted(Path(SAMPLES / "en16931" / "ubl").glob("*.xml")))
    yield from (xml for name, xml in mutations() if name.endswith(".ubl"))


def test_documents_read_the_same() -> None:
    count = 0
    for xml in documents():
        assert_same(parse_xml(xml))
        count += 1
    assert count > 30


def test_unreadable_values_are_the_same_first_one() -> None:
    xml = write_ubl(twenty_line_invoice_model())
    tags = (B.InvoicedQuantity, B.LineExtensionAmount, B.PriceAmount, B.Percent)
    rng = random.Random(14)
    for _ in range(200):
        root = etree.fromstring(xml)
        lines = list(root.iter(A.InvoiceLine))
        for _ in range(rng.randrange(1, 4)):
            element = rng.choice([e for e in rng.choice(lines).iter(tags)])
            element.text = rng.choice(("1e5", "x", "", " 2 "))
        if rng.random() < 0.3:  # some lines not plain
            etree.SubElement(rng.choice(lines), B.Note).text = "n"
        assert_same(root)
