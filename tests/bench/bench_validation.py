"""Benchmark: pdp's full validation of a 20-line CII against its floor and the official tools, side by side.

Run: ``.venv/bin/python tests/bench/bench_validation.py [--runs 300]``

On the same document, in one run: the bare lxml parse (the floor); pdp's full validation (sniff, safe parse,
XSD, reading, EN 16931, Chorus Pro, BR-FR); pdp's layers one by one; factur-x's XSD-only check; the official
schematron through saxonche (compiled once). Medians and ratios are printed, and the verdicts of pdp and of the
schematron are compared on the valid document and on a mutation of it. Goals (issue 3): pdp ≤ 3x the lxml
parse, ≥ 50x faster than the schematron. Not a test: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import facturx
import msgspec
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.invoices.oracle import Oracle

from pdp.einvoice.formats.cii_write import write_cii
from pdp.einvoice.formats.json_input import JsonInvoice, JsonSeller, to_invoice
from pdp.einvoice.formats.readers import read_xml_invoice
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.validation.en16931 import validate_en16931
from pdp.einvoice.validation.engine import validate_document, validate_invoice
from pdp.einvoice.validation.messages import MESSAGES
from pdp.einvoice.validation.xsd import check_schema, warm_up

SELLER = JsonSeller(name="Atelier Dupont SARL", siret="73282932000074", vat_number="FR44732829320")


def twenty_line_invoice() -> bytes:
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
    return write_cii(to_invoice(data, seller=SELLER))


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
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    xml = twenty_line_invoice()
    broken = xml.replace(b"<ram:GrandTotalAmount>", b"<ram:GrandTotalAmount>1", 1)
    warm_up()
    plain = etree.XMLParser(resolve_entities=False, no_network=True)
    # The layers as validate_document runs them: an uploaded XML is parsed without its layout text (xmlsafe).
    root = parse_xml(xml, drop_layout=True)
    parsed = read_xml_invoice(root)
    oracle = Oracle()
    oracle.judge(xml, "cii")  # compile outside the timing

    rows = interleaved_ms(
        {
            "lxml parse (floor)": lambda: etree.fromstring(xml, plain),
            "pdp full validation": lambda: validate_document(xml),
            "  safe parse": lambda: parse_xml(xml, drop_layout=True),
            "  XSD": lambda: check_schema(root, "cii", parsed.profile),
            "  read into the model": lambda: read_xml_invoice(root),
            "  rules (EN 16931 + Chorus + BR-FR)": lambda: validate_invoice(parsed.invoice, "cii"),
        },
        args.runs,
    )
    rows |= {
        "factur-x xml_check_xsd": median_ms(
            lambda: facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931"), max(10, args.runs // 10)
        ),
        "official schematron (saxonche)": median_ms(lambda: oracle.judge(xml, "cii"), max(10, args.runs // 20)),
    }
    floor, pdp = rows["lxml parse (floor)"], rows["pdp full validation"]
    print(f"20-line CII, {len(xml):,} bytes; medians over {args.runs} runs (schematron and factur-x: fewer)")
    for name, value in rows.items():
        print(f"  {name:<40} {value:9.3f} ms   {value / floor:7.1f}x the lxml parse")
    print(
        f"pdp / lxml parse: {pdp / floor:.2f}x (goal <= 3)   "
        f"schematron / pdp: {rows['official schematron (saxonche)'] / pdp:.0f}x (goal >= 50)"
    )

    catalogue = {rule for rule in MESSAGES if rule.startswith("BR-")}
    for label, document in (("valid", xml), ("wrong BT-112", broken)):
        invoice = read_xml_invoice(parse_xml(document)).invoice
        native = {f.rule for f in validate_en16931(invoice, "cii")} & catalogue
        official = oracle.judge(document, "cii").errors & catalogue
        verdict = "same" if native == official else f"DIFFERENT pdp={sorted(native)} schematron={sorted(official)}"
        print(f"verdicts on the {label} document: {verdict} ({sorted(native) or 'no rule fails'})")


if __name__ == "__main__":
    main()
