"""Benchmark: pdp's full validation against its floor and the official tools, on the same documents, in one run.

Run: ``.venv/bin/python tests/bench/bench_validation.py [--runs 100]``

Two parts. First, on a 20-line CII: the bare lxml parse (the floor); pdp's full validation (sniff, safe parse,
XSD, reading, EN 16931, Chorus Pro, BR-FR) and its layers one by one; factur-x's XSD-only check; the official CEN
EN 16931 XSLT (``tests/invoices/artefacts/cen``, compiled once by saxonche and reused for every document).
Second, the same three (lxml parse, pdp, compiled CEN XSLT) on every document of a corpus: that invoice, its UBL
twin, and the CEN examples, each timed in the same interleaved rounds. The compiled XSLT's time is saxonche's
parse plus the transform to its SVRL report, nothing more (reading the report is not counted against it). Medians
and ratios are printed, and the verdicts of pdp and of the CEN XSLT are compared on the invoice and on a mutation
of it. Goals (issue 14): pdp >= 10x faster than the compiled XSLT, <= 3x the lxml parse. Not a test: nothing here
asserts timings.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import facturx
import msgspec
from lxml import etree
from saxonche import PySaxonProcessor, PyXsltExecutable

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.invoices.oracle import CEN, CEN_STYLESHEETS, Oracle

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.json_input import JsonInvoice, JsonSeller, to_invoice
from pdp.einvoice.formats.readers import read_xml_invoice
from pdp.einvoice.formats.ubl_write import write_ubl
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.model import Invoice
from pdp.einvoice.validation.en16931 import validate_en16931
from pdp.einvoice.validation.engine import validate_document, validate_invoice
from pdp.einvoice.validation.messages import MESSAGES
from pdp.einvoice.validation.xsd import check_schema, warm_up

SELLER = JsonSeller(name="Atelier Dupont SARL", siret="73282932000074", vat_number="FR44732829320")


class CompiledXslt:
    """The CEN EN 16931 XSLTs, compiled once; :meth:`run` is what a validator built on them pays per document."""

    def __init__(self) -> None:
        self.processor = PySaxonProcessor(license=False)
        self.executables: dict[str, PyXsltExecutable] = {
            syntax: self.processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))
            for syntax, path in CEN_STYLESHEETS.items()
        }

    def run(self, xml: bytes, syntax: str) -> str:
        node = self.processor.parse_xml(xml_text=xml.decode("utf-8-sig"))
        return str(self.executables[syntax].transform_to_string(xdm_node=node))


def corpus(invoice: bytes, ubl_twin: bytes) -> list[tuple[str, str, bytes]]:
    """(name, syntax, bytes): the 20-line invoice in both syntaxes, then the vendored CEN examples."""
    documents = [("20-line CII (pdp's writer)", "cii", invoice), ("20-line UBL (pdp's writer)", "ubl", ubl_twin)]
    for syntax in ("cii", "ubl"):
        for path in sorted((CEN / "examples" / syntax).iterdir()):
            documents.append((path.name, syntax, path.read_bytes()))
    return documents


def twenty_line_invoice_model() -> Invoice:
    lines = [
        {
            "name": f"Prestation {n}",
            "quantity": str(n % 7 + 1),
            "unit_price": f"{37 + n * 3.15:.2f}",
            "vat_rate": "20.00" if n % 3 else "5.50",
            "unit": "HUR",
        }
        for n in range(20)
    ]
    data = msgspec.convert(
        {
            "number": "F-2026-0042",
            "issue_date": "2026-11-20",
            "due_date": "2026-12-20",
            "recipient": {"siret": "11000201100044", "name": "Ministère de l'Exemple", "service_code": "SERV01"},
            "lines": lines,
            "payment": {"means_code": "30", "iban": "FR7630006000011234567890189"},
        },
        JsonInvoice,
        strict=False,
    )
    return to_invoice(data, seller=SELLER)


def twenty_line_invoice() -> bytes:
    return write_cii(twenty_line_invoice_model())


def interleaved_ms(functions: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Medians of ``runs`` rounds, each round timing every function once: drift on a noisy machine hits them all
    alike, so their ratios hold even when the absolute times do not."""
    for fn in functions.values():
        for _ in range(min(20, runs)):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, fn in functions.items():
            started = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def median_ms(fn: Callable[[], object], runs: int) -> float:
    for _ in range(min(20, runs)):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    xml = twenty_line_invoice()
    broken = xml.replace(b"<ram:GrandTotalAmount>", b"<ram:GrandTotalAmount>1", 1)
    warm_up()
    plain = etree.XMLParser(resolve_entities=False, no_network=True)
    # The layers as validate_document runs them: an uploaded XML is parsed without its layout text (xmlsafe).
    root = parse_xml(xml, drop_layout=True)
    parsed = read_xml_invoice(root)
    xslt = CompiledXslt()  # compiled outside the timing, once for every document

    rows = interleaved_ms(
        {
            "lxml parse (floor)": lambda: etree.fromstring(xml, plain),
            "pdp full validation": lambda: validate_document(xml),
            "  safe parse": lambda: parse_xml(xml, drop_layout=True),
            "  XSD": lambda: check_schema(root, "cii", parsed.profile),
            "  read into the model": lambda: read_xml_invoice(root),
            "  rules (EN 16931 + Chorus + BR-FR)": lambda: validate_invoice(parsed.invoice, "cii"),
            "CEN XSLT, compiled (saxonche)": lambda: xslt.run(xml, "cii"),
        },
        args.runs,
    )
    rows |= {
        "factur-x xml_check_xsd": median_ms(
            lambda: facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931"), max(10, args.runs // 10)
        ),
    }
    floor, pdp, official = (
        rows["lxml parse (floor)"],
        rows["pdp full validation"],
        rows["CEN XSLT, compiled (saxonche)"],
    )
    print(f"20-line CII, {len(xml):,} bytes; medians over {args.runs} interleaved runs (factur-x: fewer)")
    for name, value in rows.items():
        print(f"  {name:<40} {value:9.3f} ms   {value / floor:7.1f}x the lxml parse")
    print(
        f"pdp / lxml parse: {pdp / floor:.2f}x (goal <= 3)   "
        f"compiled CEN XSLT / pdp: {official / pdp:.1f}x (goal >= 10)"
    )
    _corpus_table(xslt, plain, max(10, args.runs // 4))
    _verdicts(xml, broken)


def _corpus_table(xslt: CompiledXslt, plain: etree.XMLParser, runs: int) -> None:
    """lxml parse, pdp and the compiled CEN XSLT on each document, all timed in the same interleaved rounds."""
    documents = corpus(twenty_line_invoice(), write_ubl(twenty_line_invoice_model()))
    functions: dict[str, Callable[[], object]] = {}
    for name, syntax, data in documents:
        functions[f"lxml|{name}"] = functools.partial(etree.fromstring, data, plain)
        functions[f"pdp|{name}"] = functools.partial(validate_document, data)
        functions[f"xslt|{name}"] = functools.partial(xslt.run, data, syntax)
    times = interleaved_ms(functions, runs)
    print(f"\n{len(documents)} documents, medians over {runs} interleaved runs (ms):")
    print(f"  {'document':<58} {'bytes':>9} {'lxml':>8} {'pdp':>8} {'XSLT':>8} {'pdp/lxml':>9} {'XSLT/pdp':>9}")
    totals = {"lxml": 0.0, "pdp": 0.0, "xslt": 0.0}
    pdp_over_lxml, xslt_over_pdp = [], []
    for name, _, data in documents:
        lxml_ms, pdp_ms, xslt_ms = (times[f"{kind}|{name}"] for kind in ("lxml", "pdp", "xslt"))
        totals["lxml"] += lxml_ms
        totals["pdp"] += pdp_ms
        totals["xslt"] += xslt_ms
        pdp_over_lxml.append(pdp_ms / lxml_ms)
        xslt_over_pdp.append(xslt_ms / pdp_ms)
        print(
            f"  {name[:58]:<58} {len(data):>9,} {lxml_ms:8.3f} {pdp_ms:8.3f} {xslt_ms:8.3f} "
            f"{pdp_ms / lxml_ms:8.1f}x {xslt_ms / pdp_ms:8.1f}x"
        )
    print(
        f"  corpus totals: lxml {totals['lxml']:.1f} ms, pdp {totals['pdp']:.1f} ms, compiled XSLT "
        f"{totals['xslt']:.1f} ms: pdp / lxml parse {totals['pdp'] / totals['lxml']:.2f}x (goal <= 3), "
        f"XSLT / pdp {totals['xslt'] / totals['pdp']:.1f}x (goal >= 10)"
    )
    print(
        f"  per document, median: pdp / lxml parse {statistics.median(pdp_over_lxml):.2f}x, "
        f"XSLT / pdp {statistics.median(xslt_over_pdp):.1f}x; worst: pdp / lxml {max(pdp_over_lxml):.2f}x, "
        f"XSLT / pdp {min(xslt_over_pdp):.1f}x"
    )


def _verdicts(xml: bytes, broken: bytes) -> None:
    oracle = Oracle(cen=True)
    catalogue = {rule for rule in MESSAGES if rule.startswith("BR-")}
    for label, document in (("valid", xml), ("wrong BT-112", broken)):
        invoice = read_xml_invoice(parse_xml(document)).invoice
        native = {f.rule for f in validate_en16931(invoice, "cii") if f.severity in ("error", "fatal")} & catalogue
        official = oracle.judge(document, "cii").errors & catalogue
        verdict = "same" if native == official else f"DIFFERENT pdp={sorted(native)} CEN={sorted(official)}"
        print(f"verdicts on the {label} document: {verdict} ({sorted(native) or 'no rule fails'})")


if __name__ == "__main__":
    main()
