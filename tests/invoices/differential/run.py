"""The differential fuzzer: pdp against the CEN EN 16931 artefacts on generated documents.

    .venv/bin/python tests/invoices/differential/run.py --syntax both --count 5000 --seed 1

prints, per syntax, the documents judged, the agreement (share of compared documents whose sets of BR ids are
equal, see compare.py for what is compared and how unreadable documents count), and the rules most often in the
difference, each with the first document that shows it, written to a temporary folder. ``--json`` also writes the
figures, for the CI test's baseline.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root on the path, as pytest has it
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.invoices.differential.compare import Outcome, SyntaxTally, compare
from tests.invoices.differential.generate import document
from tests.invoices.oracle import Oracle

_ORACLE: Oracle | None = None


def _start_worker() -> None:
    """Each process compiles the two stylesheets once. Saxon prints its dynamic errors (an XSLT failing on a
    duplicated singleton) on stderr: the fuzzer counts those documents, so the noise goes."""
    global _ORACLE
    _ORACLE = Oracle(cen=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)


def judge(job: tuple[int, str, int]) -> Outcome:
    seed, syntax, index = job
    if _ORACLE is None:
        _start_worker()
    assert _ORACLE is not None
    doc = document(seed, syntax, index)
    return compare(_ORACLE, doc.name, doc.xml, syntax)


def outcomes(syntaxes: list[str], count: int, seed: int, processes: int) -> Iterator[Outcome]:
    jobs = [(seed, syntax, index) for syntax in syntaxes for index in range(count)]
    if processes <= 1:
        yield from map(judge, jobs)
        return
    with multiprocessing.Pool(processes, initializer=_start_worker) as pool:
        yield from pool.imap_unordered(judge, jobs, chunksize=50)


def tally(syntaxes: list[str], count: int, seed: int, processes: int) -> dict[str, SyntaxTally]:
    tallies = {syntax: SyntaxTally() for syntax in syntaxes}
    for outcome in outcomes(syntaxes, count, seed, processes):
        tallies[outcome.syntax].add(outcome)
    return tallies


def write_examples(tallies: dict[str, SyntaxTally], seed: int, folder: Path) -> None:
    """Each difference's example document, regenerated from its index (the name's first part)."""
    for syntax, counts in tallies.items():
        for name in set(counts.examples.values()):
            doc = document(seed, syntax, int(name.split("-", 1)[0]))
            (folder / f"{syntax}-{name}.xml").write_bytes(doc.xml)


def summary(tallies: dict[str, SyntaxTally], top: int) -> list[str]:
    lines = []
    for syntax, counts in tallies.items():
        lines.append(
            f"{syntax}: {counts.documents} documents, {counts.compared} compared, {counts.agreeing} agree "
            f"({counts.agreement:.2%}); pdp cannot read {counts.unreadable}, pdp crashed on {counts.crashes}, "
            f"the CEN XSLT failed on {counts.oracle_errors} (not compared)"
        )
        lines.append(
            "  agreement by origin: "
            + ", ".join(f"{name} {agree}/{n} ({agree / n:.2%})" for name, (n, agree) in sorted(counts.families.items()))
        )
        if counts.set_aside:
            rules = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.aside_rules.items(), key=lambda kv: -kv[1]))
            lines.append(
                f"  set aside as deliberate on {counts.set_aside} documents ({counts.set_aside_compared} compared; "
                f"agreement without any set aside {counts.agreement_without_set_aside:.2%}): {rules}"
            )
        for documents, side, rule, example in counts.differences()[:top]:
            lines.append(f"  {documents:6d}  {side:11s}  {rule:12s}  e.g. {syntax}-{example}.xml")
    return lines


def figures(tallies: dict[str, SyntaxTally]) -> dict[str, object]:
    return {
        syntax: {
            "documents": counts.documents,
            "compared": counts.compared,
            "agreeing": counts.agreeing,
            "agreement": round(counts.agreement, 4),
            "unreadable": counts.unreadable,
            "crashes": counts.crashes,
            "oracle_errors": counts.oracle_errors,
            "set_aside": counts.set_aside,
            "agreement_without_set_aside": round(counts.agreement_without_set_aside, 4),
            "families": {name: {"compared": n, "agreeing": a} for name, (n, a) in sorted(counts.families.items())},
            "pdp_only": dict(sorted(counts.pdp_only.items())),
            "oracle_only": dict(sorted(counts.oracle_only.items())),
        }
        for syntax, counts in tallies.items()
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--syntax", choices=("ubl", "cii", "both"), default="both")
    parser.add_argument("--count", type=int, default=1000, help="documents per syntax")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--top", type=int, default=25, help="differing rules shown per syntax")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    syntaxes = ["ubl", "cii"] if args.syntax == "both" else [args.syntax]
    tallies = tally(syntaxes, args.count, args.seed, args.processes)
    folder = Path(tempfile.mkdtemp(prefix="pdp-differential-"))
    write_examples(tallies, args.seed, folder)
    print(f"seed {args.seed}, {args.count} documents per syntax; examples in {folder}")
    print("\n".join(summary(tallies, args.top)))
    if args.json:
        args.json.write_text(json.dumps(figures(tallies), indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
