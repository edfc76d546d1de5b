"""The docs the code cites are in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"\bdocs/([\w-]+\.md)")

# Files the repository's own text lives in; generated, vendored and cache folders are left out.
TEXT_SUFFIXES = {".py", ".md", ".toml", ".json", ".jinja2", ".mako", ".css", ".cfg", ".ini", ".yml", ".yaml", ".txt"}
TEXT_NAMES = {"Makefile", "run"}
SKIPPED_FOLDERS = {".git", ".venv", "node_modules", "__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache", ".pdp"}
# Reference docs the team was given outside the repository: the repository must not send a reader to them.
OUTSIDE_DOCS = re.compile(r"einvoicing-rules|reliability-security|stack-notes|\bstyle\.md|\.\./shared|shared/docs")
# In code, the repository's own docs are cited as docs/<name>: a bare name reads as the copy outside the repository.
BARE_DOC = re.compile(r"(?<![\w/-])(?:chorus-pro-api|api|architecture)\.md")
CHORUS_DOC = ROOT / "docs" / "chorus-pro-api.md"
SECTION_CITATION = re.compile(r"docs/chorus-pro-api\.md((?:(?:,\s*|\s+to\s+|\s+and\s+|\s+)§\d+(?:\.\d+)?)+)")
HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", re.MULTILINE)


def _code_files() -> list[Path]:
    return [
        p
        for folder in ("platform", "connectors", "tenants", "workers", "web", "tests")
        for p in (ROOT / folder).rglob("*.py")
    ]


def _text_files() -> list[Path]:
    me = Path(__file__).resolve()
    return [
        p
        for p in ROOT.rglob("*")
        if p.is_file()
        and (p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES)
        and not SKIPPED_FOLDERS.intersection(p.relative_to(ROOT).parts)
        and p.resolve() != me
    ]


def test_every_cited_doc_exists() -> None:
    cited = {name for path in _code_files() for name in CITATION.findall(path.read_text(encoding="utf-8"))}
    assert "api.md" in cited
    assert "chorus-pro-api.md" in cited
    assert sorted(name for name in cited if not (ROOT / "docs" / name).is_file()) == []


def test_no_file_cites_a_doc_outside_the_repository() -> None:
    found = []
    for path in _text_files():
        relative = path.relative_to(ROOT)
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            matches = [*OUTSIDE_DOCS.findall(line), *(BARE_DOC.findall(line) if path.suffix == ".py" else [])]
            found += [f"{relative}:{number}: {match}" for match in matches]
    assert found == []


def test_chorus_doc_sections_cited_exist() -> None:
    sections = set(HEADING.findall(CHORUS_DOC.read_text(encoding="utf-8")))
    assert {"1", "3.1", "4.4", "12"} <= sections
    missing = [
        f"{path.relative_to(ROOT)}: §{number}"
        for path in _code_files()
        for span in SECTION_CITATION.findall(path.read_text(encoding="utf-8"))
        for number in re.findall(r"§(\d+(?:\.\d+)?)", span)
        if number not in sections
    ]
    assert missing == []
