"""One document, two judges: the CEN artefact (the oracle) and pdp, each reduced to a set of EN 16931 rule ids.

What is compared: the ids ``BR-…`` (BR-nn, BR-CO, BR-CL, BR-DEC, BR-S/Z/E/AE/IC/G/O, BR-AF/AG, BR-B…) that each side
reports with a blocking severity (pdp: error or fatal; the CEN XSLT: ``flag="fatal"``). Left out on both sides:
warnings, pdp's own rules (PDP-…, CHORUS-…, and the French BR-FR-…), the XSD's refusals, and the artefact's syntax
rules (UBL-CR/SR/DT, CII-SR/DT), which are not EN 16931 business rules.

pdp is judged by ``validate_document`` (the whole engine, Chorus layer off), so the reader's own BR findings count.
The deliberate differences (pdp.einvoice.validation.deliberate) are taken out of both sets before comparing, those
narrowed to a case only on documents of that case (cases.py recognises them); the rules so set aside are kept on the
outcome (``aside``) and counted, so that a run says how much the deliberate entries cover.

A document pdp cannot read at all (``validate_document`` returns no invoice: a date or number that is not one, not
an invoice…) has no set of BR ids to compare: it is **counted apart**, outside the agreement's denominator, and it
is a difference only when the oracle finds no fatal error in it (a BR rule or one of the artefact's own syntax rules,
such as CII-DT-097 on a malformed date) *and* it is valid against the syntax's XSD (the CEN artefacts presuppose a
schema-valid document, so refusing an XSD-invalid one is no disagreement): pdp then refuses what the standard accepts,
reported as the pseudo-rule ``UNREADABLE`` on pdp's side. A crash of pdp (any exception) is counted apart too, as
``CRASH``, and always listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pdp.einvoice.formats.xmlsafe import parse_xml
from pdp.einvoice.validation.deliberate import UNREADABLE, is_deliberate
from pdp.einvoice.validation.engine import ValidationOptions, validate_document
from pdp.einvoice.validation.xsd import check_schema
from tests.invoices.differential.cases import cases_of
from tests.invoices.oracle import Oracle

OPTIONS = ValidationOptions(chorus=False)
CRASH = "CRASH"


def is_en16931_rule(rule: str) -> bool:
    return rule.startswith("BR-") and not rule.startswith("BR-FR-")


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    syntax: str
    # "compared", "unreadable" (schema-valid), "unreadable-invalid" (XSD-invalid too), "crash", or "oracle-error"
    # (the XSLT failed on it: no verdict to compare with)
    kind: str
    pdp: frozenset[str]
    oracle: frozenset[str]
    aside: frozenset[str] = frozenset()  # the differing rules set aside as deliberate (UNREADABLE for the file)

    @property
    def agrees(self) -> bool:
        return self.kind == "compared" and self.pdp == self.oracle

    @property
    def pdp_only(self) -> frozenset[str]:
        """False positives (pdp fires, the standard does not)."""
        if self.kind in ("oracle-error", "unreadable-invalid"):
            return frozenset()
        if self.kind == "crash":
            return frozenset({CRASH})
        if self.kind == "unreadable":
            return frozenset() if self.oracle or self.aside else frozenset({UNREADABLE})
        return self.pdp - self.oracle

    @property
    def oracle_only(self) -> frozenset[str]:
        """Misses (the standard fires, pdp does not)."""
        return self.oracle - self.pdp if self.kind == "compared" else frozenset()


def _schema_valid(xml: bytes, syntax: str) -> bool:
    try:
        return not check_schema(parse_xml(xml), syntax, None)
    except Exception:  # not even parsable, or a root no schema knows: not schema-valid either
        return False


def pdp_rules(xml: bytes, syntax: str) -> tuple[str, frozenset[str]]:
    try:
        report = validate_document(xml, options=OPTIONS)
    except Exception as exc:  # a crash is a finding of the fuzzer, not a reason to stop it
        return "crash", frozenset({f"{CRASH}:{type(exc).__name__}"})
    if report.invoice is None:
        kind = "unreadable" if _schema_valid(xml, syntax) else "unreadable-invalid"
        return kind, frozenset(f.rule for f in report.errors)
    rules = frozenset(f.rule for f in report.errors if f.severity in ("error", "fatal") and is_en16931_rule(f.rule))
    return "compared", rules


def oracle_rules(oracle: Oracle, xml: bytes, syntax: str) -> frozenset[str]:
    return frozenset(rule for rule in oracle.judge(xml, syntax).errors if is_en16931_rule(rule))


def _cases(xml: bytes, syntax: str) -> frozenset[str]:
    try:
        return cases_of(parse_xml(xml), syntax)
    except Exception:  # not parsable: of no case
        return frozenset()


def compare(oracle: Oracle, name: str, xml: bytes, syntax: str) -> Outcome:
    kind, pdp = pdp_rules(xml, syntax)
    cases = _cases(xml, syntax)
    try:
        if kind == "unreadable":
            # pdp refuses the whole document: the question is whether the artefact accepts it, so its own syntax
            # rules count too (CII-DT-097 refuses a format-102 date that is not YYYYMMDD, as pdp does)
            official = frozenset(oracle.judge(xml, syntax).errors)
            deliberate = not official and is_deliberate(UNREADABLE, syntax, cases)
            aside = frozenset({UNREADABLE}) if deliberate else frozenset()
            return Outcome(name, syntax, kind, pdp, official, aside)
        official = oracle_rules(oracle, xml, syntax)
    except Exception:  # the judge failed (saxon's dynamic error): no verdict to compare with
        return Outcome(name, syntax, "oracle-error", pdp, frozenset())
    if kind != "compared":
        return Outcome(name, syntax, kind, pdp, official)
    aside = frozenset(rule for rule in pdp ^ official if is_deliberate(rule, syntax, cases))
    return Outcome(name, syntax, kind, pdp - aside, official - aside, aside)


def family(name: str) -> str:
    """Where a document comes from, by its name (generate.py): pdp's writers, a CEN example, a CEN unit fragment."""
    if "-model" in name:
        return "model"
    return "fragment" if "#" in name else "example"


