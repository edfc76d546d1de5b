"""The real documents the fuzzer starts from, all vendored with the CEN artefacts (tests/invoices/artefacts/cen):
the CEN example invoices, and the fragments of the CEN rule-by-rule unit tests (each ``test`` of a ``testSet``
holds one invoice lacking whole groups, written to fire or pass one rule)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from tests.invoices.oracle import CEN

VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"
UNIT_FOLDERS = {"ubl": ("unit/ubl-invoice", "unit/ubl-creditnote"), "cii": ("unit/cii",)}


@dataclass(frozen=True, slots=True)
class Seed:
    name: str
    syntax: str
    xml: bytes
    fragment: bool  # a unit test's fragment, not a whole invoice


def _examples(syntax: str) -> list[Seed]:
    return [
        Seed(path.name, syntax, path.read_bytes(), fragment=False)
        for path in sorted((CEN / "examples" / syntax).iterdir())
        if path.suffix.lower() == ".xml"
    ]


def _fragments(syntax: str) -> list[Seed]:
    seeds = []
    for folder in UNIT_FOLDERS[syntax]:
        for path in sorted((CEN / folder).glob("*.xml")):
            root = etree.parse(str(path)).getroot()
            for number, test in enumerate(root.iterfind(f"{VEFA}test"), 1):
                for document in test:
                    if isinstance(document.tag, str) and not document.tag.startswith(VEFA):
                        xml = etree.tostring(document, encoding="UTF-8", xml_declaration=True)
                        seeds.append(Seed(f"{path.stem}#{number}", syntax, xml, fragment=True))
    return seeds


@cache
def seeds(syntax: str) -> tuple[Seed, ...]:
    return (*_examples(syntax), *_fragments(syntax))


def examples(syntax: str) -> tuple[Seed, ...]:
    return tuple(seed for seed in seeds(syntax) if not seed.fragment)


def seed_paths() -> list[Path]:
    """Every file the seeds come from (for a test that the vendored set is complete)."""
    return sorted(path for path in CEN.rglob("*") if path.suffix.lower() == ".xml")
