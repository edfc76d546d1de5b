"""The docs the code cites are in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"\bdocs/([\w-]+\.md)")


def test_every_cited_doc_exists() -> None:
    sources = [
        p
        for folder in ("platform", "connectors", "tenants", "workers", "web", "tests")
        for p in (ROOT / folder).rglob("*.py")
    ]
    cited = {name for path in sources for name in CITATION.findall(path.read_text(encoding="utf-8"))}
    assert "api.md" in cited
    assert sorted(name for name in cited if not (ROOT / "docs" / name).is_file()) == []
