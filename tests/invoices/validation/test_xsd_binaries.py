"""The schema layer empties a large attachment only where libxml2 would accept it: same findings, less time.

``libxml2_accepts_base64`` is compared with libxml2 itself (a one-element schema of type xs:base64Binary) on
random texts built from the characters that decide its verdict, then the engine's reports are compared with and
without the emptying on a large attachment, valid and broken.
"""

from __future__ import annotations

import base64
import random
from unittest import mock

import msgspec
import pytest
from lxml import etree

from pdp.einvoice.validation import xsd
from pdp.einvoice.validation.engine import validate_document
from pdp.einvoice.validation.xsd import libxml2_accepts_base64
from tests.invoices.oracle import CEN

_SCHEMA = etree.XMLSchema(
    etree.fromstring(
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="b" type="xs:base64Binary"/>'
        b"</xs:schema>"
    )
)
BIG = CEN / "examples" / "ubl" / "FT_G2G_TD01_con_Allegato,_Bonifico_e_Split_Payment.xml"


def libxml2_says(text: str) -> bool:
    element = etree.Element("b")
    element.text = text
    return _SCHEMA.validate(element)


def random_text(rng: random.Random) -> str:
    alphabet = "AQgw+/=\n !"  # digits with and without low bits set, padding, whitespace, a stray character
    text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
    return base64.b64encode(rng.randbytes(rng.randrange(5))).decode() + text if rng.random() < 0.5 else text


def test_the_base64_check_is_libxml2s() -> None:
    rng = random.Random(14)
    texts = [random_text(rng) for _ in range(20000)] + ["", "QQ==", "QR==", "QUI=", "QUJ=", "Q===", "QUJD", "=QUJD"]
    for text in texts:
        assert libxml2_accepts_base64(text) == libxml2_says(text), text
    assert not libxml2_accepts_base64("QUJD\u00e9")  # not ASCII: left to libxml2


def report(xml: bytes) -> bytes:
    return msgspec.json.encode(validate_document(xml, filename="invoice.xml"))


@pytest.mark.parametrize(
    ("old", "new", "schema_error"),
    [
        (b"", b"", False),  # as it is
        (b"T0YK</cbc:EmbeddedDocumentBinaryObject>", b"QR==</cbc:EmbeddedDocumentBinaryObject>", True),  # bits past
        (b"T0YK</cbc:EmbeddedDocumentBinaryObject>", b"T0YK\n</cbc:EmbeddedDocumentBinaryObject>", False),  # a blank
        (b"<cbc:IssueDate>", b"<cbc:Unexpected/><cbc:IssueDate>", True),  # another schema error: checked again
    ],
)
def test_reports_are_the_same_with_the_attachment_checked_by_libxml2(
    old: bytes, new: bytes, schema_error: bool
) -> None:
    xml = BIG.read_bytes().replace(old, new, 1)
    fast = report(xml)
    with mock.patch.object(xsd, "libxml2_accepts_base64", lambda text: False):
        slow = report(xml)
    assert fast == slow
    assert (b'"PDP-XSD"' in fast) == schema_error