@dataclass
class SyntaxTally:
    documents: int = 0
    compared: int = 0
    agreeing: int = 0
    unreadable: int = 0
    crashes: int = 0
    oracle_errors: int = 0
    set_aside: int = 0  # documents with a difference set aside as deliberate
    set_aside_compared: int = 0  # those of them that are compared (not refused whole by pdp)
    aside_rules: dict[str, int] = field(default_factory=dict)  # rule -> documents where it was set aside
    pdp_only: dict[str, int] = field(default_factory=dict)  # rule -> documents where only pdp fired it
    oracle_only: dict[str, int] = field(default_factory=dict)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)  # (side, rule) -> first document's name
    families: dict[str, list[int]] = field(default_factory=dict)  # family -> [compared, agreeing]

    @property
    def agreement(self) -> float:
        return self.agreeing / self.compared if self.compared else 1.0

    @property
    def agreement_without_set_aside(self) -> float:
        """The agreement had no difference been deliberate."""
        return (self.agreeing - self.set_aside_compared) / self.compared if self.compared else 1.0

    def add(self, outcome: Outcome) -> None:
        self.documents += 1
        self.compared += outcome.kind == "compared"
        self.agreeing += outcome.agrees
        self.unreadable += outcome.kind.startswith("unreadable")
        self.crashes += outcome.kind == "crash"
        self.oracle_errors += outcome.kind == "oracle-error"
        self.set_aside += bool(outcome.aside)
        self.set_aside_compared += bool(outcome.aside) and outcome.kind == "compared"
        for rule in outcome.aside:
            self.aside_rules[rule] = self.aside_rules.get(rule, 0) + 1
        if outcome.kind == "compared":
            pair = self.families.setdefault(family(outcome.name), [0, 0])
            pair[0] += 1
            pair[1] += outcome.agrees
        for side, rules, counts in (
            ("pdp-only", outcome.pdp_only, self.pdp_only),
            ("oracle-only", outcome.oracle_only, self.oracle_only),
        ):
            for rule in rules:
                counts[rule] = counts.get(rule, 0) + 1
                self.examples.setdefault((side, rule), outcome.name)

    def differences(self) -> list[tuple[int, str, str, str]]:
        """(documents, side, rule, example), most frequent first."""
        rows = [(n, "pdp-only", rule, self.examples[("pdp-only", rule)]) for rule, n in self.pdp_only.items()]
        rows += [(n, "oracle-only", rule, self.examples[("oracle-only", rule)]) for rule, n in self.oracle_only.items()]
        return sorted(rows, key=lambda row: (-row[0], row[1], row[2]))
