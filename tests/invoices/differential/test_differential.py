"""The differential fuzzer in CI: a fixed seed, a few hundred documents per syntax, pdp against the CEN artefacts.

It fails when the agreement per syntax falls below the recorded baseline (baseline.json), or when a difference shows
up that is neither a deliberate one (pdp.einvoice.validation.deliberate) nor already recorded as open in the
baseline. A rule fixed since the baseline is reported in the run's summary so that the baseline can be raised:

    .venv/bin/python -m tests.invoices.differential.test_differential   # rewrites baseline.json from this run

Run it alone with ``pytest -m differential``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.invoices.differential.compare import UNREADABLE, Outcome, SyntaxTally
from tests.invoices.differential.generate import document
from tests.invoices.differential.run import tally
from tests.invoices.report import SUMMARY

BASELINE = Path(__file__).with_name("baseline.json")
SEED = 14
COUNT = 150  # per syntax: about 3 s of judging, plus the stylesheets' compilation


def _differences(counts: SyntaxTally) -> set[str]:
    return {f"{side} {rule}" for _, side, rule, _ in counts.differences()}


def measure() -> dict[str, SyntaxTally]:
    return tally(["ubl", "cii"], COUNT, SEED, processes=1)  # one process: the CI share is small and forking is not


def record(tallies: dict[str, SyntaxTally]) -> dict[str, object]:
    return {
        "seed": SEED,
        "count": COUNT,
        "agreement": {syntax: round(counts.agreement, 4) for syntax, counts in tallies.items()},
        "open": {syntax: sorted(_differences(counts)) for syntax, counts in tallies.items()},
    }


@pytest.fixture(scope="module")
def tallies() -> dict[str, SyntaxTally]:
    return measure()


@pytest.mark.differential
def test_a_document_is_reproduced_by_its_seed_and_index() -> None:
    for syntax in ("ubl", "cii"):
        first = [document(SEED, syntax, index).xml for index in range(12)]
        assert first == [document(SEED, syntax, index).xml for index in range(12)]
        assert first != [document(SEED + 1, syntax, index).xml for index in range(12)]


@pytest.mark.differential
def test_each_side_of_a_difference_is_named() -> None:
    both = Outcome("a", "ubl", "compared", frozenset({"BR-01", "BR-CO-10"}), frozenset({"BR-01", "BR-02"}))
    assert (both.agrees, both.pdp_only, both.oracle_only) == (False, frozenset({"BR-CO-10"}), frozenset({"BR-02"}))
    # Refusing a schema-valid document the standard accepts is a difference; refusing an XSD-invalid one is not.
    assert Outcome("b", "cii", "unreadable", frozenset(), frozenset()).pdp_only == {UNREADABLE}
    assert Outcome("c", "cii", "unreadable", frozenset(), frozenset({"BR-02"})).pdp_only == set()
    assert Outcome("d", "cii", "unreadable-invalid", frozenset(), frozenset()).pdp_only == set()
    counts = SyntaxTally()
    for outcome in (both, Outcome("e", "ubl", "compared", frozenset({"BR-02"}), frozenset({"BR-02"}))):
        counts.add(outcome)
    assert (counts.compared, counts.agreeing, counts.agreement) == (2, 1, 0.5)
    assert counts.differences() == [(1, "oracle-only", "BR-02", "a"), (1, "pdp-only", "BR-CO-10", "a")]


@pytest.mark.differential
def test_the_seeds_documents_are_judged_by_both_sides(tallies: dict[str, SyntaxTally]) -> None:
    for syntax, counts in tallies.items():
        assert counts.documents == COUNT
        # Most documents must be compared, or the agreement figure means little (the rest: unreadable, XSLT errors).
        assert counts.compared >= COUNT * 0.7, (syntax, counts.compared)
        assert counts.crashes == 0, syntax


@pytest.mark.differential
def test_agreement_does_not_fall_below_the_baseline(tallies: dict[str, SyntaxTally]) -> None:
    baseline = json.loads(BASELINE.read_text())
    assert (baseline["seed"], baseline["count"]) == (SEED, COUNT), "baseline.json was recorded for another run"
    for syntax, counts in tallies.items():
        SUMMARY.append(
            f"differential ({syntax}, seed {SEED}): {counts.agreeing}/{counts.compared} documents agree with the CEN "
            f"artefact ({counts.agreement:.2%}; baseline {baseline['agreement'][syntax]:.2%})"
        )
        assert round(counts.agreement, 4) >= baseline["agreement"][syntax], syntax  # recorded rounded to 4 places


@pytest.mark.differential
def test_every_difference_is_deliberate_or_already_open(tallies: dict[str, SyntaxTally]) -> None:
    baseline = json.loads(BASELINE.read_text())
    new = {}
    for syntax, counts in tallies.items():
        seen = _differences(counts)
        recorded = set(baseline["open"][syntax])
        new[syntax] = sorted(seen - recorded)
        fixed = sorted(recorded - seen)
        if fixed:
            SUMMARY.append(f"differential ({syntax}): no longer differing, raise the baseline: {', '.join(fixed)}")
    assert new == {"ubl": [], "cii": []}


if __name__ == "__main__":
    BASELINE.write_text(json.dumps(record(measure()), indent=1) + "\n")
    print(BASELINE.read_text())
